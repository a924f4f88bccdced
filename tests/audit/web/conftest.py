"""The app with the audit tests' own rule set (one manual item), so pages do not hang on shipped rules."""
from __future__ import annotations

import pytest

from tests.audit.services.rule_set import write_rules
from tracker import create_app
from tracker.core.db import get_engine


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
                      "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "RULES_DIR": str(write_rules(tmp_path / "rules")), "UPLOAD_FOLDER": str(tmp_path / "up")})
    yield app
    get_engine(app).dispose()

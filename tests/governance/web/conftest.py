"""The app with the governance tests' own small rule set (one blocker on the site code)."""
from __future__ import annotations

import pytest

from tests.governance.services.conftest import GATE_RULES
from tracker import create_app
from tracker.core.db import get_engine


@pytest.fixture
def app(database_url, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "test_gates.yaml").write_text(GATE_RULES, encoding="utf-8")
    app = create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
                      "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False, "RULES_DIR": str(rules)})
    yield app
    get_engine(app).dispose()

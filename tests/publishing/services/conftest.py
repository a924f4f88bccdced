"""Report tests: an app with a report cache folder of its own and a world with stage data."""
from __future__ import annotations

import pytest

from tests.publishing.services.fixtures import build_rich
from tracker.core.db import session_scope


@pytest.fixture
def rich(app):
    with app.app_context(), session_scope(app) as session:
        return build_rich(session, app.config["UPLOAD_FOLDER"])


@pytest.fixture
def app(app, tmp_path):
    app.config["CACHE_FOLDER"] = str(tmp_path / "report-cache")
    return app


@pytest.fixture
def login(client):
    from tests.web_fixtures import sign_in

    def _login(user):
        assert sign_in(client, user.email).status_code == 302
        return client
    return _login

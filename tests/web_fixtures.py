"""Web fixtures: the test world in the app's database, and signing in through the real form."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD, build_world
from tracker.core.db import session_scope


@pytest.fixture
def world(app):
    with app.app_context(), session_scope(app) as session:
        return build_world(session)


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login(client):
    def _login(user):
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return _login

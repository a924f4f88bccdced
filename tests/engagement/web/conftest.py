"""Web fixtures for the engagement mechanism: partners and a need in the app's database."""
from __future__ import annotations

import pytest

from tests.engagement.services.conftest import PARTNER_PASSWORD, clinic_need, register
from tracker.accounts.models import User
from tracker.core.db import session_scope


@pytest.fixture
def eng(app, world):
    """A confirmed partner (Lyon), an unconfirmed one (Gdynia) and a funds need of Derhachi on the clinic."""
    with app.app_context(), session_scope(app) as session:
        admin = session.get(User, world.admin.id)
        lyon = register(session, confirm_by=admin)
        gdynia = register(session, email="partner@gdynia-test.eu", organisation_name="Gdynia", country="PL")
        need = clinic_need(session, world)
    return {"lyon": lyon, "gdynia": gdynia, "need": need}


@pytest.fixture
def partner_login(client):
    def _login(email: str):
        response = client.post("/login", data={"email": email, "password": PARTNER_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return _login

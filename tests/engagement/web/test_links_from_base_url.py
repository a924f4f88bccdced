"""Absolute links are built on ``PUBLIC_BASE_URL`` when it is set: a crafted Host header cannot make a
citizen's confirmation link (a valid token) or the API's links point at another site."""
from __future__ import annotations

from sqlmodel import Session, select

from tracker.core.db import get_engine
from tracker.core.models import OutboxMessage

SITE = "https://vidnova.example.ua"
EVIL = {"Host": "evil.example"}


def test_a_confirmation_link_ignores_the_requests_host(app, client, world):
    app.config["PUBLIC_BASE_URL"] = SITE
    response = client.post(f"/projects/{world.clinic.reference}/follow", data={"email": "me@example.org"},
                           headers=EVIL)
    assert response.status_code == 302
    with Session(get_engine(app)) as session:
        body = session.exec(select(OutboxMessage.body)).one()
    assert f"{SITE}/follow/confirm/" in body
    assert "evil.example" not in body


def test_the_apis_links_ignore_the_requests_host(app, client, world):
    app.config["PUBLIC_BASE_URL"] = SITE
    for path in (f"/api/v1/projects/{world.clinic.reference}", "/api/v1/projects",
                 f"/api/v1/authorities/{world.kharkiv_oblast.id}"):
        response = client.get(path, headers=EVIL)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert "evil.example" not in text and SITE in text, path

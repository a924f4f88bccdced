"""A moderator hides an item already published, from the project page: the reason shows in its place."""
from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select

from tests.voice.conftest import add_moderator, confirmation_path
from tests.voice.images import photo_with_gps
from tests.web_fixtures import sign_in
from tracker.audit.models import AuditEntry
from tracker.core.db import session_scope
from tracker.voice.models import CitizenItem, CitizenPhoto

EMAIL = "author@example.org"
TEXT = "The fence is broken near the school"


@pytest.fixture
def published(app, client, world):
    """A complaint with a photo, confirmed and published; (item id, photo thumbnail name, moderator)."""
    response = client.post(f"/projects/{world.clinic.reference}/voice", content_type="multipart/form-data", data={
        "kind": "complaint", "category": "safety", "body": TEXT, "email": EMAIL, "phase": "during",
        "website": "", "photo": (io.BytesIO(photo_with_gps()), "site.jpg")})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context(), session_scope(app) as session:
        moderator = add_moderator(session)
        path = confirmation_path(session, EMAIL)
    assert client.get(path).status_code == 200
    sign_in(client, moderator.email)
    with app.app_context(), session_scope(app) as session:
        item = session.exec(select(CitizenItem)).one()
        thumb = session.exec(select(CitizenPhoto)).one().thumb_name
    assert client.post(f"/manage/voice/{item.id}/publish").status_code == 303
    client.post("/logout")
    return item.id, thumb, moderator


def _state(app, item_id):
    with app.app_context(), session_scope(app) as session:
        item = session.get(CitizenItem, item_id)
        return item.state, item.hidden_reason


def test_a_moderator_hides_a_published_item_and_the_page_shows_the_reason(app, client, world, published):
    item_id, thumb, moderator = published
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert TEXT in page and thumb in page and f"/manage/voice/{item_id}/hide-published" not in page
    sign_in(client, moderator.email)
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert f"/manage/voice/{item_id}/hide-published" in page  # offered to moderators on the page
    form = client.get(f"/manage/voice/{item_id}/hide-published")
    assert form.status_code == 200 and TEXT in form.get_data(as_text=True)
    assert client.post(f"/manage/voice/{item_id}/hide-published", data={"reason": ""}).status_code == 422
    assert client.post(f"/manage/voice/{item_id}/hide-published", data={"reason": "dislike"}).status_code == 422
    assert _state(app, item_id) == ("published", None)
    response = client.post(f"/manage/voice/{item_id}/hide-published", data={"reason": "personal_data"})
    assert response.status_code == 303
    again = client.post(f"/manage/voice/{item_id}/hide-published", data={"reason": "abuse"})
    assert again.status_code == 409
    client.post("/logout")

    assert _state(app, item_id) == ("hidden", "personal_data")
    response = client.get(f"/projects/{world.clinic.reference}")
    page = response.get_data(as_text=True)
    assert TEXT not in page and thumb not in page and f'id="voice-{item_id}"' in page
    assert 'class="hidden-item"' in page
    client.get("/lang/en")
    english = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "Hidden by the moderator: Contained personal data" in " ".join(english.split()) and TEXT not in english
    assert client.get(f"/voice/photos/{thumb}").status_code == 404
    report = client.get(f"/reports/projects/{world.clinic.reference}.html").get_data(as_text=True)
    assert TEXT not in report and "data:image/jpeg" not in report
    with app.app_context(), session_scope(app) as session:
        changes = session.exec(select(AuditEntry.changes).where(
            AuditEntry.table_name == "citizen_item", AuditEntry.row_key == f'{{"id":{item_id}}}',
            AuditEntry.action == "update", AuditEntry.actor_id == moderator.id)).all()
    assert any('"hidden"' in change and '"personal_data"' in change for change in changes), changes


def test_nobody_else_hides_a_published_item(app, client, world, published):
    item_id, _thumb, _moderator = published
    assert client.get(f"/manage/voice/{item_id}/hide-published").status_code == 302  # sign in first
    for user in (world.derhachi_planner, world.auditor):
        sign_in(client, user.email)
        assert client.get(f"/manage/voice/{item_id}/hide-published").status_code == 403
        post = client.post(f"/manage/voice/{item_id}/hide-published", data={"reason": "abuse"})
        assert post.status_code == 403
        assert f"/manage/voice/{item_id}/hide-published" not in client.get(
            f"/projects/{world.clinic.reference}").get_data(as_text=True)
        client.post("/logout")
    assert _state(app, item_id) == ("published", None)
    sign_in(client, world.admin.email)
    assert client.post(f"/manage/voice/{item_id}/hide-published", data={"reason": "abuse"}).status_code == 303
    assert _state(app, item_id) == ("hidden", "abuse")


def test_hiding_a_published_item_needs_the_csrf_token(app, client, world, published):
    item_id, _thumb, moderator = published
    sign_in(client, moderator.email)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/manage/voice/{item_id}/hide-published", data={"reason": "abuse"}).status_code == 400
    assert _state(app, item_id) == ("published", None)
    page = client.get(f"/manage/voice/{item_id}/hide-published").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/manage/voice/{item_id}/hide-published", data={"reason": "abuse", "csrf_token": token})
    assert response.status_code == 303
    assert _state(app, item_id) == ("hidden", "abuse")

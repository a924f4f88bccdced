"""Citizens' voice through the web: submit, confirm, moderate, answer; hostile input; no author's address out."""
from __future__ import annotations

import io

import pytest
from sqlmodel import select

from tests.voice.conftest import add_moderator, confirmation_path
from tests.voice.images import decompression_bomb, exif_of, photo_with_gps, polyglot
from tests.web_fixtures import sign_in
from tracker.core.db import session_scope
from tracker.core.models import OutboxMessage
from tracker.voice.models import CitizenItem, CitizenPhoto

EMAIL = "secret.author@example.org"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def moderator(app):
    with app.app_context(), session_scope(app) as session:
        return add_moderator(session)


def _form(**overrides):
    data = {"kind": "complaint", "category": "suspected_corruption", "body": f"Asphalt gone {HOSTILE}",
            "author_name": f"Ivan {HOSTILE}", "email": EMAIL, "phase": "during", "website": ""}
    data.update(overrides)
    return data


def _post(client, project, photo=None, **overrides):
    data = _form(**overrides)
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "site.jpg")
    return client.post(f"/projects/{project.reference}/voice", data=data, content_type="multipart/form-data")


def _rows(app, model):
    with app.app_context(), session_scope(app) as session:
        return list(session.exec(select(model)))


def _confirm(app, client, email=EMAIL):
    with app.app_context(), session_scope(app) as session:
        path = confirmation_path(session, email)
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)


def _publish_all(app, client, moderator):
    sign_in(client, moderator.email)
    for item in _rows(app, CitizenItem):
        assert client.post(f"/manage/voice/{item.id}/publish").status_code == 303
    client.post("/logout")


def test_complaint_with_photo_from_submission_to_answer(app, client, world, moderator):
    assert client.get(f"/projects/{world.clinic.reference}/voice").status_code == 200
    response = _post(client, world.clinic, photo=photo_with_gps())
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "Asphalt gone" not in page  # unconfirmed: nobody sees it
    _confirm(app, client)
    sign_in(client, moderator.email)
    queue = client.get("/manage/voice").get_data(as_text=True)
    assert "Asphalt gone" in queue and HOSTILE not in queue and "&lt;script&gt;" in queue
    item = _rows(app, CitizenItem)[0]
    assert client.post(f"/manage/voice/{item.id}/publish").status_code == 303
    assert client.post(f"/manage/voice/{item.id}/hide", data={"reason": "abuse"}).status_code == 409
    client.post("/logout")

    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "Asphalt gone" in page and HOSTILE not in page and "&lt;script&gt;" in page
    photo = _rows(app, CitizenPhoto)[0]
    served = client.get(f"/voice/photos/{photo.storage_name}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert exif_of(served.data) == {"gps": {}}  # no GPS, no camera: nothing but the picture
    served.close()
    thumb = client.get(f"/voice/photos/{photo.thumb_name}")
    assert thumb.status_code == 200
    thumb.close()

    sign_in(client, world.irpin_planner.email)  # not this project's planner
    assert client.get(f"/voice/{item.id}/answer").status_code == 403
    client.post("/logout")
    sign_in(client, world.derhachi_planner.email)
    response = client.post(f"/voice/{item.id}/answer", data={"answer": f"Repaired in June {HOSTILE}"})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "Repaired in June" in page and HOSTILE not in page
    answers = [m for m in _rows(app, OutboxMessage) if m.recipient == EMAIL and "Repaired in June" in m.body]
    assert len(answers) == 1


def test_no_author_address_on_any_page_export_or_report(app, client, world, moderator, tmp_path):
    app.config["CACHE_FOLDER"] = str(tmp_path / "cache")
    _post(client, world.clinic, photo=photo_with_gps())
    _post(client, world.clinic, kind="question", category="", body="When?", email="second.author@example.org")
    _confirm(app, client)
    _confirm(app, client, "second.author@example.org")
    _publish_all(app, client, moderator)
    ref = world.clinic.reference
    urls = [f"/projects/{ref}", f"/api/v1/projects/{ref}", "/api/v1/projects", "/open-data/projects.csv",
            f"/open-data/oc4ids/projects/{ref}.json", "/open-data/oc4ids/projects.json",
            f"/reports/projects/{ref}.html", f"/authorities/{world.derhachi_hromada.id}", "/projects", "/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True).lower()
        response.close()
        assert "secret.author" not in body and "second.author" not in body, url


def test_a_hidden_item_shows_its_reason_not_its_text(app, client, world, moderator):
    _post(client, world.clinic, body="Call me on +380 67 000 00 00")
    _confirm(app, client)
    sign_in(client, moderator.email)
    item = _rows(app, CitizenItem)[0]
    assert client.post(f"/manage/voice/{item.id}/hide", data={"reason": "personal_data"}).status_code == 303
    client.post("/logout")
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "+380 67" not in page and f'id="voice-{item.id}"' in page
    assert _rows(app, CitizenItem)[0].body  # kept, never deleted


@pytest.mark.parametrize(("photo", "message"), [
    (decompression_bomb(), "too many pixels"),
    (polyglot(), "something other than a picture"),
    (b"GIF89a" + b"\x00" * 100, "not a photo"),
])
def test_bad_photos_are_refused_with_a_clear_message_and_nothing_stored(app, client, world, photo, message):
    client.get("/lang/en")  # the messages below are the English ones
    response = _post(client, world.clinic, photo=photo, kind="photo", body="")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _rows(app, CitizenItem) == [] and _rows(app, CitizenPhoto) == []
    assert not list((app.config["UPLOAD_FOLDER"] and __import__("pathlib").Path(app.config["UPLOAD_FOLDER"]))
                    .rglob("*.jpg"))


def test_an_oversized_photo_is_refused(app, client, world):
    app.config["VOICE_PHOTO_MAX_BYTES"] = 2048
    client.get("/lang/en")
    response = _post(client, world.clinic, photo=photo_with_gps((900, 700)), kind="photo", body="")
    assert response.status_code == 422 and "larger than" in response.get_data(as_text=True)
    assert _rows(app, CitizenItem) == []


@pytest.mark.parametrize(("overrides", "field_text"), [
    ({"latitude": "north"}, "latitude"),
    ({"email": "nobody"}, "email"),
    ({"kind": "rumour"}, "kind"),
    ({"body": "x" * 5001}, "5000"),
    ({"observed_on": "yesterday"}, "observed_on"),
])
def test_bad_input_is_a_clear_422_never_a_500(app, client, world, overrides, field_text):
    response = _post(client, world.clinic, **overrides)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert _rows(app, CitizenItem) == []


def test_the_honeypot_stores_nothing(app, client, world):
    response = _post(client, world.clinic, website="http://spam.example")
    assert response.status_code == 302
    assert _rows(app, CitizenItem) == [] and _rows(app, OutboxMessage) == []


def test_flooding_from_one_address_is_stopped(app, client, world):
    app.config["RATE_LIMIT_VOICE_PER_ADDRESS_PER_DAY"] = 3
    client.get("/lang/en")
    for _ in range(3):
        assert _post(client, world.clinic).status_code == 302
    response = _post(client, world.clinic)
    assert response.status_code == 429 and "Too many" in response.get_data(as_text=True)
    assert len(_rows(app, CitizenItem)) == 3


def test_flooding_from_one_client_is_stopped(app, client, world):
    app.config["RATE_LIMIT_VOICE_PER_HOUR"] = 2
    for number in range(2):
        assert _post(client, world.clinic, email=f"n{number}@example.org").status_code == 302
    assert _post(client, world.clinic, email="n9@example.org").status_code == 429


def test_only_moderators_and_admins_work_the_queue(app, client, world, moderator):
    assert client.get("/manage/voice").status_code == 302  # sign in first
    for user in (world.kharkiv_planner, world.auditor):
        sign_in(client, user.email)
        assert client.get("/manage/voice").status_code == 403
        client.post("/logout")
    for user in (moderator, world.admin):
        sign_in(client, user.email)
        assert client.get("/manage/voice").status_code == 200
        client.post("/logout")


def test_no_items_on_projects_that_are_not_public(client, world):
    assert client.get(f"/projects/{world.draft.reference}/voice").status_code == 404
    assert _post(client, world.draft).status_code == 404


def test_unpublished_photos_are_not_served(app, client, world):
    _post(client, world.clinic, photo=photo_with_gps(), kind="photo", body="")
    photo = _rows(app, CitizenPhoto)[0]
    assert client.get(f"/voice/photos/{photo.storage_name}").status_code == 404
    assert client.get("/voice/photos/..%2f..%2fetc%2fpasswd").status_code == 404


def test_a_bad_confirmation_link_is_a_400_page(client):
    assert client.get("/voice/confirm/not-a-token").status_code == 400


def test_an_unanswered_item_past_its_due_date_is_marked_overdue_in_public(app, client, world):
    from datetime import date, timedelta

    with app.app_context(), session_scope(app) as session:
        for days, body in ((-1, "Late one"), (5, "Fresh one")):
            session.add(CitizenItem(project_id=world.clinic.id, kind="complaint", category="cost", body=body,
                                    author_email="a@example.org", state="published",
                                    due_on=date.today() + timedelta(days=days)))
    client.get("/lang/en")
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert page.count("Overdue:") == 1
    assert "past their due date without an answer: 1" in page


def test_public_figures_in_the_api_the_page_and_the_report(app, client, world):
    from datetime import date, datetime, timedelta

    from tracker.voice.read_models import project_voice, public_counts

    today = date.today()
    with app.app_context(), session_scope(app) as session:
        common = dict(project_id=world.clinic.id, kind="complaint", category="cost", body="Why so dear?",
                      author_email=EMAIL)
        session.add_all([
            CitizenItem(**common, state="published", due_on=today - timedelta(days=1), answer="Because",
                        answered_at=datetime.now() - timedelta(days=3)),  # answered on time
            CitizenItem(**common, state="published", due_on=today - timedelta(days=2)),  # overdue
            CitizenItem(**common, state="published", due_on=today + timedelta(days=9)),  # not yet due
            CitizenItem(**common, state="hidden", hidden_reason="abuse", due_on=today - timedelta(days=5)),
            CitizenItem(**common, state="awaiting_moderation", due_on=today - timedelta(days=5)),  # not public
        ])
    expected = {"published": 3, "hidden": 1, "answered": 1, "overdue": 1, "answered_on_time_percent": 50.0}
    with app.app_context(), session_scope(app) as session:
        from_sql = public_counts(session=session, project_ids=[world.clinic.id, world.school.id])
        from_items = project_voice(session=session, project_id=world.clinic.id).counts()
        assert from_sql[world.clinic.id] == from_items and from_items.__dict__ == expected
        assert from_sql[world.school.id].published == 0
    answer = client.get(f"/api/v1/projects/{world.clinic.reference}")
    assert answer.status_code == 200 and answer.get_json()["citizens"] == expected
    client.get("/lang/en")
    oblast = client.get(f"/api/v1/authorities/{world.kharkiv_oblast.id}").get_json()
    assert _found(oblast, "citizens") == expected
    irpin = client.get(f"/api/v1/authorities/{world.irpin_hromada.id}").get_json()
    assert _found(irpin, "citizens")["published"] == 0
    assert client.get("/api/v1/figures").get_json()["citizens"] == expected
    for url in (f"/projects/{world.clinic.reference}", f"/reports/projects/{world.clinic.reference}.html",
                f"/authorities/{world.derhachi_hromada.id}", f"/authorities/{world.kharkiv_oblast.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "answered: 1; past their due date without an answer: 1" in page, url
        assert "Answered on time: 50.0 %" in page and EMAIL not in page, url


def _found(data, key):
    """The first value of ``key`` anywhere in a JSON answer."""
    if isinstance(data, dict):
        if key in data:
            return data[key]
        data = list(data.values())
    if isinstance(data, list):
        for value in data:
            found = _found(value, key)
            if found is not None:
                return found
    return None


def test_an_auditor_raises_a_finding_from_the_project_page(app, client, world, moderator, login):
    _post(client, world.clinic, body="Paid twice for the roof")
    _confirm(app, client)
    _publish_all(app, client, moderator)
    item = _rows(app, CitizenItem)[0]
    login(world.auditor)
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert f"/voice/{item.id}/finding" in page
    response = client.post(f"/voice/{item.id}/finding")
    assert response.status_code == 303 and "/audit/findings/" in response.location
    finding_page = client.get(response.location).get_data(as_text=True)
    assert f"#voice-{item.id}" in finding_page and "Paid twice for the roof" in finding_page
    assert client.post(f"/voice/{item.id}/finding").status_code == 403  # already raised: no second one
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert response.location.split("?")[0].rsplit("/", 1)[-1] in page and f"/voice/{item.id}/finding" not in page
    client.post("/logout")
    login(world.derhachi_planner)
    assert client.post(f"/voice/{item.id}/finding").status_code == 403
    client.post("/logout")
    public = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "/audit/findings/" not in public and f"/voice/{item.id}/finding" not in public

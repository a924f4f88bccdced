"""Public output carries an ETag from the data version and answers a still-valid conditional request with 304
before any page query; signed-in pages are never cached."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from tracker.core import data_version
from tracker.core.db import get_engine, session_scope
from tracker.core.mail import queue
from tracker.projects.models import Project

PUBLIC_URLS = ["/", "/projects", "/api/v1/figures", "/api/v1/projects", "/open-data/oc4ids/projects.json"]


def _statements(app, action) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _version(app) -> int:
    with app.app_context(), session_scope(app) as session:
        return data_version.current(session).version


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_public_answer_is_tagged_and_a_still_valid_tag_gets_304_after_one_read(app, world, url):
    client = app.test_client(use_cookies=False)  # a CDN or a cookieless client
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == f"public, max-age={app.config['PUBLIC_CACHE_SECONDS']}"
    answers = []
    statements = _statements(app, lambda: answers.append(
        client.get(url, headers={"If-None-Match": first.headers["ETag"]})))
    [second] = answers
    assert second.status_code == 304 and second.data == b"" and second.headers["ETag"] == first.headers["ETag"]
    assert len(statements) == 1, statements  # the data version, nothing else


def test_a_change_to_published_data_changes_the_tag(app, world):
    client = app.test_client(use_cookies=False)
    first = client.get("/api/v1/figures")
    with app.app_context(), session_scope(app) as session:
        session.get(Project, world.school.id).title_uk = "Нова назва школи"
    second = client.get("/api/v1/figures", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]


def test_each_committed_write_raises_the_version_by_one_and_bookkeeping_or_rollback_does_not(app, world):
    before = _version(app)
    with app.app_context(), session_scope(app) as session:
        session.get(Project, world.school.id).title_en = "A"
        session.flush()
        session.get(Project, world.clinic.id).title_en = "B"
    assert _version(app) == before + 1  # one transaction, one step
    with app.app_context(), session_scope(app) as session:
        queue(session=session, recipient="someone@example.org", subject="Hi", body="Mail is not published data")
    with app.app_context(), session_scope(app) as session:
        session.get(Project, world.school.id)  # a read
    with pytest.raises(RuntimeError), app.app_context(), session_scope(app) as session:
        session.get(Project, world.school.id).title_en = "C"
        session.flush()
        raise RuntimeError("rolled back")
    assert _version(app) == before + 1


def test_the_language_is_part_of_the_tag_and_a_session_makes_the_answer_private(app, world):
    client = app.test_client()
    ukrainian = client.get("/")
    client.get("/lang/en")
    english = client.get("/", headers={"If-None-Match": ukrainian.headers["ETag"]})
    assert english.status_code == 200 and english.headers["ETag"] != ukrainian.headers["ETag"]
    assert english.headers["Cache-Control"] == "private, no-cache"  # it depends on the session's language
    assert "Cookie" in english.headers["Vary"]


def test_signed_in_pages_are_never_cached_nor_answered_304(app, world, login):
    anonymous = app.test_client(use_cookies=False).get("/projects")
    client = login(world.kharkiv_planner)
    signed_in = client.get("/projects", headers={"If-None-Match": anonymous.headers["ETag"]})
    assert signed_in.status_code == 200 and "ETag" not in signed_in.headers
    assert signed_in.headers["Cache-Control"] == "private, no-store"
    manage = client.get(f"/manage/projects/{world.school.reference}/edit")
    assert manage.headers["Cache-Control"] == "private, no-store"

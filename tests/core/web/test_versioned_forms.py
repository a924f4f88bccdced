"""Every versioned form answers a missing or malformed version the same way: 400 with a message, nothing written."""
from __future__ import annotations

import pytest
from sqlmodel import select

from tracker.core.db import session_scope
from tracker.core.forms import VersionedForm
from tracker.projects.models import Project

# Each route whose form carries the project version (every subclass of core.forms.VersionedForm in use).
VERSIONED_ROUTES = [
    ("projects.edit", "/manage/projects/{ref}/edit"),
    ("stages.move", "/manage/projects/{ref}/move"),
    ("stages.change_state", "/manage/projects/{ref}/state"),
    ("planner.stage", "/manage/projects/{ref}/stage/needs"),
    ("planner.item", "/manage/projects/{ref}/items/contract/new"),
    ("planner.delete_item", "/manage/projects/{ref}/items/contract/1/delete"),
    ("planner.programme", "/manage/projects/{ref}/programme"),
    ("documents.manage", "/manage/projects/{ref}/documents"),
    ("documents.delete", "/manage/projects/{ref}/documents/1/delete"),
]
MALFORMED = ["abc", "", "0", "-1", "1.5", "٣", "99999999999999999999", "1\x00"]


@pytest.mark.parametrize(("endpoint", "url"), VERSIONED_ROUTES, ids=[e for e, _ in VERSIONED_ROUTES])
def test_a_malformed_version_answers_400_with_a_message(app, client, world, login, endpoint, url):
    login(world.kharkiv_planner)
    url = url.format(ref=world.school.reference)
    for version in MALFORMED:
        response = client.post(url, data={"version": version, "justification": "", "state": "suspended",
                                          "note": "why", "parent_reference": ""})
        assert response.status_code == 400, (endpoint, version, response.status_code)
        # A NUL is refused at the edge, before any form is read (core.web_input), with its own message.
        expected = (("control character", "керівний символ") if "\x00" in version
                    else ("reload the page", "перезавантажте сторінку"))
        assert any(words in response.get_data(as_text=True) for words in expected), (endpoint, version)
    response = client.post(url, data={"note": "no version at all"})
    assert response.status_code == 400, endpoint
    with app.app_context(), session_scope(app) as session:
        assert session.exec(select(Project.version).where(Project.id == world.school.id)).one() == \
            world.school.version  # nothing written


def test_the_list_covers_every_versioned_route(app):
    """A new versioned form must join the list above: every POST route of the edit areas is in it."""
    edit_posts = {rule.endpoint for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and rule.rule.startswith("/manage/projects/<reference>")}
    assert edit_posts == {endpoint for endpoint, _ in VERSIONED_ROUTES}
    assert VersionedForm.__subclasses__(), "the edit forms derive from core.forms.VersionedForm"


def test_the_message_is_in_the_readers_language(app, client, world, login):
    login(world.kharkiv_planner)
    url = f"/manage/projects/{world.school.reference}/move"
    client.get("/lang/en")
    english = client.post(url, data={"version": "abc"}).get_data(as_text=True)
    client.get("/lang/uk")
    ukrainian = client.post(url, data={"version": "abc"}).get_data(as_text=True)
    assert "reload the page" in english
    assert "reload the page" not in ukrainian and "перезавантажте" in ukrainian

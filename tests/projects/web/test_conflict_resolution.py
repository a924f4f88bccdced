"""Two planners edit one project: the second gets each differing field with a choice, theirs or the colleague's,
and exactly the chosen values are saved; nothing stale is sent again without a choice."""
from __future__ import annotations

import html
import re

from werkzeug.datastructures import MultiDict

from tests.projects.web.test_access import edit_url
from tests.web_fixtures import sign_in
from tracker.core.db import session_scope
from tracker.projects.models import Project

_HIDDEN = re.compile(r'<input type="hidden" name="(field|mine-[a-z_]+)" value="([^"]*)">')


def _form(project) -> dict:
    """The edit form as a browser sends it when loaded at version 1 (every text input, empty or not)."""
    empty = dict.fromkeys(("description_uk", "description_en", "subsector", "location_code", "latitude",
                           "longitude", "address"), "")
    return {**empty, "title_uk": project.title_uk, "title_en": project.title_en, "sector": "health",
            "project_type": "rehabilitation", "purpose": "restoration", "is_public": "y", "version": "1"}


def _stored(app, project_id: int) -> Project:
    with app.app_context(), session_scope(app) as session:
        project = session.get(Project, project_id)
        session.expunge(project)
        return project


def _page_choices(page: str) -> list[tuple[str, str]]:
    """What the conflict page's form carries: the listed fields and the person's entries."""
    return [(name, html.unescape(value)) for name, value in _HIDDEN.findall(page)]


def _two_planners(app, world):
    colleague, me = app.test_client(), app.test_client()
    assert sign_in(colleague, world.kharkiv_planner.email).status_code == 302
    assert sign_in(me, world.derhachi_planner.email).status_code == 302
    me.get("/lang/en")
    return colleague, me


def test_the_second_saver_chooses_per_field_and_exactly_that_is_saved(app, world):
    colleague, me = _two_planners(app, world)
    url = edit_url(world.clinic)
    saved = colleague.post(url, data={**_form(world.clinic), "title_uk": "Назва колеги",
                                      "address": "вул. Колеги, 1"})
    assert saved.status_code == 302
    mine = {**_form(world.clinic), "title_uk": "Моя назва", "title_en": "My title"}
    conflict = me.post(url, data=mine)
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    carried = _page_choices(page)
    assert [value for name, value in carried if name == "field"] == ["title_uk", "title_en", "address"]
    assert ("mine-title_uk", "Моя назва") in carried and ("mine-title_en", "My title") in carried
    assert "Saved by a colleague:" in page and "Назва колеги" in page and "вул. Колеги, 1" in page
    assert " checked" not in page  # no choice is made for the person
    assert '<input type="hidden" name="version" value="2">' in page

    # Posting the old form again is still a conflict, and writes nothing.
    assert me.post(url, data=mine).status_code == 409
    assert _stored(app, world.clinic.id).version == 2

    choices = [*carried, ("choice-title_uk", "saved"), ("choice-title_en", "mine"), ("version", "2"),
               ("resolution", "1")]
    resolve = url
    # A field left without a choice: nothing is saved, the page comes back with the choices made so far.
    incomplete = me.post(resolve, data=MultiDict(choices))
    assert incomplete.status_code == 422
    assert 'value="mine" checked' in incomplete.get_data(as_text=True)
    assert _stored(app, world.clinic.id).version == 2

    done = me.post(resolve, data=MultiDict([*choices, ("choice-address", "saved")]))
    assert done.status_code == 302, done.get_data(as_text=True)
    project = _stored(app, world.clinic.id)
    assert (project.title_uk, project.title_en, project.address) == ("Назва колеги", "My title", "вул. Колеги, 1")
    assert project.version == 3

    # The old form, and the resolution once more, are stale now: refused, nothing written.
    assert me.post(url, data=mine).status_code == 409
    assert me.post(resolve, data=MultiDict([*choices, ("choice-address", "saved")])).status_code == 409
    assert _stored(app, world.clinic.id).version == 3


def test_choosing_mine_everywhere_keeps_every_entry(app, world):
    colleague, me = _two_planners(app, world)
    url = edit_url(world.clinic)
    assert colleague.post(url, data={**_form(world.clinic), "sector": "education"}).status_code == 302
    page = me.post(url, data={**_form(world.clinic), "title_en": "Mine", "is_public": ""}).get_data(as_text=True)
    carried = _page_choices(page)
    fields = [value for name, value in carried if name == "field"]
    assert fields == ["title_en", "sector", "is_public"]
    data = [*carried, *((f"choice-{name}", "mine") for name in fields), ("version", "2"), ("resolution", "1")]
    assert me.post(url, data=MultiDict(data)).status_code == 302
    project = _stored(app, world.clinic.id)
    assert (project.title_en, project.sector, project.is_public) == ("Mine", "health", False)


def test_a_forged_field_name_is_ignored(app, world):
    colleague, me = _two_planners(app, world)
    url = edit_url(world.clinic)
    assert colleague.post(url, data={**_form(world.clinic), "title_en": "Theirs"}).status_code == 302
    data = [("field", "title_en"), ("mine-title_en", "Mine"), ("choice-title_en", "saved"),
            ("field", "authority_id"), ("choice-authority_id", "mine"), ("mine-authority_id", "1"),
            ("version", "2"), ("resolution", "1")]
    assert me.post(url, data=MultiDict(data)).status_code == 302
    project = _stored(app, world.clinic.id)
    assert project.title_en == "Theirs" and project.authority_id == world.clinic.authority_id


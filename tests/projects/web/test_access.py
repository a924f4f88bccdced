"""Role scoping on every route: planners within their subtree, auditors read-only, the public public-only."""
from __future__ import annotations

import pytest

EDIT_FORM = {"title_uk": "Нова назва", "title_en": "New title", "sector": "education",
             "project_type": "rehabilitation", "purpose": "restoration", "is_public": "y"}


def edit_url(project):
    return f"/manage/projects/{project.reference}/edit"


def test_hromada_planner_edits_own_project(client, world, login):
    login(world.derhachi_planner)
    assert client.get(edit_url(world.clinic)).status_code == 200
    response = client.post(edit_url(world.clinic), data={**EDIT_FORM, "version": "1"})
    assert response.status_code == 302
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "Нова назва" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_hromada_planner_refused_on_another_hromadas_project(client, world, login, method):
    login(world.derhachi_planner)
    for project in (world.school, world.bridge):  # same raion, and another oblast
        response = getattr(client, method)(edit_url(project), data={**EDIT_FORM, "version": "1"})
        assert response.status_code in (403, 404)
    assert world.school.title_uk in client.get(f"/projects/{world.school.reference}").get_data(as_text=True)


def test_oblast_planner_reaches_its_hromadas_but_not_other_oblasts(client, world, login):
    login(world.kharkiv_planner)
    assert client.get(edit_url(world.school)).status_code == 200
    assert client.get(edit_url(world.clinic)).status_code == 200
    assert client.get(edit_url(world.draft)).status_code == 200  # not public, but in scope
    assert client.get(edit_url(world.bridge)).status_code == 403


def test_auditor_reads_everything_but_writes_nothing(client, world, login):
    login(world.auditor)
    assert client.get(f"/projects/{world.draft.reference}").status_code == 200
    assert client.get(edit_url(world.school)).status_code == 403
    assert client.post(edit_url(world.school), data={**EDIT_FORM, "version": "1"}).status_code == 403
    assert client.get("/manage/projects/new").status_code == 403


def test_public_sees_only_public_projects(client, world):
    assert client.get(f"/projects/{world.school.reference}").status_code == 200
    assert client.get(f"/projects/{world.draft.reference}").status_code == 404
    listing = client.get("/projects").get_data(as_text=True)
    assert world.school.reference in listing and world.draft.reference not in listing
    assert world.draft.reference not in client.get("/").get_data(as_text=True)


def test_public_is_sent_to_sign_in_on_write_routes(client, world):
    response = client.get(edit_url(world.school))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(edit_url(world.school), data={**EDIT_FORM, "version": "1"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_planner_sees_own_non_public_project_but_not_others(client, world, login):
    login(world.irpin_planner)
    assert client.get(f"/projects/{world.draft.reference}").status_code == 404
    login(world.derhachi_planner)
    assert client.get(f"/projects/{world.draft.reference}").status_code == 200


def test_planner_cannot_create_under_foreign_authority(client, world, login):
    login(world.irpin_planner)
    response = client.post("/manage/projects/new", data={**EDIT_FORM, "authority_id": world.derhachi_hromada.id})
    # The foreign authority is not among the choices, so the form refuses it.
    assert response.status_code == 422
    assert 'aria-invalid="true" id="authority_id"' in response.get_data(as_text=True)
    listing = client.get(f"/authorities/{world.derhachi_hromada.id}").get_data(as_text=True)
    assert "Нова назва" not in listing


def test_planner_creates_project_in_scope(client, world, login):
    login(world.irpin_planner)
    response = client.post("/manage/projects/new", data={**EDIT_FORM, "authority_id": world.irpin_hromada.id})
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    assert reference.startswith("VID-")
    assert "Нова назва" in client.get(f"/projects/{reference}").get_data(as_text=True)


def test_planner_home_counts_public_and_own_projects(client, world, login):
    login(world.derhachi_planner)
    page = client.get("/").get_data(as_text=True)
    assert world.draft.title_uk in page  # their own non-public project
    login(world.irpin_planner)
    assert world.draft.title_uk not in client.get("/").get_data(as_text=True)


def test_a_new_project_starts_unpublished_until_the_planner_publishes_it(client, world, login):
    login(world.irpin_planner)
    form = client.get("/manage/projects/new").get_data(as_text=True)
    checkbox = form[form.index('id="is_public"') - 200:form.index('id="is_public"') + 200]
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox
    data = {key: value for key, value in EDIT_FORM.items() if key != "is_public"}
    response = client.post("/manage/projects/new", data={**data, "authority_id": world.irpin_hromada.id})
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    client.post("/logout", data={})
    assert client.get(f"/projects/{reference}").status_code == 404  # not on the public portal yet

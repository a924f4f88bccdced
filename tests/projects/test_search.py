"""Search words kept on every write path, and searching in Ukrainian whatever the case or form of a word."""
from __future__ import annotations

from sqlmodel import select

from tests.factories import build_world, project_data
from tracker.audit.models import AuditEntry
from tracker.core.collation import ukrainian_key
from tracker.planning import csv_io
from tracker.projects.models import Project, ProjectSearch
from tracker.projects.operations import NewProject, create_projects, delete_projects, project_changes, update_project
from tracker.projects.queries import ProjectFilters, listing_ids


def _found(session, query: str, visible=None) -> set[int]:
    return set(session.exec(listing_ids(ProjectFilters(text=query), visible)).all())


def test_words_in_any_case_or_form_find_the_same_projects(session):
    world = build_world(session)
    bridge, clinic, school = world.bridge.id, world.clinic.id, world.school.id
    assert _found(session, "мосту") == _found(session, "міст") == _found(session, "МІСТ") == {bridge}
    assert _found(session, "ремонт") == _found(session, "Ремонту") == {clinic}
    assert _found(session, "ірпінь") == _found(session, "Ірпеня") == {bridge}
    assert _found(session, "школи") == _found(session, "школа") == {school}
    assert _found(session, "bridge irpin") == {bridge}
    assert _found(session, "bridge school") == set()  # every word must be found
    assert _found(session, world.school.reference.lower()) == {school}
    assert _found(session, world.school.reference[-6:]) == {school}
    assert _found(session, "!!!") == set()


def test_the_authority_names_are_searched_and_follow_a_renaming(session):
    world = build_world(session)
    assert _found(session, "дергачі") == {world.clinic.id, world.draft.id}
    world.derhachi_hromada.name_uk = "Бучанська"
    session.flush()
    assert _found(session, "бучанська") == {world.clinic.id, world.draft.id}
    assert _found(session, "дергачі") == set()


def test_an_edited_title_is_found_by_its_new_words_only(session):
    world = build_world(session)
    update_project(session=session, project=world.school, expected_version=world.school.version,
                   changes=project_changes({"title_uk": "Укриття ліцею"}))
    session.flush()
    assert _found(session, "ліцей") == {world.school.id}
    assert world.school.id not in _found(session, "школа")


def test_bulk_creation_keeps_search_words_and_deletion_takes_them_away_unlogged(session):
    world = build_world(session)
    entries_before = len(session.exec(select(AuditEntry.seq)).all())
    ids = create_projects(session=session, projects=[
        NewProject(world.kharkiv_hromada.id, project_data(title_uk="Реконструкція котельні"), None)])
    session.flush()
    assert _found(session, "котельня") == {ids[0]} | {world.draft.id}
    assert session.get(ProjectSearch, ids[0]).words.startswith(" реконструкція котельні ")
    delete_projects(session=session, project_ids=ids)
    session.flush()
    assert session.get(ProjectSearch, ids[0]) is None
    logged = {entry.table_name for entry in session.exec(select(AuditEntry)).all()[entries_before:]}
    assert "project_search" not in logged  # derived from the logged project row, like evaluation scores


def test_a_csv_import_is_searchable_at_once(session):
    world = build_world(session)
    data = ("authority_code,title_uk,sector,project_type,purpose\n"
            f"{world.irpin_hromada.code},Відновлення мостів через Бучу,transport.road,rehabilitation,restoration\n")
    report = csv_io.import_projects(session=session, data=data.encode(), may_edit=lambda _authority: True)
    assert report.ok, report.errors
    session.flush()
    [new] = session.exec(select(Project.id).where(Project.title_uk.startswith("Відновлення мостів"))).all()
    assert _found(session, "міст буча") == {new}


def test_search_never_shows_what_the_reader_may_not_see(session):
    world = build_world(session)
    assert world.draft.id in _found(session, "котельня")
    assert _found(session, "котельня", Project.is_public.is_(True)) == set()


def _listed(session, query: str = "", sort: str = "newest", language: str = "uk") -> list[int]:
    from tracker.projects.queries import list_projects, sort_of
    filters = ProjectFilters(text=query)
    page = list_projects(session=session, filters=filters, visible=None, sort=sort_of(sort, filters),
                         language=language)
    return [project.id for project, _authority in page.rows]


def test_a_project_named_after_the_query_ranks_before_one_that_only_mentions_it(session):
    world = build_world(session)
    [shelter] = create_projects(session=session, projects=[NewProject(world.irpin_hromada.id, project_data(
        title_uk="Укриття ліцею", description_uk="Поруч із мостом через річку"), None)])
    session.flush()
    assert set(_listed(session, "міст")) == {world.bridge.id, shelter}
    # The shelter is newer, yet the bridge is named after the query: relevance puts it first, newest does not.
    assert _listed(session, "міст", sort="relevance") == [world.bridge.id, shelter]
    assert _listed(session, "міст", sort="newest") == [shelter, world.bridge.id]
    assert _listed(session, "міст", sort="nonsense") == [world.bridge.id, shelter]  # a search ranks by default


def test_names_sort_in_the_ukrainian_alphabet_in_either_language(session):
    world = build_world(session)
    ids = create_projects(session=session, projects=[
        NewProject(world.irpin_hromada.id, project_data(title_uk=title, title_en=None), None)
        for title in ("Ясла", "Ґанок ліцею", "Євроремонт палацу", "Їдальня", "Амбулаторія № 2", "Ірпінський парк")])
    session.flush()
    order = [session.get(Project, project_id).title_uk for project_id in _listed(session, sort="name")]
    assert order == sorted(order, key=ukrainian_key)
    assert [title for title in order if session.exec(select(Project.id).where(Project.title_uk == title)).first()
            in ids] == ["Амбулаторія № 2", "Ґанок ліцею", "Євроремонт палацу", "Ірпінський парк", "Їдальня", "Ясла"]
    english = [session.get(Project, project_id) for project_id in _listed(session, sort="name", language="en")]
    assert [project.title_en or project.title_uk for project in english][:4] == [
        "Bridge over the Irpin river", "Draft: boiler house", "Overhaul of the outpatient clinic",
        "Restoration of school No. 1"]


def test_an_organisation_that_plays_a_part_finds_the_project_and_follows_a_renaming(session):
    from tracker.core.models import Organisation
    from tracker.projects.operations import link_party
    world = build_world(session)
    builder = Organisation(name="ТОВ «Будівельник-Схід»", kind="company", country="UA")
    session.add(builder)
    session.flush()
    link_party(session=session, project=world.bridge, role="implementer", organisation=builder)
    assert _found(session, "будівельник") == {world.bridge.id}
    builder.name = "ТОВ «Мостобуд»"
    session.flush()
    assert _found(session, "мостобуд") == {world.bridge.id}
    assert _found(session, "будівельник") == set()

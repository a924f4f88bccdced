"""``core.bulk``: many rows in a few statements, ids in the order given, and every observer told, on both databases."""
from __future__ import annotations

import json

from sqlmodel import select

from tests.factories import build_world
from tracker.audit import trail
from tracker.audit.models import AuditEntry
from tracker.core import bulk
from tracker.planning.history_models import ChangeRecord
from tracker.projects import operations
from tracker.projects.models import Project, StageHistory


def _data(title: str) -> operations.ProjectCreate:
    return operations.project_data({"title_uk": title, "sector": "education", "project_type": "rehabilitation",
                                    "purpose": "restoration"})


def test_ids_come_back_in_the_order_given_and_defaults_are_the_models(session):
    world = build_world(session)
    titles = [f"Проєкт {number:04d}" for number in range(1, 1201)]  # more than one statement's page
    ids = operations.create_projects(session=session, actor_id=world.kharkiv_planner.id, projects=[
        operations.NewProject(world.kharkiv_hromada.id, _data(title)) for title in titles])
    session.commit()
    stored = {project.id: project for project in session.exec(select(Project).where(Project.id.in_(ids)))}
    assert [stored[project_id].title_uk for project_id in ids] == titles
    first = stored[ids[0]]
    # Named from its own id, version 1, public by default: what a single creation gives.
    assert first.reference == operations.make_reference(first.id, first.created_at.year)
    assert (first.version, first.is_public, first.stage, first.state) == (1, True, "needs_assessment", "active")
    moves = session.exec(select(StageHistory).where(StageHistory.project_id == ids[-1])).all()
    assert [(m.from_stage, m.to_stage, m.moved_by_id) for m in moves] == [
        (None, "needs_assessment", world.kharkiv_planner.id)]


def test_the_audit_trail_and_the_change_history_record_a_bulk_creation_as_a_flush_would(session):
    world = build_world(session)
    single = operations.create_project(session=session, authority=world.kharkiv_hromada, data=_data("Один"))
    session.commit()
    [many] = operations.create_projects(session=session, projects=[operations.NewProject(world.kharkiv_hromada.id,
                                                                                         _data("Багато"))])
    session.commit()
    entries = {(entry.table_name, entry.row_key): entry for entry in session.exec(
        select(AuditEntry).where(AuditEntry.table_name == "project", AuditEntry.action == "insert"))}
    logged = trail.canonical({"id": many})
    created = json.loads(entries[("project", logged)].changes)
    assert created["title_uk"] == "Багато" and created["reference"].startswith("VID-") and created["version"] == 1
    # The same columns as the unit of work logs for a single creation.
    assert set(created) == set(json.loads(entries[("project", trail.canonical({"id": single.id}))].changes))
    history = session.exec(select(ChangeRecord).where(ChangeRecord.project_id == many)).all()
    assert [(h.entity, h.action, h.new_value) for h in history] == [("project", "create", "Багато")]
    with session.connection() as connection:
        assert trail.verify(connection).ok


def test_an_observer_hears_every_statement_with_ids_and_values(session):
    world = build_world(session)
    heard = []

    def listen(_session, inserted):
        heard.append((inserted.table.name, [(row["id"], row.get("title_uk")) for row in inserted.rows]))

    bulk.observe(listen)
    try:
        ids = operations.create_projects(session=session, projects=[
            operations.NewProject(world.kharkiv_hromada.id, _data(title)) for title in ("A", "B")])
    finally:
        bulk._observers.remove(listen)
    assert ("project", [(ids[0], "A"), (ids[1], "B")]) in heard
    # The history's own insert (made while the project's observers run) is heard too.
    assert sorted(name for name, _rows in heard) == ["change_record", "project", "stage_history"]

"""Every change to a project's data is recorded: who, when, field, old and new, on every path."""
from __future__ import annotations

from sqlmodel import select

from tests.factories import build_world
from tests.planner_factories import add, contract_values, needs_values, save
from tracker.core.db import set_actor
from tracker.planning import stage_edit
from tracker.planning.history_models import ChangeRecord
from tracker.projects import operations as project_service


def _records(session, project):
    return list(session.exec(select(ChangeRecord).where(ChangeRecord.project_id == project.id)
                             .order_by(ChangeRecord.id)))


def test_stage_saves_record_field_changes_with_the_actor(session):
    world = build_world(session)
    set_actor(session, world.kharkiv_planner.id)
    save(session, world.school, "needs", needs_values())
    save(session, world.school, "needs", needs_values(beneficiaries=700))
    session.commit()
    updates = [r for r in _records(session, world.school) if r.action == "update"]
    assert [(r.entity, r.field, r.old_value, r.new_value) for r in updates] == [
        ("needs_assessment", "beneficiaries", "640", "700")]
    assert updates[0].actor_id == world.kharkiv_planner.id
    assert any(r.entity == "needs_assessment" and r.action == "create" for r in _records(session, world.school))


def test_general_edits_and_list_items_are_recorded(session):
    world = build_world(session)
    project_service.update_project(session=session, project=world.school,
                                   changes=project_service.ProjectUpdate(title_en="School No. 1, rebuilt"),
                                   expected_version=world.school.version)
    contract = add(session, world.school, "contract", contract_values())
    stage_edit.delete_item(session=session, project=world.school, kind="contract", item_id=contract.id,
                           expected_version=world.school.version)
    session.commit()
    records = _records(session, world.school)
    assert any(r.field == "title_en" and r.old_value == "Restoration of school No. 1"
               and r.new_value == "School No. 1, rebuilt" for r in records)
    assert [r.action for r in records if r.entity == "contract"] == ["create", "delete"]
    # Bookkeeping (version, timestamps) is not history.
    assert not any(r.field in ("version", "updated_at", "reference") for r in records)

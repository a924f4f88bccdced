"""Stage gates: a failing blocker stops the move with its explanation; fixing the data lets it through."""
from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import build_world
from tracker.core.errors import Conflict, PermissionDenied, ServiceError
from tracker.governance.models import Evaluation
from tracker.governance.policy import can_override_gate as can_override
from tracker.governance.stages import GateBlocked, change_state, move_to_next_stage, preview_next_gate
from tracker.projects.models import StageHistory
from tracker.projects.operations import ProjectUpdate, update_project

JUSTIFICATION = "The oblast council approved the emergency repair before the site was registered."


def test_missing_data_blocks_as_unresolved(evaluated_session, context):
    world = build_world(evaluated_session)
    with pytest.raises(GateBlocked) as blocked:
        move_to_next_stage(session=evaluated_session, project=world.school, context=context,
                           expected_version=world.school.version, actor=world.kharkiv_planner)
    [unproven] = blocked.value.gate.unresolved
    assert unproven.rule_id == "T-SITE" and unproven.missing == ("identification.location_code",)


def test_blocked_move_names_the_failing_rule_and_writes_nothing(evaluated_session, context):
    world = build_world(evaluated_session)
    world.school.location_code = "UA6312027"  # an OCHA P-code, not a KATOTTG code
    evaluated_session.add(world.school)
    evaluated_session.commit()
    with pytest.raises(GateBlocked) as blocked:
        move_to_next_stage(session=evaluated_session, project=world.school, context=context,
                           expected_version=world.school.version, actor=world.kharkiv_planner)
    [failing] = blocked.value.gate.blockers
    assert failing.rule_id == "T-SITE"
    assert failing.explanation_en == "The site has no KATOTTG code."
    evaluated_session.rollback()
    evaluated_session.refresh(world.school)
    assert world.school.stage == "needs_assessment"
    assert evaluated_session.exec(select(Evaluation).where(Evaluation.trigger == "stage_gate")).all() == []


def test_move_succeeds_once_the_data_is_fixed(evaluated_session, context):
    world = build_world(evaluated_session)
    update_project(session=evaluated_session, project=world.school,
                   changes=ProjectUpdate(location_code="UA63120270000096230"), expected_version=world.school.version)
    evaluated_session.commit()
    preview = preview_next_gate(session=evaluated_session, project=world.school, context=context)
    assert preview.target == "planning" and preview.gate.allowed
    move = move_to_next_stage(session=evaluated_session, project=world.school, context=context,
                              expected_version=world.school.version, actor=world.kharkiv_planner)
    evaluated_session.commit()
    assert (move.from_stage, move.to_stage) == ("needs_assessment", "planning")
    gate_evaluation = evaluated_session.get(Evaluation, move.evaluation_id)
    assert gate_evaluation.trigger == "stage_gate" and gate_evaluation.stage == "planning"
    latest = evaluated_session.exec(select(Evaluation).where(Evaluation.project_id == world.school.id,
                                                             Evaluation.is_latest.is_(True))).one()
    assert latest.stage == "planning"  # re-evaluated at the new stage when the move committed


def test_override_needs_authority_and_a_justification(evaluated_session, context):
    world = build_world(evaluated_session)
    hromada_scope = [world.derhachi_hromada.path]
    assert not can_override(world.derhachi_planner, world.derhachi_hromada, hromada_scope)
    assert can_override(world.kharkiv_planner, world.derhachi_hromada, [world.kharkiv_oblast.path])
    assert can_override(world.admin, world.derhachi_hromada, [])
    assert not can_override(world.auditor, world.derhachi_hromada, [])
    with pytest.raises(PermissionDenied):
        move_to_next_stage(session=evaluated_session, project=world.clinic, context=context,
                           expected_version=world.clinic.version, actor=world.derhachi_planner,
                           justification=JUSTIFICATION)
    with pytest.raises(ServiceError) as short:
        move_to_next_stage(session=evaluated_session, project=world.clinic, context=context,
                           expected_version=world.clinic.version, actor=world.kharkiv_planner,
                           justification="because")
    assert short.value.field == "justification"
    move = move_to_next_stage(session=evaluated_session, project=world.clinic, context=context,
                              expected_version=world.clinic.version, actor=world.kharkiv_planner,
                              justification=JUSTIFICATION)
    evaluated_session.commit()
    assert move.override_justification == JUSTIFICATION
    assert world.clinic.stage == "planning"


def test_stale_version_is_refused(evaluated_session, context):
    world = build_world(evaluated_session)
    update_project(session=evaluated_session, project=world.bridge,
                   changes=ProjectUpdate(location_code="UA32080150000014315"), expected_version=1)
    evaluated_session.commit()
    with pytest.raises(Conflict):
        move_to_next_stage(session=evaluated_session, project=world.bridge, context=context,
                           expected_version=1, actor=world.irpin_planner)


def test_suspended_projects_do_not_move_and_states_are_recorded(evaluated_session, context):
    world = build_world(evaluated_session)
    change_state(session=evaluated_session, project=world.bridge, state="suspended",
                 expected_version=world.bridge.version, actor=world.irpin_planner,
                 note="Shelling near the site")
    evaluated_session.commit()
    with pytest.raises(ServiceError, match="resume"):
        move_to_next_stage(session=evaluated_session, project=world.bridge, context=context,
                           expected_version=world.bridge.version, actor=world.irpin_planner)
    with pytest.raises(ServiceError):
        change_state(session=evaluated_session, project=world.bridge, state="suspended",
                     expected_version=world.bridge.version, actor=world.irpin_planner, note="again")
    moves = evaluated_session.exec(select(StageHistory).where(StageHistory.project_id == world.bridge.id)
                                   .order_by(StageHistory.id)).all()
    assert (moves[-1].from_stage, moves[-1].to_stage, moves[-1].note) == ("active", "suspended",
                                                                          "Shelling near the site")


def test_the_service_asks_the_policy_itself_whoever_calls_it(evaluated_session, context):
    """A planner of another oblast, or an auditor, cannot move or suspend a project by calling the service."""
    world = build_world(evaluated_session)
    for outsider in (world.irpin_planner, world.auditor):
        with pytest.raises(PermissionDenied):
            move_to_next_stage(session=evaluated_session, project=world.clinic, context=context,
                               expected_version=world.clinic.version, actor=outsider, justification=JUSTIFICATION)
        with pytest.raises(PermissionDenied):
            change_state(session=evaluated_session, project=world.clinic, state="suspended",
                         expected_version=world.clinic.version, actor=outsider, note="Shelling near the site")
    evaluated_session.rollback()
    evaluated_session.refresh(world.clinic)
    assert (world.clinic.stage, world.clinic.state) == ("needs_assessment", "active")


def test_an_unknown_state_is_refused_on_its_field(evaluated_session, context):
    world = build_world(evaluated_session)
    with pytest.raises(ServiceError) as refused:
        change_state(session=evaluated_session, project=world.bridge, state="paused",
                     expected_version=world.bridge.version, actor=world.irpin_planner, note="why not")
    assert refused.value.field == "state" and "suspended" in refused.value.message

"""Stored evaluations: what they keep, when they are made, and the authority settings they apply."""
from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from tests.factories import build_world
from tracker.governance.evaluations import facts_digest, latest_evaluation
from tracker.governance.models import Evaluation, RuleSetting
from tracker.governance.stored import expand, facts_of
from tracker.projects.operations import ProjectUpdate, add_funding_line, update_project
from tracker.rules import evaluate, resolve_parameters


def by_rule(session, evaluation: Evaluation) -> dict[str, dict]:
    return {r["rule_id"]: r for rule_set in expand(session, evaluation) for r in rule_set["results"]}


def test_every_project_is_evaluated_when_created(evaluated_session, context):
    world = build_world(evaluated_session)
    evaluation = latest_evaluation(session=evaluated_session, project_id=world.school.id)
    assert evaluation.trigger == "change" and evaluation.stage == "needs_assessment"
    [identity] = evaluation.rule_sets
    assert identity == {"id": "test_gates", "version": "7.1", "sha256": context.rule_sets["test_gates"].sha256}
    facts = facts_of(evaluated_session, evaluation)
    assert facts["identification"]["title"] == world.school.title_uk
    assert evaluation.facts_sha256 == facts_digest(facts)
    # 1.5 M UAH local + 400,000 EUR at the default planning rate of 45 UAH/EUR = 19.5 M UAH.
    assert by_rule(evaluated_session, evaluation)["T-FUNDING"]["outcome"] == "pass"
    assert by_rule(evaluated_session, evaluation)["T-SITE"]["outcome"] == "not_applicable"  # its stage comes later


def test_a_change_adds_an_evaluation_and_keeps_the_history(evaluated_session):
    world = build_world(evaluated_session)
    update_project(session=evaluated_session, project=world.clinic,
                   changes=ProjectUpdate(location_code="UA63120050000013387"), expected_version=1)
    evaluated_session.commit()
    rows = evaluated_session.exec(select(Evaluation).where(Evaluation.project_id == world.clinic.id)
                                  .order_by(Evaluation.id)).all()
    assert [row.is_latest for row in rows] == [False, True]
    assert facts_of(evaluated_session, rows[-1])["identification"]["location_code"] == "UA63120050000013387"
    assert facts_of(evaluated_session, rows[0])["identification"]["location_code"] is None


def test_funding_changes_reevaluate(evaluated_session):
    world = build_world(evaluated_session)
    before = latest_evaluation(session=evaluated_session, project_id=world.clinic.id)
    assert by_rule(evaluated_session, before)["T-FUNDING"]["outcome"] == "fail"
    add_funding_line(session=evaluated_session, project=world.clinic, source="state_budget",
                     amount_committed=Decimal("2000000"))
    evaluated_session.commit()
    after = latest_evaluation(session=evaluated_session, project_id=world.clinic.id)
    assert after.id != before.id
    assert by_rule(evaluated_session, after)["T-FUNDING"]["outcome"] == "pass"


def test_stored_evaluation_reproduces(evaluated_session, context):
    world = build_world(evaluated_session)
    stored = latest_evaluation(session=evaluated_session, project_id=world.school.id)
    rule_set = context.rule_sets["test_gates"]
    again = evaluate(rule_set, facts_of(evaluated_session, stored), stage=stored.stage,
                     parameters=resolve_parameters(rule_set))
    assert [r.to_dict() for r in again.results] == expand(evaluated_session, stored)[0]["results"]


def test_authority_settings_apply_top_down_and_are_shown(evaluated_session):
    world = build_world(evaluated_session)
    evaluated_session.add_all([
        RuleSetting(authority_id=world.kharkiv_oblast.id, rule_key="T-FUNDING", name="minimum", value=50_000_000),
        RuleSetting(authority_id=world.derhachi_hromada.id, rule_key="test_gates", name="minimum", value=100),
        RuleSetting(authority_id=world.kyiv_oblast.id, rule_key="T-FUNDING", name="enabled", value=False),
    ])
    for project in (world.school, world.clinic, world.bridge):
        project.address = "touched"
        evaluated_session.add(project)
    evaluated_session.commit()
    school = by_rule(evaluated_session, latest_evaluation(session=evaluated_session, project_id=world.school.id))
    clinic = latest_evaluation(session=evaluated_session, project_id=world.clinic.id)
    bridge = by_rule(evaluated_session, latest_evaluation(session=evaluated_session, project_id=world.bridge.id))
    assert school["T-FUNDING"]["outcome"] == "fail"  # the oblast raised the threshold
    # the hromada lowered it again
    assert by_rule(evaluated_session, clinic)["T-FUNDING"]["parameters"]["minimum"] == "100"
    assert [(o["name"], o["source"]) for o in expand(evaluated_session, clinic)[0]["overrides"]] == [
        ("minimum", "Дергачівська (UA63120050000013387)")]
    assert bridge["T-FUNDING"]["outcome"] == "not_applicable" and bridge["T-FUNDING"]["reason"] == "disabled"


def test_sessions_without_rules_evaluate_nothing(session):
    build_world(session)
    assert session.exec(select(Evaluation)).all() == []

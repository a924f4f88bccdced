"""Manual marks feed the evaluation; the checklist joins them with the stored automatic results;
a sign-off pins what it covered and goes stale, saying what changed, when the project changes."""
from __future__ import annotations

import pytest

from tracker.audit.checklists import build_checklist
from tracker.audit.marks import manual_marks, mark_item
from tracker.audit.signoff import sign_off, signoff_statuses
from tracker.core.db import set_actor
from tracker.core.errors import PermissionDenied, ServiceError
from tracker.governance.evaluations import latest_evaluation, stored_results
from tracker.projects.models import Project

STATEMENT = "Site visited on 3 May; works match contract 14/2024."


def _outcome(session, project, rule_id):
    evaluation = latest_evaluation(session=session, project_id=project.id)
    return next(r.outcome.value for r in stored_results(session, evaluation) if r.rule_id == rule_id)


def _mark(session, world, context, verdict, comment=None, **extra):
    set_actor(session, world.auditor.id)
    mark = mark_item(session=session, project=world.school, rule_id="A-VISIT", stage="needs_assessment",
                     verdict=verdict, comment=comment, user=world.auditor, context=context, **extra)
    session.commit()
    return mark


def test_a_mark_is_applied_by_the_evaluation(session, world, context):
    assert _outcome(session, world.school, "A-VISIT") == "pending"
    _mark(session, world, context, "pass")
    assert _outcome(session, world.school, "A-VISIT") == "pass"
    _mark(session, world, context, "fail", "The roof is not the one contracted.")
    assert _outcome(session, world.school, "A-VISIT") == "fail"
    assert manual_marks(session=session, project_ids=[world.school.id, world.clinic.id]) == {
        world.school.id: {"A-VISIT": False}}


def test_not_applicable_stays_pending_for_the_rules_but_shows_on_the_checklist(session, world, context):
    _mark(session, world, context, "not_applicable", "No works contracted yet.")
    assert _outcome(session, world.school, "A-VISIT") == "pending"
    checklist = build_checklist(session=session, project=world.school, stage="needs_assessment", context=context)
    [item] = checklist.manual
    assert item.outcome == "not_applicable" and not item.is_pending and checklist.pending == []


@pytest.mark.parametrize("who", ["kharkiv_planner", "admin"])
def test_only_auditors_mark(session, world, context, who):
    with pytest.raises(PermissionDenied):
        mark_item(session=session, project=world.school, rule_id="A-VISIT", stage="needs_assessment",
                  verdict="pass", user=getattr(world, who), context=context)


@pytest.mark.parametrize(("rule_id", "verdict", "comment", "field"), [
    ("A-SITE", "pass", None, "rule_id"),         # automatic rules are not marked by hand
    ("A-VISIT", "fail", None, "comment"),        # a failure needs a reason
    ("A-VISIT", "maybe", "x", "verdict"),
])
def test_bad_marks_are_refused(session, world, context, rule_id, verdict, comment, field):
    with pytest.raises(ServiceError) as refused:
        mark_item(session=session, project=world.school, rule_id=rule_id, stage="needs_assessment",
                  verdict=verdict, comment=comment, user=world.auditor, context=context)
    assert refused.value.field == field


def test_evidence_must_belong_to_the_project(session, world, context):
    from tracker.planning.document_models import Document

    document = Document(project_id=world.clinic.id, document_type="minutes", title="Other project's minutes",
                        original_name="m.pdf", storage_name="x.pdf", media_type="application/pdf", size=1,
                        sha256="0" * 64)
    session.add(document)
    session.flush()
    with pytest.raises(ServiceError, match="evidence"):
        _mark(session, world, context, "pass", evidence_ids=[document.id])


def test_checklist_joins_automatic_results_with_manual_items(session, world, context):
    checklist = build_checklist(session=session, project=world.school, stage="needs_assessment", context=context)
    assert [item.rule_id for item in checklist.manual] == ["A-VISIT"]
    automatic = {item.rule_id: item for item in checklist.automatic}
    assert automatic["A-SITE"].outcome == "error" and automatic["A-FUND"].outcome == "pass"
    assert automatic["A-FUND"].evidence[0]["actual"] is not None  # the fact the result rests on
    assert [item.rule_id for item in checklist.pending] == ["A-VISIT"]
    assert build_checklist(session=session, project=world.school, stage="completed",
                           context=context).evaluation is None


def test_sign_off_needs_every_manual_item_marked(session, world, context):
    with pytest.raises(ServiceError, match="A-VISIT"):
        sign_off(session=session, project=world.school, stage="needs_assessment", user=world.auditor,
                 statement=STATEMENT, context=context)


@pytest.mark.parametrize("who", ["kharkiv_planner", "admin"])
def test_only_auditors_sign_off(session, world, context, who):
    _mark(session, world, context, "pass")
    with pytest.raises(PermissionDenied):
        sign_off(session=session, project=world.school, stage="needs_assessment", user=getattr(world, who),
                 statement=STATEMENT, context=context)


def test_sign_off_pins_the_evaluation_and_goes_stale_with_what_changed(session, world, context):
    _mark(session, world, context, "pass")
    signoff = sign_off(session=session, project=world.school, stage="needs_assessment", user=world.auditor,
                       statement=STATEMENT, context=context)
    session.commit()
    pinned = latest_evaluation(session=session, project_id=world.school.id)
    assert (signoff.evaluation_id, signoff.facts_sha256, signoff.signer_role) == (
        pinned.id, pinned.facts_sha256, "auditor")
    [status] = signoff_statuses(session=session, project=world.school)
    assert not status.stale and status.signer == world.auditor.name

    set_actor(session, world.kharkiv_planner.id)
    project = session.get(Project, world.school.id)
    project.location_code = "UA63120270000096230"
    session.add(project)
    session.commit()
    [status] = signoff_statuses(session=session, project=world.school)
    assert status.stale
    # The code, and the oblast the code names (which the location rules compare with the point's oblast).
    assert [(c.fact, c.before, c.after) for c in status.facts_changed] == [
        ("identification.location.code_oblast_en", None, "Kharkiv Oblast"),
        ("identification.location.code_oblast_uk", None, "Харківська область"),
        ("identification.location_code", None, "UA63120270000096230")]
    assert [(record.field, record.new_value) for record, _who in status.changes] == [
        ("location_code", "UA63120270000096230")]


def test_a_new_mark_makes_the_sign_off_stale(session, world, context):
    _mark(session, world, context, "pass")
    sign_off(session=session, project=world.school, stage="needs_assessment", user=world.auditor,
             statement=STATEMENT, context=context)
    session.commit()
    _mark(session, world, context, "fail", "Second visit: the boiler is missing.")
    [status] = signoff_statuses(session=session, project=world.school)
    assert status.stale and status.results_changed and status.facts_changed == []

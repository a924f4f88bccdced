"""An auditor's mark and a planner's save of the same project, step by step on PostgreSQL: they queue on the
project row (the one lock order) instead of deadlocking between the project row and the audit trail's head."""
from __future__ import annotations

from sqlmodel import Session, select

from tests.concurrency import interleave, postgresql_only
from tests.planner_factories import needs_values
from tracker.audit.marks import mark_item
from tracker.audit.models import ManualMark
from tracker.governance.evaluations import latest_evaluation
from tracker.governance.reevaluation import attach
from tracker.planning import stage_edit
from tracker.planning.models import NeedsAssessment
from tracker.projects.models import Project


def _session(engine, context) -> Session:
    session = Session(engine, expire_on_commit=False)
    attach(session, context)  # re-evaluates the projects it changed when it commits, as the app's sessions do
    return session


def test_a_mark_and_a_save_of_one_project_queue_on_its_row(backend, engine, session, world, context):
    """The mark writes first (its row, the audit trail's head); the save must wait for the project row, not
    take it and then wait for the trail while the mark's re-evaluation waits for the project: a deadlock."""
    postgresql_only(backend)
    session.commit()
    auditor, planner = _session(engine, context), _session(engine, context)
    marked, saved = auditor.get(Project, world.school.id), planner.get(Project, world.school.id)

    def mark():
        mark_item(session=auditor, project=marked, rule_id="A-VISIT", stage="needs_assessment", verdict="pass",
                  user=world.auditor, context=context, comment="Visited on 3 May.")

    def save():
        stage_edit.save_stage(session=planner, project=saved, section="needs",
                              values=needs_values(beneficiaries=900), expected_version=saved.version)
        planner.commit()
        return "committed"

    def commit_mark():
        auditor.commit()  # re-evaluates the project before it commits
        return "committed"

    outcome = interleave(engine, mark, save, commit_mark)
    assert outcome["second_waited"], "the save must wait for the mark's lock on the project"
    assert (outcome["first"], outcome["second"]) == ("committed", "committed"), outcome
    auditor.close(), planner.close()
    with Session(engine) as check:
        assert check.exec(select(ManualMark.verdict)).all() == ["pass"]
        assert check.exec(select(NeedsAssessment.beneficiaries)).one() == 900
        # The save committed last: its evaluation is the latest and includes the mark.
        latest = latest_evaluation(session=check, project_id=world.school.id)
        assert latest.trigger == "change" and latest.stage == "needs_assessment"


def test_two_auditors_marking_one_project_at_once_queue_on_its_row(backend, engine, session, world, context):
    """Both marks insert a row pointing at the project (a key-share lock on it) and write the audit trail; at
    commit each re-evaluates the project, locking it for update. Unless a mark locks the project before
    writing, the first waits for the second's key-share lock while the second waits for the trail's head."""
    postgresql_only(backend)
    session.commit()
    first, second = _session(engine, context), _session(engine, context)
    projects = {id(first): first.get(Project, world.school.id), id(second): second.get(Project, world.school.id)}

    def mark(auditing: Session, verdict: str, comment: str):
        mark_item(session=auditing, project=projects[id(auditing)], rule_id="A-VISIT", stage="needs_assessment",
                  verdict=verdict, user=world.auditor, context=context, comment=comment)

    def mark_and_commit():
        mark(second, "fail", "Second visit: the boiler is missing.")
        second.commit()
        return "committed"

    outcome = interleave(engine, lambda: mark(first, "pass", "Visited on 3 May."), mark_and_commit,
                         lambda: first.commit() or "committed")
    assert outcome["second_waited"]
    assert (outcome["first"], outcome["second"]) == ("committed", "committed"), outcome
    first.close(), second.close()
    with Session(engine) as check:
        assert [mark.verdict for mark in check.exec(select(ManualMark).order_by(ManualMark.id))] == ["pass", "fail"]
        latest = latest_evaluation(session=check, project_id=world.school.id)
        assert latest.failed >= 1  # the newest mark (fail) is what the latest evaluation counts

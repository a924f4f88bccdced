"""The one lock order, step by step on PostgreSQL: decisions on a project queue on its row instead of deadlocking.

A stage move and a stage form's save both lock the project row first (``core.locking``, ``core.versioning``) and
only then touch its children, the audit trail's head and the evaluations. So whichever takes the row first
finishes while the other waits on that row; the other then sees the new version and is refused with ``Conflict``
(409, its entries kept) and succeeds when sent again: no deadlock, no 500, no save lost.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from tests.concurrency import THREADS, postgresql_only, together
from tests.factories import build_world
from tests.planner_factories import needs_values
from tracker.core.errors import Conflict
from tracker.governance import stages
from tracker.governance.evaluations import evaluate_and_store, facts_digest
from tracker.governance.facts import build_facts
from tracker.governance.models import Evaluation
from tracker.governance.reevaluation import attach
from tracker.planning import stage_edit
from tracker.planning.models import NeedsAssessment
from tracker.projects.models import Project, StageHistory
from tracker.projects.operations import project_changes, update_project

JUSTIFICATION = "Emergency repair ordered by the oblast military administration on 3 March."


def _waiting_on_locks(engine) -> int:
    """Sessions of this test's database waiting for a lock another transaction holds."""
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar_one()


def _until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _session(engine, context) -> Session:
    session = Session(engine, expire_on_commit=False)
    attach(session, context)  # re-evaluates what it changed when it commits, as the app's sessions do
    return session


def _move(session: Session, project: Project, world, context) -> None:
    stages.move_to_next_stage(session=session, project=project, context=context, expected_version=1,
                              actor=world.kharkiv_planner, justification=JUSTIFICATION)


def _save(session: Session, project: Project, world, context) -> None:
    stage_edit.save_stage(session=session, project=project, section="needs", values=needs_values(beneficiaries=900),
                          expected_version=1)


@pytest.mark.parametrize("first", ["move", "save"])
def test_a_stage_move_and_a_stage_save_serialise_on_the_project_row(backend, engine, evaluated_session, context,
                                                                     first):
    """Step by step: the first holds the project (and has written its children and the audit trail) while the
    second starts; the second waits on the project row, then is refused; sent again, it succeeds."""
    postgresql_only(backend)
    world = build_world(evaluated_session)
    evaluated_session.commit()
    operations = {"move": _move, "save": _save}
    second = "save" if first == "move" else "move"
    sessions = {name: _session(engine, context) for name in operations}
    projects = {name: sessions[name].get(Project, world.clinic.id) for name in operations}  # both load version 1
    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def run_first():
        try:
            operations[first](sessions[first], projects[first], world, context)
            sessions[first].flush()
            holding.set()  # the project row, the children, the audit trail's head: all held now
            release.wait(30)
            sessions[first].commit()
            outcome[first] = "committed"
        except Exception as error:  # noqa: BLE001 - reported below
            outcome[first] = error
            holding.set()

    def run_second():
        try:
            operations[second](sessions[second], projects[second], world, context)
            sessions[second].commit()
            outcome[second] = "committed"
        except Exception as error:  # noqa: BLE001 - reported below
            sessions[second].rollback()
            outcome[second] = error

    threads = [threading.Thread(target=run_first, daemon=True), threading.Thread(target=run_second, daemon=True)]
    threads[0].start()
    assert holding.wait(30) and first not in outcome, outcome
    threads[1].start()
    assert _until(lambda: _waiting_on_locks(engine) >= 1), "the second must wait on the project row"
    assert threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "a deadlock nobody broke"
    assert outcome[first] == "committed", outcome
    assert isinstance(outcome[second], Conflict), outcome  # 409 on the web, the form's entries kept
    assert outcome[second].current_version == 2

    # Sent again from the version it now has, the refused action succeeds: nothing is lost.
    session = sessions[second]
    project = projects[second]
    session.refresh(project)
    if second == "save":
        stage_edit.save_stage(session=session, project=project, section="needs",
                              values=needs_values(beneficiaries=900), expected_version=project.version)
    else:
        stages.move_to_next_stage(session=session, project=project, context=context,
                                  expected_version=project.version, actor=world.kharkiv_planner,
                                  justification=JUSTIFICATION)
    session.commit()
    for each in sessions.values():
        each.close()
    with Session(engine) as check:
        project = check.get(Project, world.clinic.id)
        assert (project.stage, project.version) == ("planning", 3)
        assert check.exec(select(NeedsAssessment.beneficiaries)
                          .where(NeedsAssessment.project_id == project.id)).one() == 900
        assert [move.to_stage for move in check.exec(select(StageHistory).where(
            StageHistory.project_id == project.id).order_by(StageHistory.id))] == ["needs_assessment", "planning"]
        _one_latest_describing_the_data(check, [project.id], context)


def _one_latest_describing_the_data(session: Session, project_ids: list[int], context) -> None:
    """Each project has exactly one latest evaluation, of the facts stored now."""
    projects = list(session.exec(select(Project).where(Project.id.in_(project_ids))))
    facts = build_facts(session=session, projects=projects, to_uah=context.to_uah)
    for project in projects:
        latest = session.exec(select(Evaluation).where(Evaluation.project_id == project.id,
                                                       Evaluation.is_latest.is_(True))).all()
        assert len(latest) == 1, (project.reference, len(latest))
        assert latest[0].stage == project.stage
        assert latest[0].facts_sha256 == facts_digest(facts[project.id]), project.reference


def test_twenty_concurrent_evaluations_of_one_project_all_succeed_one_latest(backend, engine, evaluated_session,
                                                                            context):
    """Twenty sessions evaluating one project at once: each is stored, none fails on the one-latest index."""
    postgresql_only(backend)
    world = build_world(evaluated_session)
    evaluated_session.commit()
    before = len(evaluated_session.exec(select(Evaluation.id).where(Evaluation.project_id == world.school.id)).all())

    def evaluate_once():
        with Session(engine, expire_on_commit=False) as session:
            project = session.get(Project, world.school.id)
            [stored] = evaluate_and_store(session=session, projects=[project], context=context, trigger="manual")
            session.commit()
            return stored.id

    results = together([evaluate_once] * THREADS)

    assert all(isinstance(result, int) for result in results), [r for r in results if not isinstance(r, int)]
    with Session(engine) as check:
        rows = check.exec(select(Evaluation).where(Evaluation.project_id == world.school.id)
                          .order_by(Evaluation.id)).all()
        assert len(rows) == before + THREADS
        # They queued on the project row: each replaced the one before, so the last stored is the latest.
        assert [row.id for row in rows if row.is_latest] == [max(results)]
        _one_latest_describing_the_data(check, [world.school.id], context)


def test_an_evaluation_reads_the_project_under_its_lock(backend, engine, evaluated_session, context):
    """An evaluation started from a project loaded before an edit committed evaluates the edited data: its
    facts are read after the row lock, so a stale evaluation never becomes the latest."""
    world = build_world(evaluated_session)
    evaluated_session.commit()
    with Session(engine, expire_on_commit=False) as stale:
        project = stale.get(Project, world.school.id)  # loaded now, evaluated after the edit below
        editor = _session(engine, context)
        edited = editor.get(Project, world.school.id)
        update_project(session=editor, project=edited, expected_version=edited.version,
                       changes=project_changes({"location_code": "UA63120270000096230"}))
        editor.commit()
        editor.close()
        assert project.location_code is None  # what the evaluating session holds is stale
        evaluate_and_store(session=stale, projects=[project], context=context, trigger="manual")
        stale.commit()
        assert project.location_code == "UA63120270000096230"  # read again under the lock
    with Session(engine) as check:
        _one_latest_describing_the_data(check, [world.school.id], context)


def test_on_sqlite_an_edit_committed_while_the_rules_run_is_evaluated_again_under_the_lock(backend, engine,
                                                                                           evaluated_session,
                                                                                           context, monkeypatch):
    """SQLite runs the rules before taking its one write lock (held meanwhile it starved other writers); an
    edit committed in between is noticed under the lock, and only that project is evaluated again."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL locks the projects before the rules run (the test above)")
    from tracker.governance import evaluations

    world = build_world(evaluated_session)
    evaluated_session.commit()
    evaluate_projects = evaluations.evaluate_projects
    evaluated: list[list[str]] = []

    def edit_while_the_rules_run(**arguments):
        results = evaluate_projects(**arguments)
        evaluated.append([project.reference for project in arguments["projects"]])
        if len(evaluated) == 1:
            editor = _session(engine, context)  # commits (and evaluates) while the batch has not written yet
            edited = editor.get(Project, world.school.id)
            update_project(session=editor, project=edited, expected_version=edited.version,
                           changes=project_changes({"location_code": "UA63120270000096230"}))
            editor.commit()
            editor.close()
        return results

    monkeypatch.setattr(evaluations, "evaluate_projects", edit_while_the_rules_run)
    ids = [world.school.id, world.clinic.id]
    with Session(engine, expire_on_commit=False) as session:
        projects = list(session.exec(select(Project).where(Project.id.in_(ids))))
        stored = evaluate_and_store(session=session, projects=projects, context=context, trigger="manual")
        session.commit()

    assert evaluated[0] == sorted([world.school.reference, world.clinic.reference])
    assert evaluated[-1] == [world.school.reference]  # only the edited project again, under the lock
    assert {row.project_id for row in stored} == set(ids)
    with Session(engine) as check:
        _one_latest_describing_the_data(check, ids, context)
        assert check.get(Project, world.school.id).location_code == "UA63120270000096230"

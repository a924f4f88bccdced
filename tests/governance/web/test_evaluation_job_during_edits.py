"""`vidnova rules eval --all` while planners save: no deadlock, no failed save, and every project's one latest
evaluation describes its committed data (PostgreSQL, real threads)."""
from __future__ import annotations

import logging
import time

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from tests.concurrency import postgresql_only, signed_in_tabs, statuses, together
from tests.factories import project_data
from tests.governance.services.test_lock_order import _one_latest_describing_the_data
from tracker.core.db import get_engine, session_scope
from tracker.governance import evaluation_jobs
from tracker.governance.models import Evaluation
from tracker.jobs import runner
from tracker.jobs.models import Job, JobState
from tracker.projects.models import Project
from tracker.projects.operations import NewProject, create_projects

NEEDS = {"damage_register_ref": "DR-2023-000481", "assessment_date": "2024-02-01", "rdna_sector": "education",
         "estimated_cost": "12500000.00", "idp_beneficiaries": "10", "urgency": "high",
         "strategy_ref": "Strategy 2027, goal 2.1"}
EDITORS, PROJECTS_EACH, ROUNDS = 4, 6, 2


def test_the_evaluation_job_runs_while_planners_save(app, world, backend, monkeypatch, caplog):
    postgresql_only(backend)
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(evaluation_jobs, "BATCH", 4)  # many batches, each a transaction among the saves
    with app.app_context(), session_scope(app) as session:
        ids = create_projects(session=session, projects=[
            NewProject(authority_id=world.kharkiv_hromada.id, data=project_data(title_en=f"School {number}"))
            for number in range(EDITORS * PROJECTS_EACH)])
        references = dict(session.exec(select(Project.id, Project.reference).where(Project.id.in_(ids))).all())
        job_id = evaluation_jobs.submit_evaluation(session=session, project_ids=None, started_by_id=None,
                                                   send=False).id
    tabs = signed_in_tabs(app, world.kharkiv_planner, count=EDITORS)

    spans: dict[str, list[float]] = {}

    def edit(tab, mine: list[int]):
        spans.setdefault("saves", []).append(time.monotonic())
        responses = []
        for round_number in range(ROUNDS):
            for project_id in mine:
                responses.append(tab.post(f"/manage/projects/{references[project_id]}/stage/needs", data={
                    **NEEDS, "beneficiaries": str(100 + 10 * round_number + project_id),
                    "version": str(1 + round_number)}))
        spans["saves"].append(time.monotonic())
        return responses

    def evaluate_all():
        with app.app_context():
            spans["job"] = [time.monotonic()]
            state = runner.run(job_id, observer=lambda _context: time.sleep(0.02))  # spread over the saves
            spans["job"].append(time.monotonic())
            return state

    work = [evaluate_all] + [
        (lambda tab=tab, mine=ids[number::EDITORS]: edit(tab, mine)) for number, tab in enumerate(tabs)]
    outcome = together(work, timeout=300)

    assert outcome[0] == JobState.DONE.value, outcome[0]
    assert spans["job"][0] < max(spans["saves"]) and min(spans["saves"]) < spans["job"][1], "they overlapped"
    saves = [response for responses in outcome[1:] for response in responses]
    assert statuses(saves) == {302: EDITORS * PROJECTS_EACH * ROUNDS}, statuses(saves)
    messages = [record.getMessage() for record in caplog.records]
    assert not [message for message in messages if "40P01" in message or "deadlock" in message.lower()]
    with Session(get_engine(app)) as session:
        job = session.get(Job, job_id)
        assert job.summary == {"evaluated": len(ids) + 4} and job.error is None
        everything = list(session.exec(select(Project.id)))
        assert len(everything) == len(ids) + 4
        _one_latest_describing_the_data(session, everything, app.extensions["tracker.rules"])



class _Aborted(Exception):
    """What the driver raises when PostgreSQL breaks a deadlock by aborting this transaction."""

    sqlstate = "40P01"


def _deadlocking(real, failures: int, calls: list):
    """``evaluate_and_store`` that writes, then is aborted as a deadlock victim its first ``failures`` calls."""
    def evaluate_and_store(**arguments):
        stored = real(**arguments)
        calls.append(len(stored))
        if len(calls) <= failures:
            raise OperationalError("UPDATE evaluation …", {}, _Aborted("deadlock detected"))
        return stored
    return evaluate_and_store


def _submit(app) -> int:
    with app.app_context(), session_scope(app) as session:
        return evaluation_jobs.submit_evaluation(session=session, project_ids=None, started_by_id=None,
                                                 send=False).id


def test_a_batch_the_database_aborts_is_evaluated_again(app, world, monkeypatch):
    """A deadlock victim's batch is rolled back whole and run again: the job finishes, nothing twice."""
    monkeypatch.setattr(evaluation_jobs, "BATCH", 2)
    calls: list[int] = []
    monkeypatch.setattr(evaluation_jobs, "evaluate_and_store",
                        _deadlocking(evaluation_jobs.evaluate_and_store, 2, calls))
    job_id = _submit(app)
    with app.app_context():
        assert runner.run(job_id) == JobState.DONE.value
    assert calls == [2, 2, 2, 2]  # the first batch three times (two aborted), then the second
    with Session(get_engine(app)) as session:
        assert session.get(Job, job_id).summary == {"evaluated": 4}
        manual = session.exec(select(Evaluation).where(Evaluation.trigger == "manual")).all()
        assert sorted(evaluation.project_id for evaluation in manual) == sorted(
            session.exec(select(Project.id)).all())  # each project once: the aborted attempts left nothing
        _one_latest_describing_the_data(session, list(session.exec(select(Project.id))),
                                        app.extensions["tracker.rules"])


def test_a_batch_aborted_every_time_gives_up_after_its_attempts(app, world, monkeypatch):
    monkeypatch.setattr(evaluation_jobs, "BATCH", 2)
    calls: list[int] = []
    monkeypatch.setattr(evaluation_jobs, "evaluate_and_store",
                        _deadlocking(evaluation_jobs.evaluate_and_store, 1000, calls))
    job_id = _submit(app)
    with app.app_context():
        runner.run(job_id)  # stopped by the database: the runner runs the job again (the tests' queue at once)
    with Session(get_engine(app)) as session:
        job = session.get(Job, job_id)
        # Bounded: each attempt of the job tried its first batch BATCH_ATTEMPTS times, then the job failed.
        assert len(calls) == evaluation_jobs.BATCH_ATTEMPTS * job.max_attempts
        assert job.state == JobState.FAILED and job.error
        assert session.exec(select(Evaluation).where(Evaluation.trigger == "manual")).all() == []


def test_an_error_that_is_not_a_lost_race_is_not_retried(app, world, monkeypatch):
    monkeypatch.setattr(evaluation_jobs, "BATCH", 2)
    calls: list[int] = []

    def broken(**_arguments):
        calls.append(1)
        raise OperationalError("SELECT …", {}, Exception("disk full"))

    monkeypatch.setattr(evaluation_jobs, "evaluate_and_store", broken)
    job_id = _submit(app)
    with app.app_context():
        runner.run(job_id)
    with Session(get_engine(app)) as session:
        job = session.get(Job, job_id)
    assert calls == [1] * job.max_attempts  # once an attempt of the job: the batch itself is not run again
    assert job.state == JobState.FAILED

"""Running jobs: claiming, outcomes written with the work or not at all, cancelling, and tidying after dead workers."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.jobs import kinds
from tests.jobs.helpers import organisations, read_job, submit
from tracker.core.columns import utcnow
from tracker.core.db import get_engine, session_scope
from tracker.core.queue import get_queue
from tracker.jobs import runner
from tracker.jobs.models import Job, JobState


def test_a_submitted_job_waits_in_the_queue_until_its_transaction_commits(queued_app):
    queue = get_queue(queued_app)
    with queued_app.app_context():
        with session_scope(queued_app) as session:
            runner.submit(session=session, kind=kinds.SLOW, params={"name": "a"})
            assert queue.depth() == 0  # not before the commit
        assert queue.depth() == 1
        try:
            with session_scope(queued_app) as session:
                runner.submit(session=session, kind=kinds.SLOW, params={"name": "b"})
                raise RuntimeError("the action fails")
        except RuntimeError:
            pass
        assert queue.depth() == 1  # a rolled-back job is never sent


def test_a_job_runs_once_and_its_work_commits_with_its_outcome(queued_app):
    job_id = submit(queued_app, kinds.SLOW, name="once", steps=4)
    with queued_app.app_context():
        assert runner.run(job_id) == "done"
        assert runner.run(job_id) == ""  # a second delivery of the same job finds it taken
    job = read_job(queued_app, job_id)
    assert (job.state, job.done, job.total, job.attempts, job.summary) == (JobState.DONE, 4, 4, 1, {"written": 1})
    assert job.started_at and job.finished_at and job.params["locale"] == "uk"
    assert organisations(queued_app, "once") == 1


def test_problems_are_reported_and_nothing_is_written(queued_app):
    job_id = submit(queued_app, kinds.FAILING)
    with queued_app.app_context():
        assert runner.run(job_id) == "failed"
    job = read_job(queued_app, job_id)
    assert job.state == JobState.FAILED and job.error == "2 problems"
    assert job.errors == [{"row": 2, "column": "title_uk", "message": "required"},
                          {"row": 5, "column": "", "message": "too many cells"}]
    assert organisations(queued_app, "never kept") == 0


def test_a_refusal_names_its_field_and_a_bug_is_not_shown(queued_app):
    refused, broken = submit(queued_app, kinds.REFUSED), submit(queued_app, kinds.BROKEN)
    with queued_app.app_context():
        assert runner.run(refused) == "failed" and runner.run(broken) == "failed"
    assert read_job(queued_app, refused).error == "authority_code: no such authority"
    message = read_job(queued_app, broken).error
    # In the job's language (Ukrainian, the default); the details go to the worker's log only.
    assert "нічого не записано" in message and "a bug" not in message


def test_cancelling_a_queued_job_stops_it_before_it_starts(queued_app):
    job_id = submit(queued_app, kinds.SLOW, name="never")
    with queued_app.app_context():
        with session_scope(queued_app) as session:
            assert runner.cancel(session=session, job_id=job_id) == JobState.CANCELLED
        assert runner.run(job_id) == ""
        with session_scope(queued_app) as session:
            assert runner.cancel(session=session, job_id=10_000) is None
    assert read_job(queued_app, job_id).state == JobState.CANCELLED
    assert organisations(queued_app, "never") == 0


def test_cancelling_a_running_job_rolls_its_work_back(queued_app):
    job_id = submit(queued_app, kinds.SLOW, name="stopped", steps=3)

    def cancel_at_the_second_step(context):
        if context.done == 1 and not context.cancelled.is_set():
            with session_scope(queued_app) as session:
                assert runner.cancel(session=session, job_id=job_id) == JobState.RUNNING
            runner._Heartbeat(get_engine(queued_app), context, runner.worker_name()).check_cancelled()

    with queued_app.app_context():
        assert runner.run(job_id, observer=cancel_at_the_second_step) == "cancelled"
    job = read_job(queued_app, job_id)
    assert job.state == JobState.CANCELLED and job.done == 1 and job.finished_at is not None
    assert organisations(queued_app, "stopped") == 0


def test_a_job_taken_from_its_worker_does_not_commit_its_work(queued_app):
    job_id = submit(queued_app, kinds.SLOW, name="taken", steps=2)

    def another_worker_takes_it(context):
        # As housekeeping would after a missed heartbeat (through the job's own transaction: SQLite has one writer).
        if context.done == 1:
            context.session.execute(update(Job).where(Job.id == job_id).values(worker="elsewhere:1:1"))

    with queued_app.app_context():
        assert runner.run(job_id, observer=another_worker_takes_it) == ""
    assert organisations(queued_app, "taken") == 0


def _make_stale(app, job_id, attempts):
    with get_engine(app).begin() as connection:
        connection.execute(update(Job.__table__).where(Job.__table__.c.id == job_id)
                           .values(state="running", attempts=attempts, worker="dead:1:1",
                                   heartbeat_at=utcnow() - timedelta(minutes=5)))


def test_tidying_retries_a_dead_workers_job_then_gives_it_up(queued_app):
    job_id = submit(queued_app, kinds.SLOW, name="retried")
    queue = get_queue(queued_app)
    queue.huey.flush()
    _make_stale(queued_app, job_id, attempts=1)
    with queued_app.app_context():
        assert runner.tidy(queued_app) == {"retried": 1, "failed": 0, "resent": 0}
        assert read_job(queued_app, job_id).state == JobState.QUEUED and queue.depth() == 1
        assert runner.tidy(queued_app) == {"retried": 0, "failed": 0, "resent": 0}  # nothing more to do
        assert runner.run(job_id) == "done"
    assert read_job(queued_app, job_id).attempts == 2

    last = submit(queued_app, kinds.SLOW, name="given up")
    _make_stale(queued_app, last, attempts=2)
    with queued_app.app_context():
        assert runner.tidy(queued_app)["failed"] == 1
    job = read_job(queued_app, last)
    assert job.state == JobState.FAILED and "спроба 2 з 2" in job.error


def test_tidying_sends_again_a_queued_job_the_queue_has_lost(queued_app):
    job_id = submit(queued_app, kinds.SLOW, name="lost")
    queue = get_queue(queued_app)
    queue.huey.flush()  # the queue's storage was wiped
    with queued_app.app_context():
        assert runner.tidy(queued_app)["resent"] == 0  # too recent to call lost
        with get_engine(queued_app).begin() as connection:
            connection.execute(update(Job.__table__).values(created_at=utcnow() - timedelta(minutes=2)))
        assert runner.tidy(queued_app)["resent"] == 1 and queue.depth() == 1
        task = queue.huey.dequeue()
        queue.huey.execute(task)
    assert read_job(queued_app, job_id).state == JobState.DONE


def test_the_queue_status_counts_jobs_and_knows_its_workers(queued_app):
    submit(queued_app, kinds.SLOW, name="x")
    with queued_app.app_context():
        status = runner.queue_status(queued_app)
        assert status["storage"] == "sqlite" and status["depth"] == 1 and status["queued"] == 1
        assert status["worker"] == "missing" and status["worker_seen_seconds_ago"] is None
        runner.note_worker_alive(get_engine(queued_app), "host:1")
        runner.note_worker_alive(get_engine(queued_app), "host:1")
        status = runner.queue_status(queued_app)
        assert status["worker"] == "ok" and status["worker_seen_seconds_ago"] <= 1

"""Real ``vidnova worker`` processes on both queue storages: jobs run, and a killed worker's job is retried whole."""
from __future__ import annotations

import signal
import time

from tests.jobs import kinds
from tests.jobs.helpers import organisations, read_job, submit
from tracker.jobs import runner
from tracker.jobs.models import Job, JobState


def _wait(app, job_id, until, seconds=45.0) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = read_job(app, job_id)
        if until(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} stayed {job.state} ({job.done}/{job.total}, {job.message})")


def _progress(app, job):
    with app.app_context():
        return runner.progress_of(job, app)


def test_a_worker_runs_jobs_and_reports_progress_while_they_run(worker_app, workers):
    workers.start()
    job_id = submit(worker_app, kinds.SLOW, name="worked", steps=6, pause=0.4)
    # Progress reaches readers while the job's transaction is open (on SQLite too, where it holds the one writer).
    running = _wait(worker_app, job_id, lambda job: job.state == JobState.RUNNING
                    and _progress(worker_app, job).done >= 2)
    progress = _progress(worker_app, running)
    assert progress.total == 6 and progress.message.startswith("step") and progress.done < 6
    done = _wait(worker_app, job_id, lambda job: job.state.finished)
    assert done.state == JobState.DONE and done.done == 6, workers.log()
    assert organisations(worker_app, "worked") == 1
    with worker_app.app_context():
        status = runner.queue_status(worker_app)
    assert status["worker"] == "ok" and status["depth"] == 0 and status["running"] == 0


def test_a_killed_workers_job_is_retried_from_nothing_and_written_once(worker_app, workers):
    first = workers.start()
    job_id = submit(worker_app, kinds.SLOW, name="survivor", steps=40, pause=0.1)
    _wait(worker_app, job_id, lambda job: job.state == JobState.RUNNING and _progress(worker_app, job).done >= 3)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed = read_job(worker_app, job_id)
    assert killed.state == JobState.RUNNING and killed.attempts == 1
    assert organisations(worker_app, "survivor") == 0  # its transaction died with it
    workers.start(JOB_STALE_SECONDS=2)
    done = _wait(worker_app, job_id, lambda job: job.state.finished, seconds=60)
    assert (done.state, done.attempts, done.done) == (JobState.DONE, 2, 40), workers.log(1)
    assert organisations(worker_app, "survivor") == 1


def test_a_killed_workers_import_is_taken_back_then_imported_once(worker_app, workers, tmp_path):
    """SIGKILL in the middle of a CSV import that keeps its work step by step: the next worker takes the kept steps
    back, then imports the whole file again, so every row is in the database once."""
    import io

    from sqlalchemy import func, select

    from tests.factories import build_world
    from tracker.core.db import session_scope
    from tracker.jobs.models import JobUndo
    from tracker.planning import csv_io
    from tracker.planning.import_jobs import save_upload
    from tracker.projects.models import Project

    with worker_app.app_context(), session_scope(worker_app) as session:
        world = build_world(session)
        before = session.scalar(select(func.count()).select_from(Project))
        header = ",".join(column.name for column in csv_io.PROJECT_COLUMNS)
        rows = [",".join({"authority_code": world.kharkiv_hromada.code, "title_uk": f"Проєкт {number}",
                          "sector": "education", "project_type": "rehabilitation",
                          "purpose": "restoration"}.get(column.name, "") for column in csv_io.PROJECT_COLUMNS)
                for number in range(12)]
        name = save_upload(stream=io.BytesIO("\n".join([header, *rows, ""]).encode()),
                           folder=runner.files_folder(worker_app), limit=10 ** 6)

    def counts() -> tuple[int, int]:
        with worker_app.app_context(), session_scope(worker_app) as session:
            return (session.scalar(select(func.count()).select_from(Project)) - before,
                    session.scalar(select(func.count()).select_from(JobUndo)))

    first = workers.start()
    job_id = submit(worker_app, kinds.SLOW_IMPORT, file=name, pause=0.4)
    deadline = time.monotonic() + 60
    while counts()[1] < 2 and time.monotonic() < deadline:  # two steps kept
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    kept, steps = counts()
    assert steps >= 2 and kept == 2 * steps, workers.log()  # really half-written when it died
    workers.start(JOB_STALE_SECONDS=2)
    done = _wait(worker_app, job_id, lambda job: job.state.finished, seconds=90)
    assert (done.state, done.attempts, done.summary["created"]) == (JobState.DONE, 2, 12), workers.log(1)
    assert counts() == (12, 0)

"""``vidnova worker`` (runs jobs) and ``vidnova jobs [list | show ID | cancel ID]``."""
from __future__ import annotations

import json
import logging
import threading
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlmodel import col

from tracker.core import mail, queue
from tracker.core.cli_progress import CommandProgress
from tracker.core.db import get_engine, session_scope
from tracker.core.web_input import DB_INT_MAX
from tracker.jobs import housekeeping, runner
from tracker.jobs.models import Job, JobState
from tracker.jobs.registry import label_of

log = logging.getLogger(__name__)
#: How often a worker says it is alive and tidies (stale jobs, lost queue entries).
BEACON_SECONDS = 5.0
#: The outbox is drained every this many beacons (a minute), beside the task each new message sends.
MAIL_EVERY_BEATS = 12


def register(main: click.Group) -> None:
    main.add_command(worker)
    main.add_command(jobs)


class Beacon(threading.Thread):
    """A worker's sign of life and housekeeping, every few seconds beside its consumer."""

    def __init__(self, app: Flask, name: str, interval: float = BEACON_SECONDS) -> None:
        super().__init__(name="vidnova-beacon", daemon=True)
        self.app, self.worker, self.interval = app, name, interval
        self.stopped = threading.Event()
        self.schedule = housekeeping.Schedule()

    def run(self) -> None:
        beats = 0
        while True:
            self.once(send_mail=beats % MAIL_EVERY_BEATS == 0)
            beats += 1
            if self.stopped.wait(self.interval):
                return

    def once(self, *, send_mail: bool = False) -> None:
        with self.app.app_context():
            steps = [lambda: runner.note_worker_alive(get_engine(self.app), self.worker),
                     lambda: runner.tidy(self.app)]
            if send_mail:  # what waits after an SMTP outage (new mail is sent at once by its own task)
                steps.append(lambda: mail.deliver(bind=get_engine(self.app), config=self.app.config))
            # Other features' periodic steps (citizens' items never confirmed, say), each at its own interval.
            steps.extend(lambda step=step: step.run(self.app) for step in self.schedule.due(time.monotonic()))
            for step in steps:
                try:
                    step()
                except Exception:  # noqa: BLE001 - the database may be down for a moment; try again later
                    log.exception("worker housekeeping failed")


#: The longest an idle worker waits before it looks at the queue again.
IDLE_POLL_SECONDS = 1.0


@click.command()
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Jobs run at once by this process.")
@with_appcontext
def worker(threads: int) -> None:
    """Run jobs from the queue until stopped (Ctrl+C finishes the jobs under way first)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs_queue = queue.get_queue(app)
    if jobs_queue.kind == "immediate":
        raise click.ClickException("TRACKER_JOB_QUEUE=immediate runs jobs where they are sent; no worker is needed")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    name = runner.worker_name().rsplit(":", 1)[0]
    Beacon(app, name).start()
    click.echo(f"Vidnova worker {name}: {threads} thread(s) on the {jobs_queue.kind} queue")
    # An idle consumer polls the queue less and less often, by default up to every 10 s; a job someone waits for
    # on a page should start within a second (Redis storage blocks on its list and answers at once anyway).
    consumer = jobs_queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=False,
                                               max_delay=IDLE_POLL_SECONDS)
    consumer.run()


@click.group(invoke_without_command=True)
@click.pass_context
@with_appcontext
def jobs(ctx: click.Context) -> None:
    """The job queue: its state, and the jobs (without a subcommand: the state)."""
    if ctx.invoked_subcommand is None:
        status = runner.queue_status()
        seen = status["worker_seen_seconds_ago"]
        click.echo(f"queue: {status['storage']}, {status['depth'] if status['depth'] is not None else '?'} "
                   f"waiting in the queue; jobs: {status['queued']} queued, {status['running']} running")
        click.echo(f"workers: {status['worker']}" + (f" (last seen {seen} s ago)" if seen is not None else
                                                     " (none seen yet: start `vidnova worker`)"))


def _line(job: Job) -> str:
    progress = f"{job.done}/{job.total}" if job.total else ""
    return "\t".join([str(job.id), job.state.value, job.kind, progress, job.created_at.strftime("%Y-%m-%d %H:%M"),
                      (job.message or job.error or "")[:80]])


@jobs.command("list")
@click.option("--state", type=click.Choice([state.value for state in JobState]), default=None)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def list_jobs(state: str | None, limit: int) -> None:
    """The newest jobs (tidying first, so a job whose worker died shows as retried or failed)."""
    runner.tidy()
    with session_scope() as session:
        query = select(Job).order_by(col(Job.id).desc()).limit(limit)
        if state:
            query = query.where(col(Job.state) == JobState(state))
        for job in session.scalars(query):
            click.echo(_line(job))


@jobs.command("show")
@click.argument("job_id", type=click.IntRange(1, DB_INT_MAX))  # past it, no job: said, not an overflow
@with_appcontext
def show(job_id: int) -> None:
    """Everything about one job, every problem listed."""
    with session_scope() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise click.ClickException(f"no job {job_id}")
        click.echo(f"job {job.id}: {label_of(job.kind)} ({job.kind})")
        click.echo(f"state: {job.state.value}" + (f", attempt {job.attempts} of {job.max_attempts}"
                                                  if job.attempts else ""))
        if job.total:
            click.echo(f"progress: {job.done} of {job.total} ({job.percent} %)")
        for name in ("message", "error", "worker", "created_at", "started_at", "finished_at", "result_name"):
            value = getattr(job, name)
            if value:
                click.echo(f"{name.replace('_', ' ')}: {value}")
        if job.summary:
            click.echo("summary: " + json.dumps(job.summary, ensure_ascii=False, sort_keys=True))
        for error in job.errors or []:
            click.echo(f"  row {error.get('row', '')}, column {error.get('column') or '-'}: {error.get('message')}")


@jobs.command("cancel")
@click.argument("job_id", type=click.IntRange(1, DB_INT_MAX))  # past it, no job: said, not an overflow
@with_appcontext
def cancel(job_id: int) -> None:
    """Cancel a waiting job, or ask a running one to stop (nothing it did is kept)."""
    with session_scope() as session:
        state = runner.cancel(session=session, job_id=job_id)
    if state is None:
        raise click.ClickException(f"no job {job_id}")
    if state == JobState.CANCELLED:
        click.echo(f"Job {job_id} cancelled.")
    elif state == JobState.RUNNING:
        click.echo(f"Job {job_id} stops at its next step; nothing it did is kept.")
    else:
        raise click.ClickException(f"job {job_id} has already finished ({state.value})")


def run_here(job_id: int) -> Job:
    """Run a job submitted with ``send=False`` in this process, with a progress bar (plain lines when piped);
    the job as it ended. A worker takes it over only if this command dies before starting it."""
    progress = CommandProgress(f"job {job_id}")
    try:
        state = runner.run(job_id, observer=lambda context: progress(context.done, context.total, context.message))
    finally:
        progress.close()
    with session_scope() as session:
        job = session.get(Job, job_id)
        if job is None or not state:
            raise click.ClickException(f"job {job_id} was taken by a worker; follow it with "
                                       f"`vidnova jobs show {job_id}`")
        session.expunge(job)
    return job

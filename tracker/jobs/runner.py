"""Submitting, running, cancelling and tidying jobs.

Why the outcome is written in the handler's own transaction: a job's work (an import, say) and the row saying
it is done commit together or not at all. A worker killed mid-job therefore leaves nothing written and the row
still ``running``; once its heartbeat is older than ``JOB_STALE_SECONDS``, housekeeping queues it again (or
marks it failed after its last attempt). A worker that finds its job taken from it at the end rolls its work
back rather than commit it twice.

Progress is kept in memory by the handler and written by a heartbeat thread once a second through a
connection of its own, so progress reaches the page while the work's transaction is still open (on SQLite,
which has one writer at a time, the heartbeat waits while the work writes; it never slows the work).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from tracker.core import queue
from tracker.core.columns import as_utc, utcnow
from tracker.core.db import get_engine, new_session, set_actor
from tracker.core.errors import ServiceError
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.jobs.models import Job, JobState, JobUndo, JobWorker
from tracker.jobs.registry import KINDS

log = logging.getLogger(__name__)

RUN_TASK = "jobs.run"
#: SQLite waits: the app's usual one (core.db), and the heartbeat's, which must never queue behind its own job.
_SQLITE_WAIT_MS = 30_000
_SQLITE_BEAT_WAIT_MS = 200
BEAT_SECONDS = 1.0
#: How long a job pauses after each commit on SQLite, for writers waiting on its one write lock (``keep``).
SQLITE_COURTESY_SECONDS = 0.02
_TABLE = Job.__table__
#: A queued job the queue seems to have lost (it is empty) is sent again after this long.
RESEND_AFTER = timedelta(seconds=30)


class JobCancelled(Exception):
    """Raised inside a handler (by ``JobContext.progress``) when someone cancelled the job."""


class JobFailed(Exception):
    """A handler's way of ending with problems to report: nothing it wrote is kept."""

    def __init__(self, message: str, errors: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


# --- submitting -------------------------------------------------------------------------------------------

def submit(*, session: Session, kind: str, params: dict[str, Any] | None = None,
           started_by_id: int | None = None, message: str | None = None, send: bool = True) -> Job:
    """Record a job and send it to the queue once ``session`` commits (nothing is sent if it rolls back).

    ``send=False``: the caller runs the job itself with ``run`` (the command line), still recorded as a job.
    """
    if kind not in KINDS:
        raise KeyError(f"no job kind {kind!r}")
    params = dict(params or {})
    # The job's messages are written in the language of whoever started it.
    params.setdefault("locale", current_language())
    job = Job(kind=kind, params=params, started_by_id=started_by_id,
              max_attempts=KINDS[kind].max_attempts, message=message)
    session.add(job)
    session.flush()
    if send:
        queue.send_after_commit(session, RUN_TASK, job.id)
    return job


def files_folder(app: Flask | None = None) -> str:
    folder = (app or current_app).config["JOB_FILES_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    return folder


def new_file_name(suffix: str) -> str:
    """A fresh, unguessable file name in the job files folder."""
    return f"{uuid.uuid4().hex}{suffix}"


# --- running ----------------------------------------------------------------------------------------------

class JobContext:
    """What a handler gets: the job's parameters, a session for its work, progress and the result to set."""

    def __init__(self, job: Job, session: Session, app: Flask,
                 observer: Callable[[JobContext], None] | None = None) -> None:
        self.job_id = job.id
        self.kind = job.kind
        self.params = dict(job.params or {})
        self.started_by_id = job.started_by_id
        self.attempt = job.attempts
        self.session = session
        self.app = app
        self.done, self.total, self.message = 0, job.total, job.message
        #: When the current message was first given (a step that lasts shows its seconds on the job's page).
        self.message_since = time.time()
        self.summary: dict[str, Any] = {}
        self.result_file: str | None = None
        self.result_name: str | None = None
        self.result_url: str | None = None
        self.cancelled = threading.Event()
        self.observer = observer
        #: Whether ``keep`` committed work for good (then "nothing was written" would not be true).
        self.kept = False

    def progress(self, done: int | None = None, total: int | None = None, message: str | None = None) -> None:
        """Note how far the work got (written within a second); raises ``JobCancelled`` once cancelled."""
        if done is not None:
            self.done = done
        if total is not None:
            self.total = total
        if message is not None and str(message)[:300] != self.message:
            self.message = str(message)[:300]
            self.message_since = time.time()
        if self.observer is not None:
            self.observer(self)
        if self.cancelled.is_set():
            raise JobCancelled()

    def keep(self) -> None:
        """Commit what the handler did so far for good (derived work such as evaluations, which a retry simply
        does again): nothing to take back; a later failure or cancellation says that the work done is kept."""
        self.session.commit()
        self.kept = True
        self._let_writers_in()

    def commit_step(self, payload: dict[str, Any]) -> None:
        """Keep what the handler wrote so far: commit it with the journal entry that says how to take it back
        (``payload``, read by the kind's ``undo``). Other people's writes go on between steps; if the job fails
        later, is cancelled or its worker dies, the runner takes every kept step back, newest first."""
        self.session.add(JobUndo(job_id=self.job_id, payload=payload))
        self.session.commit()
        self._let_writers_in()

    def _let_writers_in(self) -> None:
        """SQLite: pause a moment after a commit, so that a writer waiting for the one write lock takes it.

        A waiting writer's busy handler sleeps between tries (up to 25 ms at first, then up to 100 ms), and a
        job's next step takes the lock again within milliseconds: without the pause a planner's save waited
        through several steps. PostgreSQL wakes the writers waiting on a row at once: no pause there.
        """
        if self.session.get_bind().dialect.name == "sqlite":
            time.sleep(SQLITE_COURTESY_SECONDS)

    def file_path(self, name: str) -> str:
        """Where a file of the job files folder lives (an input file the job was given, or a result)."""
        if os.path.basename(name) != name or not name:
            raise ValueError(f"{name!r} is not a job file name")
        return os.path.join(files_folder(self.app), name)

    def set_result(self, *, summary: dict[str, Any] | None = None, file: str | None = None,
                   name: str | None = None, url: str | None = None) -> None:
        if summary is not None:
            self.summary = summary
        if file is not None:
            self.result_file, self.result_name = file, name or file
        if url is not None:
            self.result_url = url


class _Heartbeat(threading.Thread):
    """Writes the job's progress and heartbeat every second; notices a cancellation."""

    def __init__(self, engine: Engine, context: JobContext, worker: str) -> None:
        super().__init__(name=f"job-{context.job_id}-heartbeat", daemon=True)
        self.engine, self.context, self.worker = engine, context, worker
        self.jobs_queue = queue.get_queue(context.app)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(BEAT_SECONDS):
            self.beat()

    def beat(self) -> None:
        self.check_cancelled()
        self.share_progress()
        self.write_progress()

    def share_progress(self) -> None:
        """Progress and the sign of life through the queue's storage: readers see them at once, even while
        the job's own transaction keeps SQLite's one writer busy."""
        context = self.context
        try:
            self.jobs_queue.put(_live_key(context.job_id), {"done": context.done, "total": context.total,
                                                           "message": context.message, "beat": time.time(),
                                                           "since": context.message_since})
        except Exception as error:  # noqa: BLE001 - the database row is written too
            log.debug("job %s: could not share its progress: %s", context.job_id, error)

    def check_cancelled(self) -> None:
        try:
            if self.jobs_queue.get(_cancel_key(self.context.job_id), peek=True):
                self.context.cancelled.set()
        except Exception as error:  # noqa: BLE001 - the queue's storage may be down for a moment
            log.debug("job %s: could not ask the queue for a cancellation: %s", self.context.job_id, error)

    def write_progress(self) -> None:
        context = self.context
        sqlite = self.engine.dialect.name == "sqlite"
        try:
            with self.engine.begin() as connection:
                if sqlite:  # while the job itself writes, give up at once and try again next second
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {_SQLITE_BEAT_WAIT_MS}")
                try:
                    connection.execute(
                        update(_TABLE).where(_TABLE.c.id == context.job_id,
                                             _TABLE.c.state == JobState.RUNNING.value, _TABLE.c.worker == self.worker)
                        .values(heartbeat_at=utcnow(), done=context.done, total=context.total,
                                message=context.message))
                finally:
                    if sqlite:
                        connection.exec_driver_sql(f"PRAGMA busy_timeout = {_SQLITE_WAIT_MS}")
        except Exception as error:  # noqa: BLE001 - a busy database (SQLite's one writer) is tried next second
            log.debug("job %s heartbeat skipped: %s", context.job_id, error)


@queue.task(RUN_TASK)
def run_task(job_id: int) -> str:
    return run(job_id)


def run(job_id: int, observer: Callable[[JobContext], None] | None = None) -> str:
    """Claim job ``job_id`` and run it; returns the state it ended in ("" when another worker has it).

    ``observer(context)`` hears every progress step (the command line draws its progress bar with it).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    engine = get_engine(app)
    worker = worker_name()
    if not _claim(engine, job_id, worker):
        return ""
    with Session(engine) as reader:
        job = reader.get(Job, job_id)
        assert job is not None  # noqa: S101 - just claimed
    kind = KINDS.get(job.kind)
    if kind is None:
        _finish(engine, job_id, worker, JobState.FAILED, error=f"no handler for jobs of kind {job.kind!r}")
        return JobState.FAILED.value
    if kind.undo is not None:
        undo_steps(app, job_id)  # a previous attempt that died may have kept steps
    session = new_session(app)
    set_actor(session, job.started_by_id)
    context = JobContext(job, session, app, observer)
    heartbeat = _Heartbeat(engine, context, worker)
    heartbeat.share_progress()
    heartbeat.start()
    try:
        with force_locale(context.params.get("locale") or app.config["BABEL_DEFAULT_LOCALE"]):
            return _run_handler(kind.handler, context, engine, worker)
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
        session.close()
        _forget_signals(app, job_id)


def _forget_signals(app: Flask, job_id: int) -> None:
    try:
        for key in (_cancel_key(job_id), _live_key(job_id)):
            queue.get_queue(app).get(key, peek=False)
    except Exception:  # noqa: BLE001 - a leftover signal names a finished job and does no harm
        log.debug("job %s: its signals stay in the queue's storage", job_id)


def _run_handler(handler, context: JobContext, engine: Engine, worker: str) -> str:
    session = context.session
    try:
        handler(context)
        context.progress()  # a cancellation noticed at the very end still cancels
        finished = session.execute(
            update(Job).where(col(Job.id) == context.job_id, col(Job.state) == JobState.RUNNING,
                              col(Job.worker) == worker)
            .values(state=JobState.DONE, finished_at=utcnow(), heartbeat_at=utcnow(), done=context.done,
                    total=context.total, message=context.message, summary=context.summary,
                    result_file=context.result_file, result_name=context.result_name,
                    result_url=context.result_url, error=None, errors=[]))
        if finished.rowcount != 1:  # type: ignore[attr-defined]
            # Housekeeping gave the job to another attempt meanwhile: this one's work must not count twice.
            session.rollback()
            log.warning("job %s was taken from %s before it finished; its work was rolled back",
                        context.job_id, worker)
            return ""
        session.execute(delete(JobUndo).where(col(JobUndo.job_id) == context.job_id))  # kept for good
        session.commit()
        return JobState.DONE.value
    except JobCancelled:
        session.rollback()
        _take_back(context)
        _finish(engine, context.job_id, worker, JobState.CANCELLED, done=context.done, total=context.total,
                message=_("Cancelled; the work finished before it is kept.") if context.kept
                else _("Cancelled; nothing was written."))
        return JobState.CANCELLED.value
    except JobFailed as failure:
        session.rollback()
        error = _with_notes(failure.message, _take_back(context))
        _finish(engine, context.job_id, worker, JobState.FAILED, error=error, errors=failure.errors,
                done=context.done, total=context.total)
        return JobState.FAILED.value
    except ServiceError as error:
        session.rollback()
        where = f"{error.field}: " if error.field else ""
        _finish(engine, context.job_id, worker, JobState.FAILED,
                error=_with_notes(where + error.message, _take_back(context)),
                done=context.done, total=context.total)
        return JobState.FAILED.value
    except OperationalError as error:
        # The database went away or refused us: try again later, up to the job's attempts.
        session.rollback()
        log.warning("job %s stopped by a database error: %s", context.job_id, error)
        _take_back(context)
        return _retry_or_fail(engine, context.job_id, worker,
                              _("The database did not answer; the work finished before it is kept.") if context.kept
                              else _("The database did not answer; nothing was written."))
    except Exception:
        session.rollback()
        log.exception("job %s (%s) failed", context.job_id, context.kind)
        _take_back(context)
        _finish(engine, context.job_id, worker, JobState.FAILED,
                error=_("An unexpected error stopped the job; the work finished before it is kept. The "
                        "administrators find the details in the worker's log.") if context.kept
                else _("An unexpected error stopped the job; nothing was written. "
                       "The administrators find the details in the worker's log."))
        return JobState.FAILED.value


def _take_back(context: JobContext) -> list[str]:
    """Undo the steps the failed handler kept; notes on what had to stay (never raises: the job is ending)."""
    try:
        return undo_steps(context.app, context.job_id)
    except Exception:  # noqa: BLE001 - the journal stays; the next tidy or attempt tries again
        log.exception("job %s: its kept steps could not all be taken back yet", context.job_id)
        return [_("Some of what it wrote could not be taken back yet; it is tried again automatically.")]


def _with_notes(message: str, notes: list[str]) -> str:
    return " ".join([message, *notes]) if notes else message


def undo_steps(app: Flask, job_id: int) -> list[str]:
    """Take back, newest first, the steps job ``job_id`` kept (``JobContext.commit_step``), one transaction
    each, the journal entry going with its step; the kind's notes on what it had to leave as it was."""
    engine = get_engine(app)
    with engine.connect() as connection:
        row = connection.execute(select(_TABLE.c.kind, _TABLE.c.started_by_id).where(_TABLE.c.id == job_id)).first()
    kind = KINDS.get(row.kind) if row is not None else None
    if kind is None or kind.undo is None:
        return []
    notes: list[str] = []
    while True:
        session = new_session(app)
        set_actor(session, row.started_by_id)
        try:
            step = session.scalars(select(JobUndo).where(col(JobUndo.job_id) == job_id)
                                   .order_by(col(JobUndo.id).desc()).limit(1)).first()
            if step is None:
                return notes
            notes.extend(kind.undo(session, step.payload))
            session.delete(step)
            session.commit()
        finally:
            session.close()


def _claim(engine: Engine, job_id: int, worker: str) -> bool:
    """Take a queued job for this worker; False when it is not queued (taken, cancelled, finished, gone)."""
    now = utcnow()
    with engine.begin() as connection:
        claimed = connection.execute(
            update(_TABLE).where(_TABLE.c.id == job_id, _TABLE.c.state == JobState.QUEUED.value)
            .values(state=JobState.RUNNING.value, attempts=_TABLE.c.attempts + 1, started_at=now,
                    heartbeat_at=now, worker=worker, finished_at=None))
    return claimed.rowcount == 1


def _finish(engine: Engine, job_id: int, worker: str, state: JobState, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(update(_TABLE).where(_TABLE.c.id == job_id, _TABLE.c.state == JobState.RUNNING.value,
                                                _TABLE.c.worker == worker)
                           .values(state=state.value, finished_at=utcnow(), heartbeat_at=utcnow(), **values))


def _retry_or_fail(engine: Engine, job_id: int, worker: str, reason: str) -> str:
    with engine.begin() as connection:
        row = connection.execute(select(_TABLE.c.attempts, _TABLE.c.max_attempts).where(_TABLE.c.id == job_id)).one()
    if row.attempts < row.max_attempts:
        with engine.begin() as connection:
            connection.execute(update(_TABLE).where(_TABLE.c.id == job_id, _TABLE.c.worker == worker,
                                                    _TABLE.c.state == JobState.RUNNING.value)
                               .values(state=JobState.QUEUED.value, message=reason, worker=None))
        queue.get_queue().send(RUN_TASK, job_id)
        return JobState.QUEUED.value
    _finish(engine, job_id, worker, JobState.FAILED, error=reason)
    return JobState.FAILED.value


# --- cancelling -------------------------------------------------------------------------------------------

def cancel(*, session: Session, job_id: int) -> JobState | None:
    """Cancel a queued job at once, or ask a running one to stop; the state it is in now (None: no such job).

    A running job is asked through the queue's storage, not the database: on SQLite, which has one writer at a
    time, a job that is writing would hold the request back until it had finished. The queued case is written
    in the caller's transaction, so the audit trail names who cancelled.
    """
    state = session.execute(select(col(Job.state)).where(col(Job.id) == job_id)).scalar()
    if state is None:
        return None
    if JobState(state) == JobState.RUNNING:
        queue.get_queue().put(_cancel_key(job_id), True)
        return JobState.RUNNING
    session.execute(update(Job).where(col(Job.id) == job_id, col(Job.state) == JobState.QUEUED)
                    .values(state=JobState.CANCELLED, finished_at=utcnow(), cancel_requested=True,
                            message=_("Cancelled before it started.")))
    state = session.execute(select(col(Job.state)).where(col(Job.id) == job_id)
                            .execution_options(populate_existing=True)).scalar()
    if JobState(state) == JobState.RUNNING:  # a worker claimed it meanwhile
        queue.get_queue().put(_cancel_key(job_id), True)
    return JobState(state)


def _cancel_key(job_id: int) -> str:
    return f"vidnova.cancel.{job_id}"


def _live_key(job_id: int) -> str:
    return f"vidnova.live.{job_id}"


@dataclass(frozen=True)
class Progress:
    """How far a job is, as its readers see it now."""

    done: int
    total: int | None
    message: str
    #: How long the current step has been going, by the worker's last heartbeat (a long step that reports
    #: nothing else — WeasyPrint writing a PDF — still shows the work going on).
    seconds: int | None = None

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))

    @property
    def shown(self) -> str:
        """The message as a page shows it: with the step's seconds once it has lasted a while."""
        if self.message and self.seconds is not None and self.seconds >= SHOW_SECONDS_AFTER:
            return _("%(message)s (%(seconds)d s)", message=self.message, seconds=self.seconds)
        return self.message


#: A step's seconds are shown from this long on.
SHOW_SECONDS_AFTER = 1


def progress_of(job: Job, app: Flask | None = None) -> Progress:
    """A running job's newest progress (shared by its heartbeat each second), else what its row says."""
    if job.state == JobState.RUNNING:
        live = _live(job.id, app)
        if live is not None:
            beat, since = live.get("beat"), live.get("since")
            seconds = int(beat - since) if beat is not None and since is not None else None
            return Progress(int(live.get("done") or 0), live.get("total"), live.get("message") or "", seconds)
    if job.state == JobState.DONE and not job.total:
        return Progress(1, 1, job.message or "")
    return Progress(job.done, job.total, job.message or "")


def _live(job_id: int, app: Flask | None = None) -> dict[str, Any] | None:
    try:
        value = queue.get_queue(app).get(_live_key(job_id), peek=True)
    except Exception:  # noqa: BLE001 - fall back to the row
        return None
    return value if isinstance(value, dict) else None


# --- housekeeping -----------------------------------------------------------------------------------------

def tidy(app: Flask | None = None) -> dict[str, int]:
    """Give up or retry jobs whose worker stopped; send again queued jobs the queue has lost.

    Safe to run anywhere and often (every worker does, every few seconds): each step is a conditional update,
    and a job sent twice is claimed once.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    engine = get_engine(app)
    stale_before = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"])
    retried = failed = resent = 0
    with engine.begin() as connection:
        stale = connection.execute(select(_TABLE.c.id, _TABLE.c.attempts, _TABLE.c.max_attempts, _TABLE.c.worker)
                                   .where(_TABLE.c.state == JobState.RUNNING.value,
                                          _TABLE.c.heartbeat_at < stale_before)).all()
    to_send = []
    for job_id, attempts, max_attempts, worker in stale:
        live = _live(job_id, app)
        if live is not None and live.get("beat", 0) >= stale_before.timestamp():
            continue  # alive: its row lags because the job's own transaction holds SQLite's one writer
        retry = attempts < max_attempts
        try:
            undo_steps(app, job_id)  # what the dead worker kept, taken back before anyone starts again
        except Exception:  # noqa: BLE001 - left running: the next tidy tries again
            log.exception("job %s: the steps its dead worker kept could not be taken back yet", job_id)
            continue
        values: dict[str, Any] = (
            {"state": JobState.QUEUED.value, "worker": None,
             "message": _("The worker running this job stopped; it will be tried again from the start.")}
            if retry else
            {"state": JobState.FAILED.value, "finished_at": utcnow(),
             "error": _("The worker running this job stopped (attempt %(attempt)d of %(attempts)d); "
                        "nothing was written.", attempt=attempts, attempts=max_attempts)})
        with engine.begin() as connection:
            changed = connection.execute(update(_TABLE).where(_TABLE.c.id == job_id, _TABLE.c.worker == worker,
                                                              _TABLE.c.state == JobState.RUNNING.value,
                                                              _TABLE.c.heartbeat_at < stale_before)
                                         .values(**values)).rowcount
        if changed and retry:
            retried += 1
            to_send.append(job_id)
        elif changed:
            failed += 1
    jobs_queue = queue.get_queue(app)
    if jobs_queue.depth() == 0:
        with engine.begin() as connection:
            lost = connection.execute(select(_TABLE.c.id).where(_TABLE.c.state == JobState.QUEUED.value,
                                                                _TABLE.c.created_at < utcnow() - RESEND_AFTER)
                                      .order_by(_TABLE.c.id)).scalars().all()
        resent = len(set(lost) - set(to_send))
        to_send = sorted(set(to_send) | set(lost))
    for job_id in to_send:
        try:
            jobs_queue.send(RUN_TASK, job_id)
        except Exception:  # noqa: BLE001 - the next tidy tries again
            log.exception("could not send job %s to the queue", job_id)
    return {"retried": retried, "failed": failed, "resent": resent}


def note_worker_alive(engine: Engine, name: str) -> None:
    """Record that worker ``name`` is alive now (the health check reads the newest sign)."""
    now = utcnow()
    with engine.begin() as connection:
        table = JobWorker.__table__
        changed = connection.execute(update(table).where(table.c.name == name).values(seen_at=now)).rowcount
        if not changed:
            connection.execute(table.insert().values(name=name, started_at=now, seen_at=now))


def queue_status(app: Flask | None = None) -> dict[str, Any]:
    """Queue depth, jobs waiting and running, and when a worker was last seen (seconds ago, None: never)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    jobs_queue = queue.get_queue(app)
    with get_engine(app).connect() as connection:
        counts = dict(connection.execute(select(_TABLE.c.state, func.count())
                                         .where(_TABLE.c.state.in_([JobState.QUEUED.value, JobState.RUNNING.value]))
                                         .group_by(_TABLE.c.state)).all())
        seen = connection.execute(select(func.max(JobWorker.__table__.c.seen_at))).scalar()
    seconds = None
    if seen is not None:
        seconds = max(0, round((utcnow() - as_utc(seen)).total_seconds()))
    limit = app.config["JOB_WORKER_MISSING_SECONDS"]
    return {"storage": jobs_queue.kind, "depth": jobs_queue.depth(),
            "queued": counts.get(JobState.QUEUED.value, 0), "running": counts.get(JobState.RUNNING.value, 0),
            "worker_seen_seconds_ago": seconds,
            "worker": "immediate" if jobs_queue.kind == "immediate" else
                      ("ok" if seconds is not None and seconds <= limit else "missing")}

"""The one door to the job queue: a Huey instance per app, and tasks sent only after their transaction commits.

Work that must not hold a request (imports, big reports, exports, re-evaluation, mail) is sent to Huey, a
well-kept task queue. ``TRACKER_JOB_QUEUE`` chooses its storage:

* empty (the default): a SQLite file beside the database in the instance folder, for one machine — nothing to
  install, and ``make run`` starts a consumer beside the development server;
* ``redis://host:port/db``: Redis, shared by ``vidnova worker`` processes on any number of machines (production);
* ``immediate``: run each task in the sending process at once (the default under tests, which then see a job's
  whole effect when the request that started it returns).

A feature declares a task with ``@queue.task("name")``; the function runs inside an app context in the worker.
``send_after_commit(session, name, *args)`` sends it once the session's transaction commits, and never when it
rolls back, so a worker never looks for rows that are not there yet. What the queue carries is only a
pointer (a job's id, message ids): the database holds the state, so a lost queue entry loses nothing that
housekeeping cannot send again (``tracker.jobs.runner``).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

log = logging.getLogger(__name__)

_EXTENSION_KEY = "tracker.core.queue"
_PENDING_KEY = "tracker.core.queue.pending"
#: Every declared task: name -> function taking the task's arguments, run inside an app context.
_TASKS: dict[str, Callable[..., Any]] = {}


class QueueConfigError(ValueError):
    """``TRACKER_JOB_QUEUE`` names no storage this queue knows."""


def task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare ``function`` as the task ``name`` (registered on every app's queue when the app is built)."""
    def declare(function: Callable[..., Any]) -> Callable[..., Any]:
        _TASKS[name] = function
        return function
    return declare


class AppQueue:
    """An app's Huey instance with its tasks bound to the app."""

    def __init__(self, app: Flask, url: str) -> None:
        self.url = url
        self.huey = make_huey(url, app.instance_path)
        self._app = app
        self._wrappers: dict[str, Any] = {}
        for name in _TASKS:
            self._bind(name)

    def _bind(self, name: str) -> Any:
        if name not in self._wrappers:
            self._wrappers[name] = self.huey.task(name=name)(_in_app_context(self._app, _TASKS[name]))
        return self._wrappers[name]

    @property
    def kind(self) -> str:
        return "immediate" if self.huey.immediate else ("redis" if self.url.startswith("redis") else "sqlite")

    def send(self, name: str, *args: Any) -> None:
        """Put the task on the queue now (``send_after_commit`` is what writers want)."""
        self._bind(name)(*args)

    def put(self, key: str, value: Any) -> None:
        """Keep a small value in the queue's storage (signals between processes that must not wait on the
        database, such as a cancellation)."""
        self.huey.put(key, value)

    def get(self, key: str, *, peek: bool = True) -> Any:
        return self.huey.get(key, peek=peek)

    def depth(self) -> int | None:
        """Tasks waiting in the queue, or None when its storage does not answer."""
        if self.huey.immediate:
            return 0
        try:
            return int(self.huey.pending_count())
        except Exception:  # noqa: BLE001 - any storage error means "not answering"
            return None


def make_huey(url: str, instance_path: str):
    """A Huey instance for ``TRACKER_JOB_QUEUE``'s value (see the module's docstring)."""
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    if url == "immediate":
        return MemoryHuey("vidnova", immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("vidnova", url=url, results=False)
    if url == "" or url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):] if url else os.path.join(instance_path, "job-queue.sqlite3")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        return SqliteHuey("vidnova", filename=path, results=False, timeout=30)
    raise QueueConfigError(f"TRACKER_JOB_QUEUE={url!r}: use redis://host:port/db, sqlite:///path, "
                           "immediate, or leave it empty for a SQLite file in the instance folder")


def _in_app_context(app: Flask, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
            return function(*args)
        with app.app_context():
            return function(*args)
    run.__name__ = run.__qualname__ = function.__name__
    return run


def init_app(app: Flask) -> None:
    url = app.config.get("JOB_QUEUE") or ""
    if app.testing and not url:
        url = "immediate"
    app.extensions[_EXTENSION_KEY] = AppQueue(app, url)


def get_queue(app: Flask | None = None) -> AppQueue:
    return (app or current_app).extensions[_EXTENSION_KEY]


def send_after_commit(session: OrmSession, name: str, *args: Any) -> None:
    """Send task ``name`` once ``session``'s transaction commits; nothing if it rolls back."""
    if name not in _TASKS:
        raise KeyError(f"no task {name!r} is declared")
    session.info.setdefault(_PENDING_KEY, []).append((name, args))


@event.listens_for(OrmSession, "after_commit")
def _send_after_commit(session: OrmSession) -> None:
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending or not has_app_context():
        return
    queue = current_app.extensions.get(_EXTENSION_KEY)
    if queue is None:
        return
    for name, args in pending:
        try:
            queue.send(name, *args)
        except Exception:  # noqa: BLE001 - the rows wait in the database; housekeeping sends them again
            log.exception("could not send task %s%r to the job queue", name, args)


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING_KEY, None)

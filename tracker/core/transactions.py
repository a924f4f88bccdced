"""One user action, one transaction — retried when the database gives up on it, never a 500 for that.

PostgreSQL aborts one of two transactions that wait on each other (a deadlock, ``40P01``) or that cannot be
serialised (``40001``); SQLite gives up on a writer that waited its busy timeout; two requests that each looked
for a row and then created it collide on its unique key. Neither is the user's fault
and the request did nothing yet: it is run again from the start (the view, the re-evaluation before the commit
and the commit itself) a bounded number of times, then answered 409 with a message to try again.

When the database does not answer at all (down, restarting, unreachable), every page answers 503 with a short
translated page that needs no database, instead of a 500.
"""
from __future__ import annotations

import copy
import logging
import random
import time

from flask import Flask, current_app, g, render_template, request
from flask import session as cookie_session
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

log = logging.getLogger(__name__)

#: Attempts of one request before it is answered 409.
ATTEMPTS = 4
#: PostgreSQL states meaning "this transaction lost a race; the same work may succeed again": a deadlock, a
#: serialisation failure, a lock not available, and a unique violation — a request that looked for the row first
#: and then inserted it lost to one inserting the same key meanwhile; run again, it finds that row.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03", "23505"})


def sqlstate(error: BaseException) -> str | None:
    return getattr(getattr(error, "orig", None), "sqlstate", None)


def is_retryable(error: BaseException) -> bool:
    """A deadlock, a serialisation failure, a lock not available, a unique violation, or SQLite's busy writer
    lock (or its unique violation: it reads outside a transaction, so the same race happens there)."""
    if not isinstance(error, DBAPIError):
        return False
    if sqlstate(error) in RETRYABLE_SQLSTATES:
        return True
    message = str(error.orig)
    return ((isinstance(error, OperationalError) and "database is locked" in message)
            or (isinstance(error, IntegrityError) and message.startswith("UNIQUE constraint failed")))


def is_unavailable(error: BaseException) -> bool:
    """The database cannot be reached or cannot work now (connection lost, shutting down, disk full…)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError) and not is_retryable(error)


def init_app(app: Flask) -> None:
    """Wrap the app's request handling (view, after-request commit) in the retry."""
    dispatch = app.full_dispatch_request

    def full_dispatch_request():
        return _dispatch_with_retry(app, dispatch)

    app.full_dispatch_request = full_dispatch_request  # type: ignore[method-assign]


def _dispatch_with_retry(app: Flask, dispatch):
    before = set(vars(g))
    cookie_before = copy.deepcopy(dict(cookie_session))
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return dispatch()
        except DBAPIError as error:
            _forget_attempt(before, cookie_before)
            if is_retryable(error) and attempt < ATTEMPTS:
                log.info("retrying %s %s after %s (attempt %d)", request.method, request.path,
                         sqlstate(error) or "a busy database", attempt)
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 - jitter, not security
                continue
            if is_retryable(error):
                log.warning("%s %s gave up after %d attempts: %s", request.method, request.path, ATTEMPTS, error)
                return app.finalize_request(_busy_page(), from_error_handler=True)
            if is_unavailable(error):
                log.error("database unavailable for %s %s: %s", request.method, request.path, error)
                return app.finalize_request(_unavailable_page(), from_error_handler=True)
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _forget_attempt(before: set[str], cookie_before: dict) -> None:
    """Roll the failed attempt back whole: its database session, whatever it cached on ``g``, and what it put
    in the cookie session (flashed messages, a sign-in or sign-out)."""
    from tracker.core.db import discard_request_session

    discard_request_session()
    for name in set(vars(g)) - before:
        g.pop(name, None)
    if dict(cookie_session) != cookie_before:
        cookie_session.clear()
        cookie_session.update(copy.deepcopy(cookie_before))  # a copy: flash() appends to stored lists in place
    for upload in request.files.values():
        upload.stream.seek(0)


def _busy_page():
    from tracker.core.i18n import gettext as _

    detail = _("Someone else was changing the same records at the same moment, so nothing was saved. "
               "Go back and try again.")
    return render_template("errors/error.html", code=409, message=None, detail=detail), 409


def _unavailable_page():
    # Rendered without the site's layout, as nobody: the header and the language would ask the database who
    # is signed in.
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]  # Flask-Login sets it
    return render_template("errors/unavailable.html"), 503, {"Retry-After": "30"}

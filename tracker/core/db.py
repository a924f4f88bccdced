"""The one door to the database: engines and sessions are created here and nowhere else.

One session per request lives on ``flask.g``; the request commits once at the end when the view
succeeded and rolls back otherwise (services only flush).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Table, event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

_EXTENSION_KEY = "tracker.core.db.engine"
#: Values every session of the app starts with in ``session.info`` (e.g. the rule context).
SESSION_INFO_KEY = "tracker.core.db.session_info"
#: ``session.info`` key naming the user on whose behalf the session writes (None: the system).
ACTOR_KEY = "actor_id"
#: ``session.info`` key: the projects this session changes are evaluated afterwards by a job, not before its
#: commit (a bulk import must not hold its transaction open through thousands of evaluations).
EVALUATE_LATER_KEY = "evaluate_later"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and a busy timeout, PostgreSQL a pool check."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    """Create the app's engine and tie the request session's life to the request."""
    app.extensions[_EXTENSION_KEY] = make_engine(app.config["DATABASE_URL"])
    app.extensions.setdefault(SESSION_INFO_KEY, {})
    app.after_request(_commit_request)
    app.teardown_appcontext(_close_session)
    from tracker.core import transactions

    transactions.init_app(app)


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions[_EXTENSION_KEY]


def get_session() -> Session:
    """The request's session, opened on first use, carrying who acts (see ``ACTOR_KEY``)."""
    if "db_session" not in g:
        g.db_session = new_session()
        g.db_session.info[ACTOR_KEY] = g.get("actor_id")
    return g.db_session


def new_session(app: Flask | None = None) -> Session:
    """A session of the app's engine, carrying the app's session info."""
    app = app or current_app
    session = Session(get_engine(app), expire_on_commit=False)
    session.info.update(app.extensions.get(SESSION_INFO_KEY, {}))
    return session


def set_actor(session: Session, user_id: int | None) -> None:
    """Record who acts through ``session``: history and audit entries name them."""
    session.info[ACTOR_KEY] = user_id


EVALUATE_LATER_HOLD = "hold"


def evaluate_later(session: Session, *, hold: bool = False) -> None:
    """Have the projects ``session`` changes evaluated by a job once it commits (see ``EVALUATE_LATER_KEY``);
    ``hold``: not at the next commits yet (a job keeping its work step by step), until called without it."""
    session.info[EVALUATE_LATER_KEY] = EVALUATE_LATER_HOLD if hold else True


def actor_of(session: Session) -> int | None:
    return session.info.get(ACTOR_KEY)


def _commit_request(response):
    """Commit the request's one unit of work while an error can still reach the user."""
    session = g.get("db_session")
    if session is not None and response.status_code < 400:
        session.commit()
    return response


def discard_request_session() -> None:
    """Roll back and forget the request's session (a failed attempt); the next use opens a fresh one."""
    _close_session(None)


def _close_session(exc: BaseException | None) -> None:
    """Whatever was not committed by now is rolled back."""
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session for one unit of work outside a request (CLI, scripts): commit or roll back whole."""
    session = new_session(app)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def database_answers(app: Flask | None = None) -> bool:
    """True when a trivial query succeeds; used by the health check."""
    try:
        with get_engine(app).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not answering"
        return False


def insert_ignoring_conflict(dialect_name: str, table: Table):
    """``INSERT … ON CONFLICT DO NOTHING`` on either database: for rows keyed by their content, and for
    rows a concurrent transaction may create first."""
    from sqlalchemy.dialects import postgresql, sqlite

    if dialect_name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()

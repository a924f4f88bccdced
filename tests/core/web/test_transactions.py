"""A request lost to a deadlock is run again whole; a database that does not answer gives a 503 page, not a 500."""
from __future__ import annotations

import threading
import time

import pytest
from flask import flash
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tracker import create_app
from tracker.core import transactions
from tracker.core.db import get_session
from tracker.core.models import Organisation


class _DriverError(Exception):
    def __init__(self, sqlstate: str | None):
        super().__init__(f"simulated driver error {sqlstate}")
        self.sqlstate = sqlstate


def _driver_error(sqlstate: str | None) -> OperationalError:
    return OperationalError("UPDATE something", {}, _DriverError(sqlstate))


def test_a_request_that_loses_a_deadlock_is_run_again_and_its_work_committed_once(app):
    attempts = []

    @app.post("/_test/flaky")
    def flaky():
        attempts.append(1)
        session = get_session()
        session.add(Organisation(name=f"Written by attempt {len(attempts)}", kind="ngo", country="UA"))
        session.flush()
        flash(f"flashed by attempt {len(attempts)}")
        if len(attempts) < 3:
            raise _driver_error("40P01")
        return "done"

    client = app.test_client()
    response = client.post("/_test/flaky")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "done")
    assert len(attempts) == 3
    with app.app_context():
        names = get_session().scalars(select(Organisation.name)).all()
    assert "Written by attempt 3" in names
    assert not {"Written by attempt 1", "Written by attempt 2"} & set(names)
    with client.session_transaction() as cookie:
        assert [message for _category, message in cookie["_flashes"]] == ["flashed by attempt 3"]


def test_a_request_that_keeps_losing_is_answered_409_and_writes_nothing(app):
    @app.post("/_test/always-deadlocked")
    def always():
        get_session().add(Organisation(name="Never kept", kind="ngo", country="UA"))
        get_session().flush()
        raise _driver_error("40001")

    client = app.test_client()
    client.get("/lang/en")
    response = client.post("/_test/always-deadlocked")
    assert response.status_code == 409
    assert "Someone else was changing the same records" in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(Organisation.name).where(Organisation.name == "Never kept")).all() == []


def test_other_database_errors_are_not_retried(app):
    attempts = []

    @app.get("/_test/broken-sql")
    def broken():
        attempts.append(1)
        raise _driver_error("42601")  # a syntax error: a bug, not a race

    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/_test/broken-sql").status_code == 503
    assert len(attempts) == 1


@pytest.mark.parametrize("sqlstate, retried", [("40P01", True), ("40001", True), ("55P03", True),
                                               ("42601", False), ("23503", False), (None, False)])
def test_which_errors_are_worth_another_attempt(sqlstate, retried):
    assert transactions.is_retryable(_driver_error(sqlstate)) is retried


def test_a_unique_violation_is_worth_another_attempt_on_both_databases():
    from sqlalchemy.exc import IntegrityError

    assert transactions.is_retryable(IntegrityError("INSERT", {}, _DriverError("23505")))
    assert transactions.is_retryable(IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: user.email")))
    assert not transactions.is_retryable(IntegrityError("INSERT", {}, Exception("FOREIGN KEY constraint failed")))


def test_sqlite_busy_is_worth_another_attempt():
    assert transactions.is_retryable(OperationalError("INSERT", {}, Exception("database is locked")))


@pytest.fixture
def unreachable_app():
    return create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "WTF_CSRF_ENABLED": False,
                       "DATABASE_URL": "postgresql+psycopg://nobody:wrong@127.0.0.1:1/none"})


@pytest.mark.parametrize("method, path", [("get", "/"), ("get", "/projects"),
                                          ("post", "/login"), ("get", "/api/v1/projects")])
def test_pages_answer_503_in_the_readers_language_when_the_database_is_down(unreachable_app, method, path):
    client = unreachable_app.test_client()
    response = getattr(client, method)(path, data={"email": "a@b.ua", "password": "x"} if method == "post" else None)
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == "30"
    assert "Віднова тимчасово недоступна" in response.get_data(as_text=True)
    client.get("/lang/en")
    response = getattr(client, method)(path, data={"email": "a@b.ua", "password": "x"} if method == "post" else None)
    assert response.status_code == 503
    assert "Vidnova is briefly unavailable" in response.get_data(as_text=True)


def test_two_requests_locking_two_rows_in_opposite_orders_both_succeed_on_postgresql(backend, app):
    """A real deadlock: PostgreSQL aborts one transaction; the retry runs it again and both answer 200."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: these requests cannot deadlock there")
    with app.app_context():
        session = get_session()
        first, second = (Organisation(name=name, kind="ngo", country="UA") for name in ("First", "Second"))
        session.add_all([first, second])
        session.commit()
        ids = (first.id, second.id)
    both_hold_one = threading.Barrier(2, timeout=10)
    attempts = []

    @app.post("/_test/lock/<int:a>/<int:b>")
    def lock_two(a: int, b: int):
        session = get_session()
        attempts.append((a, b))
        session.execute(select(Organisation).where(Organisation.id == a).with_for_update())
        if len(attempts) <= 2:  # the first attempts wait for each other; the retry goes straight on
            both_hold_one.wait()
            time.sleep(0.2)
        session.execute(select(Organisation).where(Organisation.id == b).with_for_update())
        return "ok"

    answers = {}

    def call(a, b):
        answers[(a, b)] = app.test_client().post(f"/_test/lock/{a}/{b}").status_code

    threads = [threading.Thread(target=call, args=ids), threading.Thread(target=call, args=ids[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers.values()) == [200, 200]
    assert len(attempts) == 3  # one of the two lost the deadlock and was run again

"""Real threads for concurrency tests: many signed-in browser tabs, and work started at one instant.

Used by the PostgreSQL tests of decisions on one row (tests/audit/web, tests/governance): each thread has its own
Flask test client (its own cookie jar, as a browser tab has) or its own database session, and every thread waits
at a barrier so that the requests really overlap.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tests.web_fixtures import sign_in

#: Threads of each concurrency test: the load under which the races were found (20 concurrent users).
THREADS = 20


def postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("row locks between concurrent transactions are tested on PostgreSQL, the production database")


def signed_in_tabs(app, user, count: int = THREADS, lang: str = "en") -> list:
    """``count`` test clients, each signed in as ``user`` in its own session, reading ``lang``."""
    tabs = []
    for _ in range(count):
        client = app.test_client()
        assert sign_in(client, user.email).status_code == 302
        client.get(f"/lang/{lang}")
        tabs.append(client)
    return tabs


def together(work: Sequence[Callable[[], Any]], timeout: float = 120) -> list[Any]:
    """Run each callable in its own thread, all released at once; their results in order.

    An exception in a thread is returned as its result (so a test can say which thread failed and how); a thread
    still running after ``timeout`` fails the test (a deadlock nobody broke).
    """
    start = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int, job: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[index] = job()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(index, job), daemon=True) for index, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "threads still waiting: a lock nobody released"
    return results


def statuses(responses: Sequence[Any]) -> Counter:
    """How many responses of each status; an exception raised in a thread counts under its class name."""
    return Counter(getattr(response, "status_code", type(response).__name__) for response in responses)


def waiting_on_locks(engine) -> int:
    """Sessions of this test's PostgreSQL database waiting for a lock another transaction holds."""
    from sqlalchemy import text

    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar_one()


def interleave(engine, first: Callable[[], Any], second: Callable[[], Any], commit_first: Callable[[], Any],
               timeout: float = 30) -> dict[str, Any]:
    """Step by step: ``first`` runs (and holds whatever it locked), then ``second`` starts and must wait for a
    lock; then ``commit_first`` ends the first transaction. What each returned, or the exception it raised."""
    import time

    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def run_first():
        try:
            first()
            holding.set()
            release.wait(timeout)
            outcome["first"] = commit_first()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcome["first"] = error
            holding.set()

    def run_second():
        try:
            outcome["second"] = second()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcome["second"] = error

    threads = [threading.Thread(target=run_first, daemon=True), threading.Thread(target=run_second, daemon=True)]
    threads[0].start()
    assert holding.wait(timeout) and "first" not in outcome, outcome
    threads[1].start()
    deadline = time.monotonic() + timeout
    while waiting_on_locks(engine) < 1 and threads[1].is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    outcome["second_waited"] = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a deadlock nobody broke"
    return outcome

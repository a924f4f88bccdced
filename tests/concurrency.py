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

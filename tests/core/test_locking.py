"""lock_for_decision: a second decision on the same row waits for the first and then sees what it decided."""
from __future__ import annotations

import threading
import time

from sqlmodel import Session

from tracker.core.locking import lock_for_decision, lock_rows
from tracker.core.models import Organisation


def _organisation(engine, name="Undecided") -> int:
    with Session(engine) as session:
        row = Organisation(name=name, kind="ngo", country="UA")
        session.add(row)
        session.commit()
        return row.id


def test_the_second_decision_waits_for_the_first_and_reads_its_outcome(engine):
    row_id = _organisation(engine)
    first_holds_the_lock = threading.Event()
    seen = {}

    def first():
        with Session(engine) as session:
            row = lock_for_decision(session, session.get(Organisation, row_id))
            first_holds_the_lock.set()
            row.name = "Decided by the first"
            session.add(row)
            session.flush()
            time.sleep(0.5)
            seen["first committed"] = time.monotonic()
            session.commit()

    def second():
        first_holds_the_lock.wait(10)
        with Session(engine) as session:
            row = session.get(Organisation, row_id)  # read before the lock: possibly the old state
            lock_for_decision(session, row)
            seen["second locked"] = time.monotonic()
            seen["second saw"] = row.name
            session.rollback()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert seen["second saw"] == "Decided by the first"
    assert seen["second locked"] >= seen["first committed"]


def test_lock_rows_takes_them_in_ascending_id_and_returns_them_refreshed(engine):
    ids = [_organisation(engine, f"Row {n}") for n in range(3)]
    with Session(engine) as session:
        rows = [session.get(Organisation, row_id) for row_id in reversed(ids)]
        with Session(engine) as other:
            other.get(Organisation, ids[0]).name = "Renamed meanwhile"
            other.commit()
        assert lock_rows(session, rows) is rows
        assert [row.name for row in rows] == ["Row 2", "Row 1", "Renamed meanwhile"]
        session.rollback()


def test_taking_the_lock_writes_nothing_to_the_audit_trail(engine):
    from sqlalchemy import func, select

    from tracker.audit.models import AuditEntry

    row_id = _organisation(engine)
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
        lock_for_decision(session, session.get(Organisation, row_id))
        session.commit()
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before

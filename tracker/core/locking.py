"""Row locks for decisions: exactly one of any number of concurrent decisions on a row wins.

A decision (accept an offer, resolve a finding, move a stage) reads a state, checks it and writes the next one.
Read without a lock, two requests both see "pending" and both decide. ``lock_for_decision`` re-reads the row
under a lock held to the end of the transaction before the check, so the second request waits for the first
and then sees what it decided (and refuses with ``StateConflict``).

On PostgreSQL that is ``SELECT … FOR UPDATE``. SQLite has no row locks but one writer at a time: a no-op
``UPDATE`` of the row takes the database's write lock (waiting for any other writer to commit), and the row is
read after it.

**One lock order** for everything touching a project and its children, so two operations never wait on each
other in a circle: the project first (``core.versioning`` takes it for every edit), then the child rows in the
order parent before child (a need before its offers, a finding before its answers), several rows of one table
in ascending id. A decision on a child row that also changes the project's data (an accepted offer adds a
funding line) locks the project first.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import inspect, select, update
from sqlmodel import Session

Row = TypeVar("Row")
Model = TypeVar("Model")


def lock_for_decision(session: Session, row: Row) -> Row:
    """Re-read ``row`` under a lock held until the transaction ends; returns it with the stored values."""
    mapper = inspect(type(row))
    table: Any = mapper.local_table
    keys = mapper.primary_key
    identity = mapper.primary_key_from_instance(row)
    if session.get_bind().dialect.name == "sqlite":
        # Writers queue on SQLite's one write lock; after this statement no one else can commit meanwhile.
        condition = [column == value for column, value in zip(keys, identity, strict=True)]
        _take_sqlite_write_lock(session, update(table).where(*condition).values({keys[0].name: keys[0]}))
        session.refresh(row)
    else:
        session.refresh(row, with_for_update=True)
    return row


def lock_by_ids(session: Session, model: type[Model], ids: Iterable[int]) -> list[Model]:
    """The rows of ``model`` with these ids, locked in ascending id and read afresh (rows gone meanwhile are
    left out): for work on several rows of one table, such as a batch of projects to evaluate."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    mapped: Any = model
    if session.get_bind().dialect.name == "sqlite":
        _take_sqlite_write_lock(session, update(mapped).where(mapped.id.in_(wanted)).values(id=mapped.id))
        query = select(mapped).where(mapped.id.in_(wanted)).order_by(mapped.id)
    else:
        query = select(mapped).where(mapped.id.in_(wanted)).order_by(mapped.id).with_for_update()
    return list(session.scalars(query.execution_options(populate_existing=True)))


def lock_ids(session: Session, model: type, ids: Iterable[int]) -> None:
    """Lock the rows of ``model`` with these ids in ascending id, loading nothing (safe inside a flush: objects
    of the session and their pending changes are left as they are)."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    mapped: Any = model
    if session.get_bind().dialect.name == "sqlite":
        _take_sqlite_write_lock(session, update(mapped).where(mapped.id.in_(wanted)).values(id=mapped.id))
    else:
        session.connection().execute(select(mapped.id).where(mapped.id.in_(wanted)).order_by(mapped.id)
                                     .with_for_update())


def _take_sqlite_write_lock(session: Session, no_op_update: Any) -> None:
    """Run a no-op UPDATE on the session's connection: past the ORM's statement hooks, so the audit trail and
    the change history see no write, while SQLite hands this transaction its one write lock."""
    with session.no_autoflush:
        session.connection().execute(no_op_update)


def lock_rows(session: Session, rows: list[Row]) -> list[Row]:
    """Lock several rows of one table in ascending id (the one order, so no two callers deadlock)."""
    for row in sorted(rows, key=lambda item: inspect(type(item)).primary_key_from_instance(item)):
        lock_for_decision(session, row)
    return rows

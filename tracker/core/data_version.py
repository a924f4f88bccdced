"""One number that changes whenever published data may have changed: the key of public HTTP caching.

Every transaction that wrote a row (other than the bookkeeping tables below) raises ``data_version.version``
by one just before it commits, in the same transaction, so a reader either sees the old data with the old
number or the new data with the new one. Public pages derive their ``ETag`` and ``Last-Modified`` from it
and answer a conditional request with ``304`` after reading one row, without rendering anything.

The bump is the last write of a transaction (its listener is installed after every other one, and it flushes
what is pending first), so a transaction holding this row's lock never waits for another lock: it cannot take
part in a deadlock. Writers do queue on this row for the instant between their bump and their commit.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Optional, TypeVar, cast

from sqlalchemy import CursorResult, event, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, SQLModel, col

from tracker.core import bulk
from tracker.core.columns import TIMESTAMP, utcnow

ROW_ID = 1
#: Writes that publish nothing: the mail queue, rate-limit bookkeeping, the audit trail's own rows, follows, jobs.
UNPUBLISHED_TABLES = frozenset({"data_version", "mail_outbox", "rate_limit_event", "audit_entry", "audit_head",
                                "project_follower", "job", "job_worker", "job_undo"})
_CHANGED = "data_version.changed"


class DataVersion(SQLModel, table=True):
    """The single row holding the published data's version and when it last changed."""

    __tablename__ = "data_version"

    id: Optional[int] = Field(default=ROW_ID, primary_key=True)
    version: int = 1
    changed_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


@dataclass(frozen=True)
class Stamp:
    version: int
    changed_at: datetime | None


_STAMP = "data_version.stamp"


def current(session) -> Stamp:
    """The version readers see now (one primary-key read, kept for the session until it writes or ends)."""
    if session.info.get(_CHANGED) is None and _STAMP in session.info:
        return session.info[_STAMP]
    row = session.execute(select(col(DataVersion.version), col(DataVersion.changed_at))
                          .where(col(DataVersion.id) == ROW_ID)).first()
    stamp = Stamp(row[0], row[1]) if row else Stamp(0, None)
    session.info[_STAMP] = stamp
    return stamp


T = TypeVar("T")
#: Figures by key, each with the data version it was computed at (per process: every worker keeps its own).
_MEMO: OrderedDict[Hashable, tuple[Stamp, object]] = OrderedDict()
_MEMO_KEPT = 512
_MEMO_LOCK = threading.Lock()


def memoized(session, key: Hashable | None, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave at the current data version for the same ``key``.

    For figures over the whole portfolio (sums by stage, currency, principle), which cost time in proportion to
    the portfolio but change only when data does: the first request after a write computes them, the others
    read one row (the version). ``key`` must name everything the result depends on besides the data (the
    authority, public or not); ``None`` computes without caching (a signed-in reader's own view). A session that
    has written computes afresh and keeps nothing, since what it sees is not committed.
    """
    if key is None or session.info.get(_CHANGED) or session.new or session.dirty or session.deleted:
        return compute()
    # The whole stamp, so a database whose counter started again (restored, or emptied) never matches.
    version = current(session)
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
    if hit is not None and hit[0] == version:
        return cast(T, hit[1])
    value = compute()
    with _MEMO_LOCK:
        _MEMO[key] = (version, value)
        _MEMO.move_to_end(key)
        while len(_MEMO) > _MEMO_KEPT:
            _MEMO.popitem(last=False)
    return value


def forget_memoized() -> None:
    """Drop every memoized figure (tests that empty the database between them)."""
    with _MEMO_LOCK:
        _MEMO.clear()


def _note_writes(session: OrmSession, _flush_context) -> None:
    for objects in (session.new, session.dirty, session.deleted):
        if any(getattr(obj, "__tablename__", None) not in UNPUBLISHED_TABLES for obj in objects):
            session.info[_CHANGED] = True
            return


def _note_bulk_insert(session: OrmSession, inserted: bulk.Inserted) -> None:
    if inserted.table.name not in UNPUBLISHED_TABLES:
        session.info[_CHANGED] = True


def _bump(session: OrmSession) -> None:
    # Flush first: the commit's own final flush would otherwise take locks (the audit trail's head) after
    # this row's, in the opposite order to a transaction that flushed earlier — a deadlock.
    session.flush()
    if session.info.pop(_CHANGED, False):
        bumped = cast(CursorResult, session.execute(
            update(DataVersion).where(col(DataVersion.id) == ROW_ID)
            .values(version=col(DataVersion.version) + 1, changed_at=utcnow())))
        if bumped.rowcount == 0:  # a database set up without the migration's row: start counting
            session.add(DataVersion(id=ROW_ID, version=2))
            session.flush()
            session.info.pop(_CHANGED, None)


def _forget(session: OrmSession, *_args) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_STAMP, None)


def install() -> None:
    """Install the listeners; the composition root calls this after every other listener is installed."""
    event.listen(OrmSession, "after_flush", _note_writes)
    bulk.observe(_note_bulk_insert)
    event.listen(OrmSession, "before_commit", _bump)
    event.listen(OrmSession, "after_commit", _forget)
    event.listen(OrmSession, "after_soft_rollback", _forget)

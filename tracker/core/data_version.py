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

from dataclasses import dataclass
from datetime import datetime
from typing import Optional, cast

from sqlalchemy import CursorResult, event, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, SQLModel, col

from tracker.core.columns import TIMESTAMP, utcnow

ROW_ID = 1
#: Writes that publish nothing: the mail queue, rate-limit bookkeeping, the audit trail's own rows, follows.
UNPUBLISHED_TABLES = frozenset({"data_version", "mail_outbox", "rate_limit_event", "audit_entry", "audit_head",
                                "project_follower"})
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


def current(session) -> Stamp:
    """The version readers see now (one primary-key read)."""
    row = session.execute(select(col(DataVersion.version), col(DataVersion.changed_at))
                          .where(col(DataVersion.id) == ROW_ID)).first()
    return Stamp(row[0], row[1]) if row else Stamp(0, None)


def _note_writes(session: OrmSession, _flush_context) -> None:
    for objects in (session.new, session.dirty, session.deleted):
        if any(getattr(obj, "__tablename__", None) not in UNPUBLISHED_TABLES for obj in objects):
            session.info[_CHANGED] = True
            return


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


def install() -> None:
    """Install the listeners; the composition root calls this after every other listener is installed."""
    event.listen(OrmSession, "after_flush", _note_writes)
    event.listen(OrmSession, "before_commit", _bump)
    event.listen(OrmSession, "after_commit", _forget)
    event.listen(OrmSession, "after_soft_rollback", _forget)

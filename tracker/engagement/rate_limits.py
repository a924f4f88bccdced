"""Rate limits counted in the database, so that every app worker sees the same events."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, delete, select

from tracker.core.columns import utcnow
from tracker.core.errors import ServiceError
from tracker.core.models import RateLimitEvent


class RateLimited(ServiceError):
    """Too many of one action from one source in the window; try again later."""


def hit(*, session: Session, action: str, key: str, limit: int, window: timedelta = timedelta(hours=1),
        now: datetime | None = None) -> None:
    """Count one ``action`` by ``key``, or raise ``RateLimited`` when ``limit`` were counted in ``window``.

    The event is written in the caller's transaction: an action refused for another reason (and rolled
    back) does not count against the person.
    """
    now = now or utcnow()
    since = now - window
    count = session.exec(select(func.count()).select_from(RateLimitEvent).where(
        RateLimitEvent.action == action, RateLimitEvent.key == key[:255],
        RateLimitEvent.created_at > since)).one()
    if count >= limit:
        raise RateLimited(f"too many {action.replace('_', ' ')}s; try again later", field=action)
    session.add(RateLimitEvent(action=action, key=key[:255], created_at=now))
    session.flush()


def forget_before(*, session: Session, moment: datetime) -> int:
    """Delete events older than ``moment`` (housekeeping); return how many went."""
    result = session.exec(delete(RateLimitEvent).where(RateLimitEvent.created_at < moment))
    return result.rowcount or 0

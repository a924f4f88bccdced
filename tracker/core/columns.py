"""Column helpers shared by the models."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Numeric

#: Money is exact: 14 digits before the point cover any budget in UAH, kopiykas after it.
MONEY = Numeric(16, 2)
#: Timestamps are stored with their zone so PostgreSQL and SQLite agree on what "now" meant.
TIMESTAMP = DateTime(timezone=True)


def utcnow() -> datetime:
    return datetime.now(UTC)

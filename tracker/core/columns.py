"""Column helpers shared by the models."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import DateTime, Numeric, String, Text, TypeDecorator
from sqlmodel import Field

#: Money is exact: 14 digits before the point cover any budget in UAH, kopiykas after it.
MONEY = Numeric(16, 2)
#: Timestamps are stored with their zone so PostgreSQL and SQLite agree on what "now" meant.
TIMESTAMP = DateTime(timezone=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes for what was stored in UTC; PostgreSQL gives aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


#: The largest amount a form or an import accepts: well inside MONEY, and beyond any real budget.
MONEY_MAX = Decimal(10**13)
#: The longest free text (descriptions, impacts, reasons) a person may write into one field.
LONG_TEXT_MAX = 20_000


def money_field(default: Any = PydanticUndefined, *, minimum: Decimal | int = 0, **kwargs: Any) -> Any:
    """An exact amount, at least ``minimum`` and at most ``MONEY_MAX``: declared once, checked everywhere."""
    # Exact bounds: a float 0.01 lies above Decimal("0.01"). Pydantic takes Decimals; SQLModel's stub says float.
    return Field(default, ge=minimum, le=MONEY_MAX, sa_type=MONEY, **kwargs)  # type: ignore[call-overload]


def long_text_field(max_length: int = LONG_TEXT_MAX, **kwargs: Any) -> Any:
    """Optional free text stored unbounded (``TEXT``) but limited to ``max_length`` characters on the way in."""
    return Field(default=None, max_length=max_length, sa_type=Text, **kwargs)


class VocabularyCode(TypeDecorator):
    """A vocabulary value stored as its code in ``VARCHAR(length)`` and loaded back as the enum member.

    Rows then hold the same type their model declares, whether they were built in Python or read from the
    database. A stored code the enum no longer knows loads as plain text rather than failing the whole page.
    """

    impl = String
    cache_ok = True

    def __init__(self, vocabulary: type[StrEnum], length: int):
        super().__init__(length)
        self.vocabulary = vocabulary
        # Code -> member, looked up directly: calling the enum costs a few microseconds a value, and an export
        # loads hundreds of thousands of them.
        self._members = {member.value: member for member in vocabulary}

    def process_bind_param(self, value, dialect):
        return None if value is None else str(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return self._members.get(value, value)


def code_field(vocabulary: type[StrEnum], length: int, default: Any = PydanticUndefined, **kwargs: Any) -> Any:
    """A vocabulary value: the model's type is the enum, the column stays ``VARCHAR(length)``."""
    return Field(default, sa_type=VocabularyCode(vocabulary, length), **kwargs)

"""Value types of facts and parameters, and how raw values are checked and converted to them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any


class ValueType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"  # a plain decimal: a ratio, a quantity, a percentage
    MONEY = "money"  # a Decimal amount in UAH
    DATE = "date"
    BOOLEAN = "boolean"
    ENUM = "enum"
    LIST = "list"  # a list of records with typed fields


NUMERIC = frozenset({ValueType.INTEGER, ValueType.NUMBER, ValueType.MONEY})
ORDERED = NUMERIC | {ValueType.DATE}
TEXTUAL = frozenset({ValueType.TEXT, ValueType.ENUM})
#: The types a rule parameter may have (no enumerations or lists: a threshold is a scalar).
PARAMETER_TYPES = frozenset({ValueType.TEXT, ValueType.INTEGER, ValueType.NUMBER, ValueType.MONEY,
                             ValueType.DATE, ValueType.BOOLEAN})
BASE_CURRENCY = "UAH"


def family(kind: ValueType) -> str:
    """Types that may be compared with each other share a family: integers, numbers and money do."""
    if kind in NUMERIC:
        return "numeric"
    if kind in TEXTUAL:
        return "text"
    return kind.value


def to_decimal(value: Any) -> Decimal:
    # Floats go through str() so 0.1 stays 0.1 and not 0.1000000000000000055...
    if isinstance(value, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def coerce_scalar(kind: ValueType, value: Any, allowed: tuple[str, ...] = ()) -> Any:
    """``value`` converted to ``kind``; ValueError or TypeError says why it cannot be."""
    # Fast paths for values that already have their type, as the fact builder delivers them.
    cls = value.__class__
    if cls is Decimal and kind in _DECIMAL_KINDS and value.is_finite():
        return value
    if cls is date and kind is ValueType.DATE:
        return value
    if kind is ValueType.TEXT:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        return value
    if kind is ValueType.ENUM:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value
    if kind is ValueType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value
    if kind is ValueType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    if kind is ValueType.NUMBER:
        return to_decimal(value)
    if kind is ValueType.MONEY:
        return _to_money(value)
    if kind is ValueType.DATE:
        return _to_date(value)
    raise ValueError(f"a {kind} is not a single value")


_DECIMAL_KINDS = frozenset({ValueType.MONEY, ValueType.NUMBER})


def _to_money(value: Any) -> Decimal:
    # Money may come as {"amount": ..., "currency": "UAH"}; the engine never converts currencies.
    if isinstance(value, dict):
        currency = value.get("currency", BASE_CURRENCY)
        if currency != BASE_CURRENCY:
            raise ValueError(f"amounts must be in {BASE_CURRENCY}, not {currency}")
        value = value.get("amount")
    return to_decimal(value)


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from exc
    raise ValueError(f"{value!r} is not a date")


def jsonable(value: Any) -> Any:
    """Decimals and dates as strings, containers recursively: what results store."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value

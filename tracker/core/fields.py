"""Each field is declared once, on its model: its kind, its limits, its pattern and its vocabulary.

A model says ``title_uk: str = Field(max_length=500)`` or ``sector: Sector = Field(sa_type=String(60))``
(the enum is the type, the column stays text). Everything else that checks a value derives from that
declaration instead of repeating the number or the list:

* ``form_validators`` gives a WTForms field its ``Length``, ``NumberRange`` and ``Regexp``;
* ``cell_parser`` reads a CSV cell into the field's type and checks it;
* ``problems`` / ``check_values`` let a service refuse a dict of values, naming the field.

Field-specific rules that no declaration can say (a date not in the future, capex not above the total)
stay in the services that own them.
"""
from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from wtforms.validators import Length, NumberRange, Regexp

from tracker.core.errors import ServiceError
from tracker.core.i18n import gettext as _

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class FieldSpec:
    """What a model declares about one field."""

    name: str
    kind: type
    required: bool
    max_length: int | None = None
    min_length: int | None = None
    minimum: Any = None
    maximum: Any = None
    pattern: str | None = None

    @property
    def vocabulary(self) -> type[StrEnum] | None:
        return self.kind if isinstance(self.kind, type) and issubclass(self.kind, StrEnum) else None


@cache
def spec(model: type[BaseModel], name: str) -> FieldSpec:
    """The declaration of ``model.name`` (``KeyError`` for a field the model lacks)."""
    info = model.model_fields[name]
    kind, optional = _unwrap(info.annotation)
    limits: dict[str, Any] = {}
    for item in info.metadata:
        for attribute, key in (("max_length", "max_length"), ("min_length", "min_length"), ("ge", "minimum"),
                               ("le", "maximum"), ("pattern", "pattern")):
            value = getattr(item, attribute, None)
            if value is not None and type(value).__name__ != "PydanticUndefinedType":
                limits[key] = value
    required = not optional and info.is_required()
    return FieldSpec(name=name, kind=kind, required=required, **limits)


def _unwrap(annotation) -> tuple[type, bool]:
    """``Optional[X]`` → (X, True); ``X`` → (X, False)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [member for member in typing.get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return members[0], True
    return annotation, False


# --- services ----------------------------------------------------------------------------------------

def problems(model: type[BaseModel], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each (field, message) where ``values`` break what ``model`` declares; fields it lacks are skipped."""
    found = []
    for name, value in values.items():
        if name not in model.model_fields:
            continue
        message = _problem(spec(model, name), value)
        if message:
            found.append((name, message))
    return found


def check_values(model: type[BaseModel], values: Mapping[str, Any]) -> None:
    """Refuse ``values`` with a ``ServiceError`` on the first field that breaks its declaration."""
    for name, message in problems(model, values):
        raise ServiceError(message, field=name)


def validated(model: type[Model], values: Mapping[str, Any]) -> Model:
    """``model.model_validate(values)``, with pydantic's refusal turned into a ``ServiceError`` on its field."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        detail = error.errors()[0]
        field = str(detail["loc"][0]) if detail.get("loc") else None
        message = str(detail.get("msg") or _("invalid value")).removeprefix("Value error, ")
        raise ServiceError(message, field=field) from None


def _problem(field: FieldSpec, value: Any) -> str | None:
    if value is None or value == "":
        return _("this field is required") if field.required else None
    vocabulary = field.vocabulary
    if vocabulary is not None:
        if value not in {member.value for member in vocabulary}:
            return _("“%(value)s” is not one of: %(codes)s", value=value,
                     codes=", ".join(member.value for member in vocabulary))
        return None
    if isinstance(value, str):
        if field.max_length is not None and len(value) > field.max_length:
            return _("longer than %(limit)d characters", limit=field.max_length)
        if field.min_length is not None and len(value.strip()) < field.min_length:
            return _("shorter than %(limit)d characters", limit=field.min_length)
        if field.pattern is not None and not re.search(field.pattern, value):
            return _("“%(value)s” does not have the expected form", value=value)
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if field.minimum is not None and value < field.minimum:
            return _("must be at least %(limit)s", limit=field.minimum)
        if field.maximum is not None and value > field.maximum:
            return _("must be at most %(limit)s", limit=field.maximum)
    return None


# --- forms -------------------------------------------------------------------------------------------

def form_validators(model: type[BaseModel], name: str, *, pattern_message=None) -> list:
    """The WTForms validators that say what ``model.name`` declares (length, range, pattern).

    Whether the field is required is the form's to say (a form may ask for more than the model needs).
    """
    field = spec(model, name)
    validators: list = []
    if field.max_length is not None or field.min_length is not None:
        validators.append(Length(min=field.min_length or -1, max=field.max_length or -1))
    if field.minimum is not None or field.maximum is not None:
        validators.append(NumberRange(min=field.minimum, max=field.maximum))
    if field.pattern is not None:
        validators.append(Regexp(field.pattern, message=pattern_message))
    return validators


# --- CSV cells ---------------------------------------------------------------------------------------

def cell_parser(model: type[BaseModel], name: str, *, pattern_message: str | None = None) -> Callable[[str], Any]:
    """A parser of one CSV cell for ``model.name``: text in, the field's type out, ``ValueError`` on a bad cell.

    A blank cell is ``None``; whether a blank is allowed is the import's to say (its ``required`` columns).
    """
    field = spec(model, name)
    if field.vocabulary is not None:
        return _choice(field.vocabulary)
    if field.kind is str:
        return _text(field, pattern_message)
    if field.kind is bool:
        return parse_boolean
    if field.kind is int:
        return _integer(field.minimum if field.minimum is not None else 0,
                        field.maximum if field.maximum is not None else 10**9)
    if field.kind is Decimal:
        return _decimal(minimum=field.minimum if field.minimum is not None else Decimal("0"),
                        maximum=field.maximum)
    if field.kind is float:
        return _float(field.minimum, field.maximum)
    if field.kind is date:
        return parse_date
    raise TypeError(f"no CSV reading for {model.__name__}.{name} of type {field.kind!r}")


def _text(field: FieldSpec, pattern_message: str | None) -> Callable[[str], str | None]:
    def parse(raw: str) -> str | None:
        if field.max_length is not None and len(raw) > field.max_length:
            raise ValueError(_("longer than %(limit)d characters", limit=field.max_length))
        if raw and field.pattern is not None and not re.search(field.pattern, raw):
            raise ValueError(str(pattern_message) if pattern_message
                             else _("“%(value)s” does not have the expected form", value=raw))
        return raw or None
    return parse


def _integer(minimum: int, maximum: int) -> Callable[[str], int | None]:
    def parse(raw: str) -> int | None:
        if not raw:
            return None
        cleaned = raw.replace(" ", "").replace("\u00a0", "")
        if not re.fullmatch(r"-?\d{1,19}", cleaned):
            raise ValueError(_("“%(value)s” is not a whole number", value=raw))
        value = int(cleaned)
        if not minimum <= value <= maximum:
            raise ValueError(_("must lie between %(minimum)s and %(maximum)s", minimum=minimum, maximum=maximum))
        return value
    return parse


def _number(raw: str) -> Decimal | None:
    if not raw:
        return None
    cleaned = raw.replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # Ukrainian decimal comma
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number", value=raw)) from None
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a number", value=raw))
    return value


def _decimal(places: int = 2, minimum: Decimal | None = Decimal("0"),
             maximum: Decimal | None = None) -> Callable[[str], Decimal | None]:
    def parse(raw: str) -> Decimal | None:
        value = _number(raw)
        if value is None:
            return None
        if minimum is not None and value < minimum:
            raise ValueError(_("must be a number of at least %(limit)s", limit=minimum))
        if maximum is not None and value > maximum:
            raise ValueError(_("must be a number of at most %(limit)s", limit=maximum))
        if value.as_tuple().exponent < -places:  # type: ignore[operator]
            raise ValueError(_("at most %(places)d decimal places", places=places))
        return value.quantize(Decimal(1).scaleb(-places))
    return parse


def _float(minimum: float | None, maximum: float | None) -> Callable[[str], float | None]:
    def parse(raw: str) -> float | None:
        value = _number(raw)
        if value is None:
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise ValueError(_("must lie between %(minimum)s and %(maximum)s", minimum=minimum, maximum=maximum))
        return float(value)
    return parse


def _choice(vocabulary: Iterable[StrEnum]) -> Callable[[str], str | None]:
    allowed = [item.value for item in vocabulary]

    def parse(raw: str) -> str | None:
        if raw and raw not in allowed:
            raise ValueError(_("“%(value)s” is not one of: %(codes)s", value=raw, codes=", ".join(allowed)))
        return raw or None
    return parse


def parse_date(raw: str) -> date | None:
    """A date cell: ISO (2026-03-31) or the Ukrainian way (31.03.2026)."""
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD or DD.MM.YYYY)", value=raw))


def parse_boolean(raw: str) -> bool | None:
    """A yes/no cell in English or Ukrainian; blank is ``None``."""
    lowered = raw.lower()
    if lowered in ("true", "yes", "1", "так"):
        return True
    if lowered in ("false", "no", "0", "ні"):
        return False
    if not raw:
        return None
    raise ValueError(_("“%(value)s” is not true or false", value=raw))

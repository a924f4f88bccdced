"""What a request may carry, checked once at the edge, so that no bad input reaches a query and a 500.

- Ids in the path (``<int:…>``) are whole numbers an id column can hold: PostgreSQL's ``integer`` ends at
  2**31 - 1 (SQLite's at 2**63 - 1, further still); any other number names nothing, so the route does not
  match and the answer is 404. Registered as the app's ``int`` converter, it bounds every route, old and new.
- Numbers in the query (page numbers, a filter's id) are read by ``page_arg``, ``int_arg`` and ``id_arg``:
  a malformed one is ignored, an out-of-range one clamped (a page) or names nothing (an id).
- NUL bytes and other control characters (tab, CR and LF allowed in form fields, where multi-line text has
  them) are refused with a 400 that says where, in the path, any query parameter, any form field or an
  uploaded file's name: PostgreSQL cannot store a NUL, and no field means to hold the others.
"""
from __future__ import annotations

import builtins
import re

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, ValidationError

from tracker.core.i18n import gettext as _

#: The largest id any table holds: PostgreSQL's ``integer`` (SQLite's integer is wider).
DB_INT_MAX = 2**31 - 1
_MAX_DIGITS = len(str(DB_INT_MAX))
#: Control characters (Unicode's Cc: C0, DEL and C1) no field accepts...
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: ...and those a form field accepts, for multi-line text: tab, LF, CR.
_CONTROL_IN_FIELD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class IdConverter(IntegerConverter):
    """``<int:…>`` bounded to what an id column can hold: a larger number is no route (404), never an
    integer overflow in the database."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # werkzeug's argument names
                 max: int | None = None, signed: bool = False) -> None:
        bound = DB_INT_MAX if max is None else builtins.min(max, DB_INT_MAX)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)

    def to_python(self, value: str):
        # Python refuses to read an integer of more than 4300 digits at all: refuse long ones before.
        if len(value.lstrip("-0")) > _MAX_DIGITS:
            raise ValidationError()
        return super().to_python(value)


class ControlCharacters(BadRequest):
    """A request carried a NUL byte or another control character where no field accepts one."""

    #: The error page shows this description (translated, saying where).
    shown_to_user = True

    def __init__(self, where: str) -> None:
        super().__init__(description=_("The request contains a control character (such as a NUL byte) in "
                                       "%(where)s. Remove it and try again.", where=where))


def _shown(name: str) -> str:
    """A parameter's name as it can be shown: without its control characters, not too long."""
    cleaned = _CONTROL.sub("", name)
    return cleaned if len(cleaned) <= 40 else cleaned[:39] + "…"


def control_character_at() -> str | None:
    """Where this request carries a control character no field accepts (a phrase for people), else None."""
    if _CONTROL.search(request.path):
        return _("the address")
    for name, value in request.args.items(multi=True):
        if _CONTROL.search(name) or _CONTROL.search(value):
            return _("the query parameter “%(name)s”", name=_shown(name))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for name, value in request.form.items(multi=True):
            if _CONTROL.search(name) or _CONTROL_IN_FIELD.search(value):
                return _("the field “%(name)s”", name=_shown(name))
        for name, upload in request.files.items(multi=True):
            if _CONTROL.search(name) or _CONTROL.search(upload.filename or ""):
                return _("the name of the file sent as “%(name)s”", name=_shown(name))
    return None


def refuse_control_characters() -> None:
    """``before_request``: 400 for a NUL byte or another control character anywhere a person can put one."""
    where = control_character_at()
    if where is not None:
        raise ControlCharacters(where)


def whole_number(raw: str | None) -> int | None:
    """``raw`` as a whole number (sign allowed), or None; never reads more digits than a column holds."""
    text = (raw or "").strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        return None
    digits = digits.lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        return -(DB_INT_MAX + 1) if text.startswith("-") else DB_INT_MAX + 1
    return -int(digits) if text.startswith("-") else int(digits)


def int_arg(name: str, default: int, *, low: int, high: int, args=None) -> int:
    """A whole number from the query (or ``args``), clamped to [low, high]; ``default`` when absent or
    malformed."""
    number = whole_number((request.args if args is None else args).get(name))
    return default if number is None else max(low, min(high, number))


def page_arg(name: str = "page", args=None) -> int:
    """A page number from the query: 1 when absent or malformed, else between 1 and the largest id (a list
    then shows its last page for any number past it)."""
    return int_arg(name, 1, low=1, high=DB_INT_MAX, args=args)


def id_arg(name: str, args=None) -> int | None:
    """An id from the query (or ``args``), or None when absent, malformed or out of any id column's range
    (it names nothing)."""
    number = whole_number((request.args if args is None else args).get(name))
    return number if number is not None and 1 <= number <= DB_INT_MAX else None


def init_app(app: Flask) -> None:
    """Bound every ``<int:…>`` of the app (before any route is added) and refuse control characters."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_control_characters)

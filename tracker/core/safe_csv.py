"""The one CSV writer of every file the application produces, safe to open in a spreadsheet.

A spreadsheet program runs a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a formula, and one beginning
with a tab or a carriage return after skipping it (CSV injection: ``=HYPERLINK("http://evil", "x")`` in a
project's title becomes a link in the reader's copy of the open data). Following OWASP's guidance, the writer
puts a single quote before such a cell, which the spreadsheet shows as text; the csv module's quoting already
keeps separators and quotes inside their cell.

Where a file is also read back (the planners' import), ``restore`` takes exactly that one quote away again, so
export → import gives back the original text, negative numbers included. A cell that really begins with quotes
followed by one of those characters (``'=x``) is written with one more quote (``''=x``), so the two never mix:
``restore(neutralise(text)) == text`` for every text.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any, Protocol

#: The characters that make a spreadsheet read a cell as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Quotes (any number) and then a formula character: the cells that get one quote more.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")

#: A byte-order mark: written first, it lets spreadsheet programs open Cyrillic UTF-8 correctly.
BOM = "\ufeff"


def neutralise(value: Any) -> str:
    """The cell as text, with one quote before it when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restore(text: str) -> str:
    """A cell as ``neutralise`` wrote it, read back: the one added quote taken away, anything else unchanged."""
    return text[1:] if text[:1] == "'" and _NEEDS_QUOTE.match(text, 1) else text


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``neutralise`` (header included)."""

    def __init__(self, out: _Writable, **dialect: Any) -> None:
        dialect.setdefault("lineterminator", "\n")
        self._writer = csv.writer(out, **dialect)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, **dialect: Any) -> SafeWriter:
    """The writer for every CSV file the application makes (lines end in a newline unless told otherwise)."""
    return SafeWriter(out, **dialect)


def to_text(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, bom: bool = False) -> str:
    """A whole file as text: the header, then the rows, every cell neutralised; ``bom`` puts a BOM first."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    safe = SafeWriter(out)
    safe.writerow(header)
    safe.writerows(rows)
    return out.getvalue()

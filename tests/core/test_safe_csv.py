"""The one CSV writer: formula cells neutralised (OWASP), read back exactly, and no other writer in the app."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tracker.core import safe_csv

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "-5", "=", "-"]
HARMLESS = ["", "Школа № 1", "1+1", " =1", "a=b", "'quoted", "''", "'", "5", "VID-2024-1", "x\n=1", "'a=b"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_cell_gets_one_quote(text):
    assert safe_csv.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_a_harmless_cell_is_left_alone(text):
    assert safe_csv.neutralise(text) == text
    assert safe_csv.restore(text) == text


@pytest.mark.parametrize("text", ["'=1", "''=1", "'''-2", "'@x", "'\tx"])
def test_text_really_starting_with_quotes_before_a_formula_character_gets_one_more(text):
    assert safe_csv.neutralise(text) == "'" + text
    assert safe_csv.restore(safe_csv.neutralise(text)) == text


@pytest.mark.parametrize("text", HOSTILE + HARMLESS + ["'=1", "''=1", "'''-2", "'@x", "'hello", "-0.5", "'-"])
def test_restore_gives_back_exactly_what_was_neutralised(text):
    assert safe_csv.restore(safe_csv.neutralise(text)) == text


def test_restore_takes_away_only_the_one_added_quote():
    assert safe_csv.restore("'=1") == "=1"
    assert safe_csv.restore("''=1") == "'=1"
    assert safe_csv.restore("'-5") == "-5"
    assert safe_csv.restore("'hello") == "'hello"  # no formula character after it: never added
    assert safe_csv.restore("=1") == "=1"  # a file saved by a spreadsheet drops the quote: read as it is


def test_values_that_are_not_text():
    assert safe_csv.neutralise(None) == ""
    assert safe_csv.neutralise(-3) == "'-3"
    assert safe_csv.neutralise(-1.5) == "'-1.5"
    assert safe_csv.neutralise(7) == "7"


def test_the_writer_neutralises_every_cell_and_keeps_cells_apart():
    text = safe_csv.to_text(["=header", "b"], [['=HYPERLINK("http://evil","x")', "a,=1"], ["-2+3", None]],
                            bom=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["'=header", "b"], ["'=HYPERLINK(\"http://evil\",\"x\")", "a,=1"], ["'-2+3", ""]]
    assert text.endswith("\n") and "\r\n" not in text


def test_the_writer_keeps_a_dialect_it_is_given():
    out = io.StringIO()
    writer = safe_csv.writer(out, lineterminator="\r\n", delimiter=";")
    writer.writerows([["@a", "b"], ["c", "+d"]])
    assert out.getvalue() == "'@a;b\r\nc;'+d\r\n"


def test_no_module_writes_csv_but_the_one_writer():
    """Every CSV the application makes goes through ``core.safe_csv``: no other csv writer in tracker/."""
    root = Path(__file__).resolve().parents[2] / "tracker"
    writers = re.compile(r"(?<![\w.])csv\.(writer|DictWriter)\b|\bfrom csv import")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "safe_csv.py" and writers.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
    assert writers.search((root / "core" / "safe_csv.py").read_text(encoding="utf-8"))  # the search can match

"""Server-side SVG charts: well-formed, text escaped, no external references."""
from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from tracker.publishing import charts

HOSTILE = '<script>alert(1)</script>"&<image href="file:///etc/passwd"/>'


def _parse(svg) -> ElementTree.Element:
    return ElementTree.fromstring(str(svg))


def test_bars_escape_labels_and_titles():
    svg = charts.bars([(HOSTILE, Decimal("1500000")), ("B", 10)], title=HOSTILE, unit="UAH")
    root = _parse(svg)
    assert "<script" not in str(svg) and "<image" not in str(svg)
    texts = [el.text for el in root.iter() if el.text]
    assert HOSTILE in texts
    assert any("1\u202f500\u202f000" in text for text in texts)


def test_progress_and_scorecard_are_well_formed():
    _parse(charts.progress(40, title="Progress"))
    _parse(charts.progress(None, title="Progress"))
    root = _parse(charts.scorecard([("P1", Decimal("0.75")), ("P2", None)], title=HOSTILE))
    assert {el.tag.split("}")[1] for el in root.iter()} <= {"svg", "title", "text", "rect"}

"""Charts as SVG written on the server: horizontal bars, a progress bar, a scorecard.

Plain SVG elements with presentation attributes only (no scripts, no style attributes, no external
references), so the same markup renders identically in the browser under the strict CSP and in
WeasyPrint. Every text passes through ``escape``; every number is formatted here.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask import has_app_context
from markupsafe import Markup, escape

from tracker.core.i18n import current_language
from tracker.core.money import format_money
from tracker.core.vocab import Currency

PALETTE = ("#1f5aa6", "#e0a100", "#2e8540", "#b4462c", "#6a4c93", "#0b7a75", "#7a7a7a")
WIDTH = 560
ROW = 26
LABEL_WIDTH = 190
CURRENCIES = frozenset(Currency)


def _number(value: Decimal | float | int) -> str:
    return f"{float(value):,.0f}".replace(",", "\u202f")


def _amount(value: Decimal | float | int, unit: str) -> str:
    """A bar's figure: money as the reader's language writes it (the same text as the tables beside the
    chart), other quantities grouped, with their unit."""
    if unit in CURRENCIES:
        # Ukrainian, the default, when drawn outside any request or report (no reader to ask)
        return format_money(value, unit, current_language() if has_app_context() else "uk")
    return _number(value) + (" " + unit if unit else "")


def bars(items: Sequence[tuple[str, Decimal | float | int]], *, title: str, unit: str = "") -> Markup:
    """One horizontal bar per (label, value), scaled to the largest value."""
    items = [(label, value) for label, value in items if value is not None]
    height = ROW * max(len(items), 1) + 8
    largest = max((float(v) for _, v in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 120
    parts = [_open(title, height)]
    for index, (label, value) in enumerate(items):
        y = 4 + index * ROW
        length = max(1.0, span * float(value) / largest) if value else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" font-size="12">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="16" '
            f'fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}" font-size="12">'
            f'{escape(_amount(value, unit))}</text>')
    if not items:
        parts.append('<text x="4" y="18" font-size="12">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every label and number is escaped above)


def progress(percent: int | float | Decimal | None, *, title: str) -> Markup:
    """A bar filled to ``percent`` (0-100); an empty outline when unknown."""
    known = percent is not None
    value = min(max(float(percent or 0), 0.0), 100.0)
    inner = WIDTH - 80
    filled = inner * value / 100
    label = f"{value:.0f}%" if known else "—"
    return Markup(  # noqa: S704  (numbers only, and the title escaped by _open)
        f'{_open(title, 28)}<rect x="0" y="4" width="{inner}" height="20" fill="#e6e6e6" stroke="#7a7a7a"/>'
        f'<rect x="0" y="4" width="{filled:.1f}" height="20" fill="{PALETTE[2]}"/>'
        f'<text x="{inner + 8}" y="19" font-size="13">{escape(label)}</text></svg>')


def compare(committed: Decimal, disbursed: Decimal, *, title: str, committed_label: str, disbursed_label: str,
            unit: str) -> Markup:
    """Budget committed against disbursed, as two bars on one scale."""
    return bars([(committed_label, committed), (disbursed_label, disbursed)], title=title, unit=unit)


def scorecard(rows: Sequence[tuple[str, Decimal | None]], *, title: str) -> Markup:
    """Share of applicable checks passed per principle or pillar: a 0-100% bar each, "—" when none applied."""
    height = ROW * max(len(rows), 1) + 8
    span = WIDTH - LABEL_WIDTH - 70
    parts = [_open(title, height)]
    for index, (label, share) in enumerate(rows):
        y = 4 + index * ROW
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
                     f'{escape(label)}</text>'
                     f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{span}" height="16" fill="#eeeeee"/>')
        if share is not None:
            fraction = float(share)
            colour = PALETTE[2] if fraction >= 0.8 else PALETTE[1] if fraction >= 0.5 else PALETTE[3]
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{span * fraction:.1f}" height="16" '
                         f'fill="{colour}"/>')
        text = f"{float(share) * 100:.0f}%" if share is not None else "—"
        parts.append(f'<text x="{LABEL_WIDTH + span + 6}" y="{y + 16}" font-size="12">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every label and number is escaped above)


def _open(title: str, height: int) -> str:
    # role="img" with a <title>: screen readers announce the chart by its title; the figures are
    # also printed as text next to each bar, so nothing is conveyed by colour alone.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="Vidnova Sans, DejaVu Sans, sans-serif">'
            f'<title>{escape(title)}</title>')

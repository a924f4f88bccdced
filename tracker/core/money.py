"""Money as a reader sees it, one way everywhere: the pages, the reports and the rules' explanations agree.

Ukrainian: digits grouped by a narrow space, a decimal comma, then "грн" for hryvnias or the currency's code
("11 000 000,00 грн", "400 000,00 EUR"). English: the code first ("UAH 11,000,000.00"). These are the forms the
rules engine writes into explanations (``rules.templates.format_value``), so a page never shows an amount two ways.
"""
from __future__ import annotations

import re
from decimal import Decimal

#: What follows a hryvnia amount in Ukrainian.
HRYVNIA = "грн"


def format_money(amount: Decimal | int | float | None, currency: str = "UAH", language: str = "uk") -> str:
    """``amount`` in ``currency`` for a reader of ``language`` ("—" when there is no amount)."""
    if amount is None:
        return "—"
    text = f"{Decimal(str(amount)):,.2f}"
    if language == "uk":
        text = text.replace(",", "\u202f").replace(".", ",")
        return f"{text}\u00a0{HRYVNIA if currency == 'UAH' else currency}"
    return f"{currency}\u00a0{text}"


#: Spaces people (and spreadsheets) group digits with: the plain space, the no-break space, the narrow no-break
#: space and the thin space.
_GROUPING_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009"), None)
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_WRITTEN = {
    "uk": re.compile(r"-?\d+(?:,\d+)?"),  # spaces group the digits (taken out first), a comma before the kopiykas
    "en": re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?"),  # commas group the digits, a point before the cents
}


def parse_amount(raw: str, language: str) -> Decimal:
    """An amount as a reader of ``language`` writes it: "13 320 000,00" in Ukrainian, "13,320,000.00" in English,
    and "13320000.00" in either; ``ValueError`` when it is none of these."""
    text = raw.strip().translate(_GROUPING_SPACES)
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    written = _WRITTEN.get(language, _WRITTEN["en"])
    if written.fullmatch(text):
        return Decimal(text.replace(",", ".") if language == "uk" else text.replace(",", ""))
    raise ValueError(raw)


def amount_example(language: str) -> str:
    """How an amount is written in ``language`` (for a form's hint and its error)."""
    return "13 320 000,00" if language == "uk" else "13,320,000.00"

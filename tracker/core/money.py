"""Money as a reader sees it, one way everywhere: the pages, the reports and the rules' explanations agree.

Ukrainian: digits grouped by a narrow space, a decimal comma, then "грн" for hryvnias or the currency's code
("11 000 000,00 грн", "400 000,00 EUR"). English: the code first ("UAH 11,000,000.00"). These are the forms the
rules engine writes into explanations (``rules.templates.format_value``), so a page never shows an amount two ways.
"""
from __future__ import annotations

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

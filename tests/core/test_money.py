"""Money formatted one way everywhere, the same as the rules' explanations write it."""
from __future__ import annotations

from decimal import Decimal

from tracker.core.money import format_money
from tracker.rules.templates import format_value


def test_ukrainian_and_english_forms():
    assert format_money(Decimal("11000000"), "UAH", "uk") == "11\u202f000\u202f000,00\u00a0грн"
    assert format_money(Decimal("400000.5"), "EUR", "uk") == "400\u202f000,50\u00a0EUR"
    assert format_money(Decimal("11000000"), "UAH", "en") == "UAH\u00a011,000,000.00"
    assert format_money(None) == "—"


def test_pages_and_rule_explanations_agree_on_hryvnias():
    for amount in (Decimal("0"), Decimal("1234.5"), Decimal("11000000")):
        assert format_money(amount, "UAH", "uk").replace("\u00a0", " ") == format_value(amount, "uk", money=True)
        assert format_money(amount, "UAH", "en").replace("\u00a0", " ") == format_value(amount, "en", money=True)

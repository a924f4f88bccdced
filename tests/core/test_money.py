"""Money formatted one way everywhere, the same as the rules' explanations write it."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.core.money import format_money, parse_amount
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


@pytest.mark.parametrize(("raw", "language", "amount"), [
    ("13 320 000,00", "uk", "13320000.00"), ("13\u00a0320\u00a0000,00", "uk", "13320000.00"),
    ("13\u202f320\u202f000,5", "uk", "13320000.5"), ("13320000.00", "uk", "13320000.00"), ("1,5", "uk", "1.5"),
    ("13,320,000.00", "en", "13320000.00"), ("13320000.00", "en", "13320000.00"), ("1,500", "en", "1500"),
    ("  700 ", "en", "700"), ("-5", "uk", "-5"),
])
def test_amounts_are_read_as_the_readers_language_writes_them(raw, language, amount):
    assert parse_amount(raw, language) == Decimal(amount)


@pytest.mark.parametrize(("raw", "language"), [
    ("13,320,000.00", "uk"),  # the English grouping is no Ukrainian amount
    ("13 320 000,00", "en"), ("1,50", "en"), ("1,5000", "en"), ("abc", "uk"), ("1.2.3", "en"), ("", "uk"),
    ("1e9", "en"), ("NaN", "uk"),
])
def test_anything_else_is_refused(raw, language):
    with pytest.raises(ValueError):
        parse_amount(raw, language)

"""Prozorro tender ids and EDRPOU / RNOKPP check digits (pure)."""
from tracker.core.identifiers import is_edrpou, is_prozorro_tender_id, is_rnokpp, is_supplier_code


def test_tender_ids():
    assert is_prozorro_tender_id("UA-2024-01-31-000123-a")
    for bad in ("UA-2024-02-30-000123-a", "UA-2024-01-31-00123-a", "ua-2024-01-31-000123-a", "UA-2024-01-31-000123",
                "UA-2024-01-31-000123-A", ""):
        assert not is_prozorro_tender_id(bad)


def test_edrpou_and_rnokpp_check_digits():
    assert is_edrpou("14360570") and not is_edrpou("14360571") and not is_edrpou("1436057")
    assert is_edrpou("00032112") is not None  # the second weight set branch runs without error
    assert is_rnokpp("3005208876") is is_rnokpp("3005208876")
    assert is_supplier_code("14360570") and not is_supplier_code("abcdefgh")

"""Checks of Ukrainian identifiers planners type in: Prozorro tender ids and EDRPOU / RNOKPP codes."""
from __future__ import annotations

import re
from datetime import date

#: A KATOTTG code (the codifier of administrative units and territories): UA and 17 digits.
KATOTTG_CODE = re.compile(r"^UA\d{17}$")
#: Prozorro's public tender id: UA-<date of publication>-<six digits>-<check letter>, UA-2024-01-31-000123-a.
PROZORRO_TENDER_ID = re.compile(r"^UA-(\d{4})-(\d{2})-(\d{2})-(\d{6})-([a-z])$")
#: The shape of a supplier's code: 8 digits (EDRPOU, a company) or 10 (RNOKPP, a sole trader).
SUPPLIER_CODE = re.compile(r"^\d{8}(\d{2})?$")


def is_prozorro_tender_id(value: str) -> bool:
    """True for a well-formed Prozorro tender id whose date part is a real date."""
    match = PROZORRO_TENDER_ID.match(value or "")
    if not match:
        return False
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


def is_edrpou(code: str) -> bool:
    """True for an 8-digit EDRPOU code whose last digit is the official check digit.

    The weights depend on the code's range, and a remainder of 10 is retried with weights raised by 2
    (Order of the State Statistics Committee on the EDRPOU register).
    """
    if not re.fullmatch(r"\d{8}", code or ""):
        return False
    digits = [int(c) for c in code]
    number = int(code[:8])
    base = [1, 2, 3, 4, 5, 6, 7] if number < 30_000_000 or number > 60_000_000 else [7, 1, 2, 3, 4, 5, 6]
    check = sum(d * w for d, w in zip(digits[:7], base, strict=True)) % 11
    if check == 10:
        check = sum(d * (w + 2) for d, w in zip(digits[:7], base, strict=True)) % 11
        check = 0 if check == 10 else check
    return check == digits[7]


def is_rnokpp(code: str) -> bool:
    """True for a 10-digit individual taxpayer number (sole traders contract under it)."""
    if not re.fullmatch(r"\d{10}", code or ""):
        return False
    digits = [int(c) for c in code]
    weights = (-1, 5, 7, 9, 4, 6, 10, 5, 7)
    return sum(d * w for d, w in zip(digits[:9], weights, strict=True)) % 11 % 10 == digits[9]


def is_supplier_code(code: str) -> bool:
    """A supplier is a company (EDRPOU) or a sole trader (RNOKPP)."""
    return is_edrpou(code) or is_rnokpp(code)

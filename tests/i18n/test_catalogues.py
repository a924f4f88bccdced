"""Every message a person can read has its Ukrainian translation, and the catalogues are current."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("tracker/**.py", "python"), ("templates/**.html", "jinja2"), ("reports/templates/**.html", "jinja2")]


def extracted_messages() -> dict:
    """Message id -> first place it appears, as `make extract-messages` finds them."""
    found = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map=METHODS, keywords=KEYWORDS):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault((context, key), filename)
    return found


def catalogue(locale: str):
    with (ROOT / "tracker" / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_every_message_is_translated(locale):
    translations = catalogue(locale)
    missing = []
    for (context, message), where in extracted_messages().items():
        msgid = message if isinstance(message, str) else message[0]
        entry = translations.get(msgid, context=context)
        strings = [] if entry is None else (entry.string if isinstance(entry.string, tuple) else [entry.string])
        if entry is None or not all(strings) or entry.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert missing == [], f"{len(missing)} message(s) lack a {locale} translation (run make extract-messages)"


def test_ukrainian_plurals_have_three_forms():
    translations = catalogue("uk")
    assert translations.num_plurals == 3
    for message in translations:
        if message.pluralizable and message.id:
            assert len(message.string) == 3 and all(message.string), message.id


def test_placeholders_survive_translation():
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for message in catalogue("uk"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            assert set(placeholder.findall(string)) == expected, (message.id, string)

"""Ukrainian alphabetical order for lists sorted in Python (oblasts, hromadas, authorities in a select).

Code-point order puts І, Ї and Є after Я and Ґ after Я too ("Івано-Франківська" last among oblasts); Ukrainian
readers expect the alphabet: а б в г ґ д е є ж з и і ї й к л м н о п р с т у ф х ц ч ш щ ь ю я. Why by hand: the
one library that collates properly (PyICU) needs the ICU headers to build, and these lists are short.
"""
from __future__ import annotations

ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
#: Signs ignored when ordering (the apostrophe in "Мʼякоти", hyphens between parts of a name).
_IGNORED = frozenset("ʼ'’`-")


def ukrainian_key(text: str | None) -> tuple:
    """A sort key: digits first, then Ukrainian letters in the alphabet's order, then Latin, then the rest;
    case only breaks ties."""
    folded = []
    for char in (text or "").casefold():
        if char in _IGNORED or char.isspace():
            if char.isspace():
                folded.append((0, 0, " "))
            continue
        if char.isdigit():
            folded.append((1, 0, char))
        elif char in _RANK:
            folded.append((2, _RANK[char], char))
        elif char.isascii() and char.isalpha():
            folded.append((3, 0, char))
        else:
            folded.append((4, ord(char), char))
    return tuple(folded), text or ""


def by_name(rows, language: str = "uk") -> list:
    """Rows with ``name_uk`` / ``name_en`` (authorities, oblast choices) in alphabetical order of the name the
    reader sees (the Ukrainian one where there is no English)."""
    def name(row) -> str:
        return (getattr(row, "name_en", None) if language == "en" else None) or row.name_uk
    return sorted(rows, key=lambda row: ukrainian_key(name(row)))

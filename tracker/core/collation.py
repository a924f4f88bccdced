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


#: Characters of a ``sort_code``: digits before lower-case Latin letters, the one order every database collation
#: (C, glibc's and ICU's locales) agrees on for such strings.
_CODE_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
#: How many characters of a text its code orders by: enough to tell titles apart, short enough to index.
SORT_CODE_LENGTH = 80


def sort_code(text: str | None, language: str = "uk") -> str:
    """``ukrainian_key`` as a plain string the database can order and index: two base-36 digits a character,
    so ``ORDER BY`` a stored code sorts names in the alphabet's order on SQLite and PostgreSQL alike (a column
    collation cannot: SQLite has none for Ukrainian, and PostgreSQL's depends on how it was built). Ukrainian
    letters come before Latin ones, and after them for an English reader."""
    cyrillic, latin = (20, 60) if language != "en" else (60, 20)
    letters, _original = ukrainian_key(text)
    code = []
    for group, rank, char in letters[:SORT_CODE_LENGTH]:
        # space 1, digits 2–11, then the reader's alphabet first, the other second, anything else 100 and up
        if group == 0:
            value = 1
        elif group == 1:
            value = 2 + int(char) if char.isascii() else 2
        elif group == 2:
            value = cyrillic + rank
        elif group == 3:
            value = latin + ord(char) - ord("a") if "a" <= char <= "z" else latin
        else:
            value = 100 + ord(char) % 1196
        code.append(_CODE_DIGITS[value // 36] + _CODE_DIGITS[value % 36])
    return "".join(code)

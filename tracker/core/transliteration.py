"""Ukrainian to Latin letters by the official national system (Cabinet of Ministers resolution No. 55, 2010)."""
from __future__ import annotations

import re

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
}
#: At the start of a word these letters take another form (Єнакієве → Yenakiieve).
_WORD_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
#: The apostrophe and its typographic look-alikes are not rendered.
_APOSTROPHES = {"'", "\u2019", "\u02bc", "`"}
_WORD = re.compile(r"[\w'\u2019\u02bc`]+")


def transliterate(text: str) -> str:
    """``text`` in Latin letters; characters outside the Ukrainian alphabet pass through."""
    return _WORD.sub(lambda match: _word(match.group()), text)


def _word(word: str) -> str:
    capitals = len(word) > 1 and word.isupper()
    out = []
    for index, char in enumerate(word):
        lower = char.lower()
        if lower in _APOSTROPHES:
            continue
        if index == 0 and lower in _WORD_INITIAL:
            latin = _WORD_INITIAL[lower]
        elif lower == "г" and index > 0 and word[index - 1].lower() == "з":
            latin = "gh"  # the resolution writes зг as zgh (Згорани → Zghorany) to keep it apart from ж
        else:
            latin = _LETTERS.get(lower, char)
        if char != lower and latin:
            # Title case, unless the word is written in capitals (ЩАСТЯ → SHCHASTIA).
            latin = latin.upper() if capitals else latin[0].upper() + latin[1:]
        out.append(latin)
    return "".join(out)

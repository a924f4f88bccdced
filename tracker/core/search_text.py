"""Text as search compares it: Ukrainian and English words found whatever their case, apostrophe or form.

People type "харків", "Харкові" or "харківська" and mean one place; "мосту" and "міст" are one bridge. A record
stores its words folded (``document``); a query becomes, for each of its words, a few ``LIKE`` patterns for the
start of a stored word (``patterns``), and a record matches when every query word matches one of them:

* case is folded here, in Python (SQL's ``lower`` folds only ASCII on SQLite, and Cyrillic only under a fitting
  collation on PostgreSQL), the same on both sides;
* apostrophes of every kind (ʼ ' ’ `) are dropped, so "мʼясо", "м'ясо" and "мясо" are one word; ї, ґ and ё read
  as і, г and е (keyboards without them), and accents on Latin letters go;
* a query word of four letters or more loses a common case or adjective ending, and what is left matches the
  start of a stored word, so every form of it is found; an і, о or е in the last syllable matches any letter
  (the vowel alternation of "міст"/"мосту", "школа"/"шкіл", "Київ"/"Києва") or none ("будинок"/"будинку").

Why by hand: no maintained Python stemmer for Ukrainian exists (Snowball has none, PostgreSQL ships no Ukrainian
dictionary), and matching must work the same on SQLite. Stored text is only folded, never stemmed: a better
stemmer later changes the patterns, not the stored rows. Matching is deliberately generous: it may find a few
words that only look alike (more found, never less), which suits a search box.
"""
from __future__ import annotations

import re
import unicodedata

#: Apostrophes and the letters typed for each other.
_FOLDED = str.maketrans({"ʼ": None, "'": None, "’": None, "`": None, "ʹ": None, "‘": None,
                         "ї": "і", "ґ": "г", "ё": "е", "ы": "и"})
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Case and adjective endings, longest first (after folding: no ї).
_ENDINGS = tuple(sorted({
    "ами", "ями", "ові", "еві", "єві", "ому", "ого", "ими", "іми", "ий", "ій", "ої", "ою", "ею", "єю", "ів", "ах",
    "ях", "ам", "ям", "ом", "ем", "им", "ім", "их", "іх", "і", "а", "я", "у", "ю", "и", "о", "е", "є", "ь",
}, key=len, reverse=True))
#: Adjective-forming suffixes taken off after the ending ("харківська" → "харків").
_SUFFIXES = ("ськ", "цьк", "зьк")
_MIN_STEM = 3
_ALTERNATING = "іоеє"
_VOWELS = "аеєиіїоуюя"


def fold(text: str) -> str:
    """Lower case, apostrophes dropped, ї/ґ/ё as і/г/е, accents on Latin letters removed."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_FOLDED)
    if text.isascii():
        return text
    # Accents off Latin letters only: decomposing Cyrillic would turn й into и.
    return "".join(char if char.isascii() or _CYRILLIC.match(char) else _without_accents(char).casefold()
                   for char in text)


def _without_accents(char: str) -> str:
    return "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))


def words(text: str | None) -> list[str]:
    """The text's folded words, in order, each once."""
    return list(dict.fromkeys(_WORD.findall(fold(text or ""))))


def document(*texts: str | None) -> str:
    """What a record stores: the folded words of all its texts, each once, framed by spaces."""
    found: dict[str, None] = {}
    for text in texts:
        found.update(dict.fromkeys(words(text)))
    return f" {' '.join(found)} " if found else " "


def stem(word: str) -> str:
    """A folded Cyrillic word of four letters or more without its case or adjective ending."""
    if len(word) < 4 or not _CYRILLIC.match(word[0]):
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            word = word[: -len(ending)]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    if word.endswith("й") and len(word) > _MIN_STEM:  # ліцей, ліцею; музей, музеї: й goes with the ending
        return word[:-1]
    return word


def patterns(query: str | None) -> list[list[str]]:
    """For each word of the query, the ``LIKE`` patterns (escaped with a backslash) a stored document matching
    it holds: the start of a stored word."""
    return [[f"% {pattern}%" for pattern in _forms(stem(word))] for word in words(query)]


def _forms(stem: str) -> list[str]:
    """The stem as a LIKE pattern, with the vowel alternation of its last syllable: any letter or none."""
    escaped = _escaped(stem)
    if not _CYRILLIC.match(stem[:1]) or len(stem) < 3:
        return [escaped]
    forms = [escaped]
    last_vowel = max(stem.rfind(vowel) for vowel in _VOWELS)
    if 0 < last_vowel < len(stem) - 1 and stem[last_vowel] in _ALTERNATING:
        # міст → м_ст (мост, мости) or мст; Київ → ки_в (Києва); будинок → будин_к or будинк (будинку)
        forms = [_escaped(stem[:last_vowel]) + "_" + _escaped(stem[last_vowel + 1:]),
                 _escaped(stem[:last_vowel] + stem[last_vowel + 1:])]
    elif len(stem) >= 4 and stem[-1] not in _VOWELS and stem[-2] not in _VOWELS + "ь":
        # будинк → будин_к as well (будинок): a vowel that drops out between the last two consonants
        forms.append(_escaped(stem[:-1]) + "_" + _escaped(stem[-1]))
    return forms


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")

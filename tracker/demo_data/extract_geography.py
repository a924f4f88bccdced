"""Rebuild ``geography.json`` from the full codifier (run once by hand; the result is committed).

    python -m tracker.demo_data.extract_geography CODIFIER.csv DREAM-PRIORITIES.json

Keeps level 1 in full and, for the four demo oblasts, every raion and hromada with its administrative
centre. The codifier only has the adjective stem of a hromada (``Ірпінська``): the centre is the
settlement whose name the stem is made from, and its category gives the hromada's type (city → міська).
"""
from __future__ import annotations

import json
import re
import sys
from os.path import commonprefix
from pathlib import Path

from tracker.core.katottg import read_codifier
from tracker.core.transliteration import transliterate

DEMO_OBLASTS = ("UA63000000000041885", "UA74000000000025378", "UA48000000000039575", "UA32000000000030281")

#: Canonical English names of the level-1 units (written by hand: the codifier has Ukrainian only).
LEVEL1_EN = {
    "UA01000000000013043": "Autonomous Republic of Crimea", "UA05000000000010236": "Vinnytsia Oblast",
    "UA07000000000024379": "Volyn Oblast", "UA12000000000090473": "Dnipropetrovsk Oblast",
    "UA14000000000091971": "Donetsk Oblast", "UA18000000000041385": "Zhytomyr Oblast",
    "UA21000000000011690": "Zakarpattia Oblast", "UA23000000000064947": "Zaporizhzhia Oblast",
    "UA26000000000069363": "Ivano-Frankivsk Oblast", "UA32000000000030281": "Kyiv Oblast",
    "UA35000000000016081": "Kirovohrad Oblast", "UA44000000000018893": "Luhansk Oblast",
    "UA46000000000026241": "Lviv Oblast", "UA48000000000039575": "Mykolaiv Oblast",
    "UA51000000000030770": "Odesa Oblast", "UA53000000000028050": "Poltava Oblast",
    "UA56000000000066151": "Rivne Oblast", "UA59000000000057109": "Sumy Oblast",
    "UA61000000000060328": "Ternopil Oblast", "UA63000000000041885": "Kharkiv Oblast",
    "UA65000000000030969": "Kherson Oblast", "UA68000000000099709": "Khmelnytskyi Oblast",
    "UA71000000000010357": "Cherkasy Oblast", "UA73000000000044923": "Chernivtsi Oblast",
    "UA74000000000025378": "Chernihiv Oblast", "UA80000000000093317": "City of Kyiv",
    "UA85000000000065278": "City of Sevastopol",
}
#: A hromada's type in its Ukrainian name → its English word and the category of its centre.
HROMADA_TYPE = {"міська": ("urban", "M"), "селищна": ("settlement", "X"), "сільська": ("rural", "C")}
ADJECTIVE_ENDING = re.compile(r"[сцз]ьк(а|ий)$")


def find_centre(stem: str, settlements: list, category: str | None = None) -> object | None:
    """The settlement the adjective ``stem`` is made from, or None when no name is close enough.

    Centres renamed since (Красноград → Берестин) or with two-word names (Великий Бурлук) are not
    found; their English name then transliterates the adjective, as OCHA's gazetteer does.
    """
    root = ADJECTIVE_ENDING.sub("", stem.lower())
    candidates = [unit for unit in settlements if category in (None, unit.category)]
    scored = sorted(candidates, key=lambda unit: (-len(commonprefix([root, unit.name.lower()])),
                                                   "MXC".index(unit.category)))
    if not scored:
        return None
    matched = len(commonprefix([root, scored[0].name.lower()]))
    return scored[0] if matched >= 4 and matched >= min(len(root), len(scored[0].name)) - 2 else None


def build(codifier: Path, dream: Path) -> dict:
    """Level 1 in full; raions of the demo oblasts, and their hromadas that have DREAM projects."""
    units = read_codifier(codifier)
    children: dict[str, list] = {}
    for unit in units:
        children.setdefault(unit.parent_code, []).append(unit)
    # The codifier has no hromada type (міська, селищна, сільська); DREAM's full names do.
    dream_names = {h["katottg"]: h["name"] for h in json.loads(dream.read_text("utf-8"))["hromadas"]
                   if h["name"]}

    level1 = [{"code": u.code, "category": u.category, "name_uk": _level1_uk(u), "name_en": LEVEL1_EN[u.code]}
              for u in units if u.depth == 1]
    raions, hromadas = [], []
    for oblast in DEMO_OBLASTS:
        for raion in (unit for unit in children[oblast] if unit.category == "P"):
            towns = [s for h in children[raion.code] for s in children.get(h.code, []) if s.category == "M"]
            centre = find_centre(raion.name, towns)
            raions.append({"code": raion.code, "parent": oblast, "name_uk": f"{raion.name} район",
                           "name_en": f"{transliterate(centre.name if centre else raion.name)} Raion"})
            hromadas += [_hromada(h, children.get(h.code, []), dream_names[h.code])
                         for h in children[raion.code] if h.code in dream_names]
    return {"source": "KATOTTG edition 16.05.2025; hromada types from DREAM (dream-priorities.json)",
            "level1": level1, "raions": raions, "hromadas": hromadas}


def _level1_uk(unit) -> str:
    return f"{unit.name} область" if unit.category == "O" and " " not in unit.name else unit.name


def _hromada(hromada, settlements: list, dream_name: str) -> dict:
    kind_uk = next(word for word in HROMADA_TYPE if f" {word} " in dream_name)
    kind_en, centre_category = HROMADA_TYPE[kind_uk]
    centre = find_centre(hromada.name, settlements, centre_category)
    record = {"code": hromada.code, "parent": hromada.parent_code,
              "name_uk": f"{hromada.name} {kind_uk} територіальна громада",
              "name_en": f"{transliterate(centre.name if centre else hromada.name)} {kind_en} hromada"}
    if centre:
        record["centre"] = {"code": centre.code, "category": centre.category, "name_uk": centre.name,
                            "name_en": transliterate(centre.name)}
    return record


if __name__ == "__main__":
    result = build(Path(sys.argv[1]), Path(sys.argv[2]))
    target = Path(__file__).with_name("geography.json")
    target.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(  # noqa: T201  (a by-hand tool reports on the terminal)
        f"{target}: {len(result['level1'])} level-1 units, {len(result['raions'])} raions, "
          f"{len(result['hromadas'])} hromadas")

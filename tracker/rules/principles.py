"""The 12 OECD Principles on Effective Public Investment Across Levels of Government (2014), in 3 pillars."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pillar:
    code: str
    title_uk: str
    title_en: str
    principles: tuple[str, ...]


@dataclass(frozen=True)
class Principle:
    code: str
    pillar: str
    title_uk: str
    title_en: str


PILLARS: dict[str, Pillar] = {pillar.code: pillar for pillar in (
    Pillar("I", "Координація інвестицій між рівнями врядування та політиками",
           "Co-ordinate public investment across levels of government and policies", ("P1", "P2", "P3")),
    Pillar("II", "Зміцнення спроможності до публічних інвестицій і навчання на всіх рівнях врядування",
           "Strengthen capacities for public investment and promote policy learning at all levels of government",
           ("P4", "P5", "P6", "P7", "P8")),
    Pillar("III", "Належні рамкові умови для публічних інвестицій на всіх рівнях врядування",
           "Ensure proper framework conditions for public investment at all levels of government",
           ("P9", "P10", "P11", "P12")),
)}

_TITLES = (
    ("P1", "Інвестувати відповідно до інтегрованої стратегії, адаптованої до різних територій",
     "Invest using an integrated strategy tailored to different places"),
    ("P2", "Застосовувати дієві інструменти координації між національним і субнаціональними рівнями врядування",
     "Adopt effective instruments for co-ordinating across national and sub-national levels of government"),
    ("P3", ("Координуватися по горизонталі між субнаціональними органами влади, щоб інвестувати у відповідному "
           "масштабі"),
     "Co-ordinate horizontally among sub-national governments to invest at the relevant scale"),
    ("P4", "Заздалегідь оцінювати довгострокові наслідки та ризики публічних інвестицій",
     "Assess upfront the long-term impacts and risks of public investment"),
    ("P5", "Залучати заінтересовані сторони впродовж усього інвестиційного циклу",
     "Engage with stakeholders throughout the investment cycle"),
    ("P6", ("Залучати приватних партнерів і фінансові установи, щоб урізноманітнити джерела фінансування та "
           "посилити спроможність"),
     ("Mobilise private actors and financing institutions to diversify sources of funding and strengthen "
     "capacities")),
    ("P7", "Посилювати фаховість посадовців і установ, що займаються публічними інвестиціями",
     "Reinforce the expertise of public officials and institutions involved in public investment"),
    ("P8", "Орієнтуватися на результати та вчитися на досвіді",
     "Focus on results and promote learning from experience"),
    ("P9", "Розбудовувати бюджетну систему, що відповідає поставленим цілям",
     "Develop a fiscal framework adapted to the objectives pursued"),
    ("P10", "Вимагати належного й прозорого управління фінансами на всіх рівнях врядування",
     "Require sound and transparent financial management at all levels of government"),
    ("P11", "Сприяти прозорості та стратегічному використанню публічних закупівель на всіх рівнях врядування",
     "Promote transparency and strategic use of public procurement at all levels of government"),
    ("P12", "Прагнути якості та узгодженості регуляторних систем на всіх рівнях врядування",
     "Strive for quality and consistency in regulatory systems across levels of government"),
)

PRINCIPLES: dict[str, Principle] = {
    code: Principle(code, next(p.code for p in PILLARS.values() if code in p.principles), uk, en)
    for code, uk, en in _TITLES
}

"""The OECD scorecard: per principle and pillar, the share of applicable rules that pass.

Applicable means outcome pass or fail. Errors (missing data) are counted apart and lower no share,
so a project with little data shows "unknown" rather than "bad". A rule citing several principles
counts once for each, and once per pillar even if it cites two principles of that pillar.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .evaluate import Outcome, RuleResult, RuleSetResult
from .principles import PILLARS, PRINCIPLES


@dataclass(frozen=True)
class Score:
    code: str
    title_uk: str
    title_en: str
    passed: int
    failed: int
    errors: int

    @property
    def applicable(self) -> int:
        return self.passed + self.failed

    @property
    def share(self) -> Decimal | None:
        """Passed / applicable, rounded to 4 places; None when nothing applied."""
        if not self.applicable:
            return None
        return (Decimal(self.passed) / self.applicable).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    def to_dict(self) -> dict:
        share = self.share
        return {"code": self.code, "title_uk": self.title_uk, "title_en": self.title_en, "passed": self.passed,
                "failed": self.failed, "errors": self.errors, "applicable": self.applicable,
                "share": str(share) if share is not None else None}


@dataclass(frozen=True)
class Scorecard:
    principles: tuple[Score, ...]
    pillars: tuple[Score, ...]

    def principle(self, code: str) -> Score:
        return next(score for score in self.principles if score.code == code)

    def pillar(self, code: str) -> Score:
        return next(score for score in self.pillars if score.code == code)

    def to_dict(self) -> dict:
        return {"principles": [score.to_dict() for score in self.principles],
                "pillars": [score.to_dict() for score in self.pillars]}


def build_scorecard(results: Iterable[RuleResult | RuleSetResult]) -> Scorecard:
    """Scorecard of rule results for one project or many (pass every project's results)."""
    flat = [item for result in results
            for item in (result.results if isinstance(result, RuleSetResult) else (result,))]
    principles = tuple(_score(code, PRINCIPLES[code].title_uk, PRINCIPLES[code].title_en, flat,
                              lambda cited, code=code: code in cited) for code in PRINCIPLES)
    pillars = tuple(_score(pillar.code, pillar.title_uk, pillar.title_en, flat,
                           lambda cited, wanted=pillar.principles: any(code in wanted for code in cited))
                    for pillar in PILLARS.values())
    return Scorecard(principles, pillars)


def _score(code: str, title_uk: str, title_en: str, results: list[RuleResult], cites) -> Score:
    counts = {Outcome.PASS: 0, Outcome.FAIL: 0, Outcome.ERROR: 0}
    for result in results:
        if result.outcome in counts and cites(result.principles):
            counts[result.outcome] += 1
    return Score(code, title_uk, title_en, counts[Outcome.PASS], counts[Outcome.FAIL], counts[Outcome.ERROR])


#: (passed, failed, errors) of one principle or pillar.
Counts = tuple[int, int, int]


def score_counts(scorecard: Scorecard) -> dict[str, Counts]:
    """The scorecard as counts by code (``P1``…``P12`` and the pillars ``I``…``III``), for storing narrowly."""
    return {score.code: (score.passed, score.failed, score.errors)
            for score in (*scorecard.principles, *scorecard.pillars)}


def scorecard_from_counts(counts: Mapping[str, Counts]) -> Scorecard:
    """The scorecard whose counts are ``counts`` (codes absent count zero).

    Counts add up across projects, so the sum of many projects' ``score_counts`` gives the same scorecard as
    ``build_scorecard`` over all their results: aggregates are summed in SQL instead of rebuilt from results.
    """
    def score(code: str, title_uk: str, title_en: str) -> Score:
        passed, failed, errors = counts.get(code, (0, 0, 0))
        return Score(code, title_uk, title_en, int(passed), int(failed), int(errors))

    return Scorecard(tuple(score(code, p.title_uk, p.title_en) for code, p in PRINCIPLES.items()),
                     tuple(score(p.code, p.title_uk, p.title_en) for p in PILLARS.values()))

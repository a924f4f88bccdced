"""Stage gates: may a project move into a stage, given its rule results evaluated *at that stage*?

A rule with ``gate: S`` guards the move into S. When such a rule does not pass:
 - a blocker that fails stops the move;
 - a blocker whose outcome is error (missing data) or pending (no auditor mark yet) stops it too,
   because compliance is not shown — listed apart so the page can ask for the data;
 - warnings and infos never stop the move; they are listed to be shown.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .evaluate import Outcome, RuleResult, RuleSetResult
from .model import Severity

_NOT_PASSING = (Outcome.FAIL, Outcome.ERROR, Outcome.PENDING)


@dataclass(frozen=True)
class GateCheck:
    target: str
    blockers: tuple[RuleResult, ...]  # blocker rules that fail
    unresolved: tuple[RuleResult, ...]  # blocker rules whose outcome is error or pending
    warnings: tuple[RuleResult, ...]  # warning and info rules of the gate that do not pass

    @property
    def allowed(self) -> bool:
        return not self.blockers and not self.unresolved

    def to_dict(self) -> dict:
        return {"target": self.target, "allowed": self.allowed,
                "blockers": [item.to_dict() for item in self.blockers],
                "unresolved": [item.to_dict() for item in self.unresolved],
                "warnings": [item.to_dict() for item in self.warnings]}


def check_gate(results: Iterable[RuleSetResult], target: str) -> GateCheck:
    """The gate into ``target``; ``results`` must come from evaluate(..., stage=target)."""
    gated = [item for result in results for item in result.results
             if item.gate == target and item.outcome in _NOT_PASSING]
    blockers = tuple(item for item in gated if item.severity == Severity.BLOCKER and item.outcome is Outcome.FAIL)
    unresolved = tuple(item for item in gated if item.severity == Severity.BLOCKER
                       and item.outcome is not Outcome.FAIL)
    warnings = tuple(item for item in gated if item.severity != Severity.BLOCKER)
    return GateCheck(target, blockers, unresolved, warnings)

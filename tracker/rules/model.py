"""Compiled rule sets: what the loader builds and the evaluator reads. Immutable once built."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .types import ValueType

if TYPE_CHECKING:
    from .conditions import Condition
    from .templates import Template


class Severity(StrEnum):
    BLOCKER = "blocker"  # a failure stops the stage move the rule guards
    WARNING = "warning"
    INFO = "info"


class Kind(StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"  # no condition: an auditor marks it passed or failed


#: The tags a rule may carry, each with what it means; ``vidnova rules check`` refuses any other.
RULE_TAGS: dict[str, str] = {
    "red_flag": "an integrity red flag (Open Contracting Partnership): auditors' portfolios rank projects by them",
}


@dataclass(frozen=True)
class Parameter:
    """A named value a condition reads as ``{param: name}``; settings and authorities may change it."""

    name: str
    type: ValueType
    default: Any


@dataclass(frozen=True)
class Explanation:
    """What a person reads when the rule passes or fails, in Ukrainian and English."""

    pass_uk: Template
    pass_en: Template
    fail_uk: Template
    fail_en: Template


@dataclass(frozen=True)
class Rule:
    id: str
    title_uk: str
    title_en: str
    principles: tuple[str, ...]
    standards: tuple[str, ...]
    stages: tuple[str, ...]
    gate: str | None
    severity: Severity
    kind: Kind
    parameters: Mapping[str, Parameter]
    applies_if: Condition | None
    condition: Condition | None
    explain: Explanation
    line: int | None = None
    #: What the rule is, for behaviour to key on (never on titles): see ``RULE_TAGS``.
    tags: tuple[str, ...] = ()

    def defaults(self) -> dict[str, Any]:
        """A fresh dict of the parameters' defaults (callers may not change the parameters' own)."""
        if not self.parameters:
            return {}
        return {name: parameter.default for name, parameter in self.parameters.items()}


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    title_uk: str
    title_en: str
    source: str
    description_uk: str | None
    description_en: str | None
    rules: tuple[Rule, ...]
    path: str
    sha256: str
    _by_id: Mapping[str, Rule] = field(default_factory=dict, repr=False, compare=False)
    #: The file's bytes (whose sha256 is ``sha256``): what an archive keeps to reproduce old evaluations.
    text: bytes = field(default=b"", repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {rule.id: rule for rule in self.rules})

    def rule(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

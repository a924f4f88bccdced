"""Evaluating a rule set against one project's facts: a pure function returning storable results."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .conditions import NodeResult
from .expressions import Context
from .model import Kind, Rule, RuleSet
from .parameters import ResolvedParameters, resolve_parameters
from .templates import ValueLabel
from .types import jsonable
from .vocabulary import VOCABULARY, NormalisedFacts, normalise_facts


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105  (an outcome, not a password)
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"  # other stage, switched off, or applies_if is false
    ERROR = "error"  # a fact the rule needs is missing (or of the wrong type)
    PENDING = "pending"  # a manual rule no auditor has marked yet


_GENERIC = {
    Outcome.ERROR: ("Бракує даних: {missing}.", "Missing data: {missing}."),
    Outcome.NOT_APPLICABLE: ("Правило не застосовується: {reason}.", "The rule does not apply: {reason}."),
    Outcome.PENDING: ("Очікує позначки аудитора.", "Awaiting an auditor's mark."),
}
_REASONS = {
    "stage": ("не на цьому етапі", "not at this stage"),
    "disabled": ("вимкнено налаштуваннями", "switched off by settings"),
    "applies_if": ("умова застосування не виконана", "its applicability condition is not met"),
}


_NOT_APPLICABLE_TEXT = {
    reason: (_GENERIC[Outcome.NOT_APPLICABLE][0].format(reason=uk),
             _GENERIC[Outcome.NOT_APPLICABLE][1].format(reason=en))
    for reason, (uk, en) in _REASONS.items()
}


class Explanation:
    """A result's explanation in both languages, rendered the first time it is read.

    Most results are stored and counted without anyone reading their text (pages render a stored evaluation
    again when shown), and rendering both languages was a fifth of evaluation time. Equal when the texts are.
    """

    __slots__ = ("_render", "_texts")

    def __init__(self, render: Callable[[], tuple[str, str]] | None = None, texts: tuple[str, str] | None = None):
        self._render, self._texts = render, texts

    def texts(self) -> tuple[str, str]:
        if self._texts is None:
            assert self._render is not None  # noqa: S101  (one of the two is always given)
            self._texts, self._render = self._render(), None
        return self._texts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Explanation) and self.texts() == other.texts()

    def __hash__(self) -> int:
        return hash(self.texts())

    def __repr__(self) -> str:
        return f"Explanation{self.texts()!r}"


@dataclass(slots=True)
class RuleResult:
    """The outcome of one rule for one project, with the evaluated trees that explain it.

    Read-only by convention (not frozen, for speed: see NodeResult).
    """

    rule_id: str
    rule_set_id: str
    outcome: Outcome
    severity: str
    gate: str | None
    principles: tuple[str, ...]
    standards: tuple[str, ...]
    title_uk: str
    title_en: str
    explanation: Explanation
    parameters: Mapping[str, Any]
    reason: str | None = None  # why not_applicable: "stage", "disabled" or "applies_if"
    applies_if: NodeResult | None = None
    condition: NodeResult | None = None
    missing: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def explanation_uk(self) -> str:
        return self.explanation.texts()[0]

    @property
    def explanation_en(self) -> str:
        return self.explanation.texts()[1]

    def to_dict(self) -> dict:
        return {
            "rule_id": self.rule_id, "rule_set_id": self.rule_set_id, "outcome": self.outcome.value,
            "severity": self.severity, "gate": self.gate, "principles": list(self.principles),
            "standards": list(self.standards), "title_uk": self.title_uk, "title_en": self.title_en,
            "explanation_uk": self.explanation_uk, "explanation_en": self.explanation_en,
            "parameters": jsonable(dict(self.parameters)), "reason": self.reason,
            "applies_if": self.applies_if.to_dict() if self.applies_if else None,
            "condition": self.condition.to_dict() if self.condition else None,
            "missing": list(self.missing), "tags": list(self.tags),
        }


@dataclass(frozen=True)
class RuleSetResult:
    """Every rule's result for one project, with what identifies the rule set version used."""

    rule_set_id: str
    version: str
    sha256: str
    stage: str | None
    results: tuple[RuleResult, ...]
    fact_problems: tuple[str, ...] = ()
    overrides: tuple[dict, ...] = field(default=())

    def result(self, rule_id: str) -> RuleResult | None:
        return next((item for item in self.results if item.rule_id == rule_id), None)

    def to_dict(self) -> dict:
        return {"rule_set_id": self.rule_set_id, "version": self.version, "sha256": self.sha256,
                "stage": self.stage, "fact_problems": list(self.fact_problems),
                "overrides": list(self.overrides), "results": [item.to_dict() for item in self.results]}


def evaluate(rule_set: RuleSet, facts: Mapping[str, Any] | NormalisedFacts, *, stage: str | None = None,
             parameters: ResolvedParameters | None = None,
             manual_marks: Mapping[str, bool] | None = None, trees: bool = True,
             labels: ValueLabel | None = None) -> RuleSetResult:
    """Check every rule of ``rule_set`` against ``facts`` (nested mapping, see vocabulary, or the
    result of ``normalise_facts`` when several rule sets check the same project).

    ``stage`` is the project's stage (None: ignore stages); ``parameters`` come from
    resolve_parameters (None: the defaults); ``manual_marks`` holds auditors' verdicts by rule id.
    ``trees=False`` decides each outcome without building the explaining trees (``applies_if`` and
    ``condition`` are then None; outcomes, reasons, explanations and missing facts are the same): for
    evaluations that are stored and counted, whose trees are built again when shown.
    ``labels`` words the codes an explanation quotes (a sector, a stage) for readers; without it they show as codes.
    Never raises for missing or ill-typed facts: those make the rule's outcome ``error``.
    """
    parameters = parameters or resolve_parameters(rule_set)
    normalised = normalise_facts(facts)
    marks = manual_marks or {}
    step_result = _evaluate_step if trees else _decide_step
    results = tuple(step_result(step, normalised, stage, marks, labels) for step in _plan(rule_set, parameters))
    return RuleSetResult(rule_set.id, rule_set.version, rule_set.sha256, stage, results, normalised.problems,
                         tuple(item.to_dict() for item in parameters.overrides))


@dataclass(frozen=True)
class _Step:
    """One rule with what does not change from project to project: its parameter values, whether it
    is switched on, and its ready-made not-applicable results (shared: results are read-only)."""

    rule_set_id: str
    rule: Rule
    values: Mapping[str, Any]
    enabled: bool
    other_stage: RuleResult
    disabled: RuleResult


_PLANS: dict[tuple[int, int], tuple[tuple[_Step, ...], RuleSet, ResolvedParameters]] = {}


def _plan(rule_set: RuleSet, parameters: ResolvedParameters) -> tuple[_Step, ...]:
    """The steps of ``rule_set`` under ``parameters``, built once per pair and reused for every project."""
    key = (id(rule_set), id(parameters))
    cached = _PLANS.get(key)
    if cached is not None and cached[1] is rule_set and cached[2] is parameters:
        return cached[0]
    steps = []
    for rule in rule_set.rules:
        values = parameters.for_rule(rule.id) or rule.defaults()
        steps.append(_Step(rule_set.id, rule, values, parameters.enabled(rule.id),
                           _not_applicable(rule_set.id, rule, values, "stage"),
                           _not_applicable(rule_set.id, rule, values, "disabled")))
    if len(_PLANS) > 256:  # parameters are resolved per authority chain; keep the cache bounded
        _PLANS.clear()
    # The objects are kept in the entry so that their ids cannot be reused while it lives.
    _PLANS[key] = (tuple(steps), rule_set, parameters)
    return _PLANS[key][0]


def _settled(step: _Step, stage: str | None) -> RuleResult | None:
    """The ready-made result of a rule of another stage or switched off; None when the rule is checked."""
    if stage is not None and stage not in step.rule.stages:
        return step.other_stage
    return None if step.enabled else step.disabled


def _evaluate_step(step: _Step, facts: NormalisedFacts, stage: str | None,
                   marks: Mapping[str, bool], labels: ValueLabel | None = None) -> RuleResult:
    if (settled := _settled(step, stage)) is not None:
        return settled
    rule, values = step.rule, step.values
    ctx = Context(facts, values)
    applies = rule.applies_if.evaluate(ctx) if rule.applies_if else None
    # A rule that does not apply is not checked: its condition tree would be work nobody reads (pages show
    # applicable results only). When applicability is unknown the condition is still evaluated, so the error
    # lists every fact the rule needs, not only those of its applicability.
    does_not_apply = applies is not None and applies.passed is False
    condition = rule.condition.evaluate(ctx) if rule.condition and not does_not_apply else None
    outcome, reason = _outcome(rule, applies, condition, marks)
    missing: tuple[str, ...] = ()
    if outcome is Outcome.ERROR:  # only an error lists what is missing; skip the tree walk otherwise
        missing = tuple(dict.fromkeys([*(applies.missing_facts() if applies else []),
                                       *(condition.missing_facts() if condition else [])]))
    explanation = Explanation(lambda: _explain(rule, outcome, reason, missing, facts, values, labels))
    return RuleResult(rule.id, step.rule_set_id, outcome, rule.severity, rule.gate, rule.principles,
                      rule.standards, rule.title_uk, rule.title_en, explanation, values, reason, applies,
                      condition, missing, rule.tags)


def _decide_step(step: _Step, facts: NormalisedFacts, stage: str | None,
                 marks: Mapping[str, bool], labels: ValueLabel | None = None) -> RuleResult:
    """``_evaluate_step``'s outcome without its trees; an unknown outcome (an error) takes the full step,
    which lists every missing fact."""
    if (settled := _settled(step, stage)) is not None:
        return settled
    rule, values = step.rule, step.values
    ctx = Context(facts, values)
    reason: str | None = None
    applies = rule.applies_if.truth(ctx) if rule.applies_if else True
    if applies is None:
        return _evaluate_step(step, facts, stage, marks, labels)
    if applies is False:
        outcome, reason = Outcome.NOT_APPLICABLE, "applies_if"
    elif rule.kind is Kind.MANUAL:
        outcome = _manual_outcome(rule, marks)
    else:
        assert rule.condition is not None  # noqa: S101  (automatic rules always have one: checked at load)
        passed = rule.condition.truth(ctx)
        if passed is None:
            return _evaluate_step(step, facts, stage, marks, labels)
        outcome = Outcome.PASS if passed else Outcome.FAIL
    explanation = Explanation(lambda: _explain(rule, outcome, reason, (), facts, values, labels))
    return RuleResult(rule.id, step.rule_set_id, outcome, rule.severity, rule.gate, rule.principles,
                      rule.standards, rule.title_uk, rule.title_en, explanation, values, reason, tags=rule.tags)


def _not_applicable(rule_set_id: str, rule: Rule, values: Mapping[str, Any], reason: str) -> RuleResult:
    """The common case of a rule of another stage: nothing to evaluate, a fixed explanation."""
    return RuleResult(rule.id, rule_set_id, Outcome.NOT_APPLICABLE, rule.severity, rule.gate,
                      rule.principles, rule.standards, rule.title_uk, rule.title_en,
                      Explanation(texts=_NOT_APPLICABLE_TEXT[reason]), values, reason, tags=rule.tags)


def _outcome(rule: Rule, applies: NodeResult | None, condition: NodeResult | None,
             marks: Mapping[str, bool]) -> tuple[Outcome, str | None]:
    if applies is not None:
        if applies.passed is None:
            return Outcome.ERROR, None
        if not applies.passed:
            return Outcome.NOT_APPLICABLE, "applies_if"
    if rule.kind is Kind.MANUAL:
        return _manual_outcome(rule, marks), None
    assert condition is not None  # noqa: S101  (automatic rules always have one: checked at load; for mypy)
    if condition.passed is None:
        return Outcome.ERROR, None
    return (Outcome.PASS if condition.passed else Outcome.FAIL), None


def _manual_outcome(rule: Rule, marks: Mapping[str, bool]) -> Outcome:
    """An auditor's verdict on a manual rule, pending until one is given."""
    mark = marks.get(rule.id)
    return Outcome.PENDING if mark is None else (Outcome.PASS if mark else Outcome.FAIL)


def _explain(rule: Rule, outcome: Outcome, reason: str | None, missing: tuple[str, ...],
             facts: NormalisedFacts, values: Mapping[str, Any], labels: ValueLabel | None) -> tuple[str, str]:
    if outcome in (Outcome.PASS, Outcome.FAIL):
        uk, en = ((rule.explain.pass_uk, rule.explain.pass_en) if outcome is Outcome.PASS
                  else (rule.explain.fail_uk, rule.explain.fail_en))
        return uk.render(facts, values, "uk", labels), en.render(facts, values, "en", labels)
    reason_uk, reason_en = _REASONS.get(reason or "", ("", ""))
    template_uk, template_en = _GENERIC[outcome]
    return (template_uk.format(missing=_fact_titles(missing, "uk"), reason=reason_uk),
            template_en.format(missing=_fact_titles(missing, "en"), reason=reason_en))


def _fact_titles(names: tuple[str, ...], lang: str) -> str:
    """The missing facts as a reader knows them ("Budget total"), not by their names in the vocabulary."""
    titles = []
    for name in names:
        fact = VOCABULARY.get(name)
        titles.append(name if fact is None else (fact.title_uk if lang == "uk" else fact.title_en))
    return ", ".join(dict.fromkeys(titles))

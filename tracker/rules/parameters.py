"""Effective rule parameters: rule defaults < deployment settings < authority overrides (top down).

Every layer has the shape ``{rule_set_id or rule_id: {parameter: value, "enabled": bool}}``. A rule
set key sets the parameter on every rule of the set that declares it; a rule key wins over its rule
set's key within the same layer. Later layers win, so an oblast's override holds for its subtree
unless a hromada below it overrides it again.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ParameterError
from .model import Rule, RuleSet
from .types import coerce_scalar, jsonable

Layer = Mapping[str, Mapping[str, Any]]
ENABLED = "enabled"
_NOT_DECLARED = object()  # a set-wide key for a parameter this rule does not have


@dataclass(frozen=True)
class AppliedOverride:
    """One value in force that is not the rule's default, and who set it."""

    rule_id: str
    name: str  # a parameter name, or "enabled"
    value: Any
    default: Any
    source: str  # "settings" or the authority's label
    scope: str  # the key it was set under: the rule id or the rule set id

    def to_dict(self) -> dict:
        return {key: jsonable(getattr(self, key)) for key in ("rule_id", "name", "value", "default", "source",
                                                              "scope")}


@dataclass(frozen=True)
class ResolvedParameters:
    """The parameters each rule runs with, which rules are switched off, and the overrides in force."""

    rule_set_id: str
    values: Mapping[str, Mapping[str, Any]]
    disabled: frozenset[str]
    overrides: tuple[AppliedOverride, ...]

    def for_rule(self, rule_id: str) -> Mapping[str, Any]:
        return self.values.get(rule_id, {})

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def to_dict(self) -> dict:
        return {"rule_set_id": self.rule_set_id, "values": jsonable(dict(self.values)),
                "disabled": sorted(self.disabled), "overrides": [item.to_dict() for item in self.overrides]}


def resolve_parameters(rule_set: RuleSet, settings: Layer | None = None,
                       authorities: Sequence[tuple[str, Layer]] = ()) -> ResolvedParameters:
    """Apply ``settings`` then each ``(authority label, overrides)`` pair, from the top of the hierarchy down.

    Keys naming other rule sets are ignored (one settings file serves every set); a parameter a rule
    does not declare, or a value of the wrong type, raises ParameterError.
    """
    layers = [("settings", settings or {}), *authorities]
    winners: dict[tuple[str, str], AppliedOverride] = {}
    for source, layer in layers:
        for rule in rule_set.rules:
            # the rule set's key first, so the rule's own key in the same layer wins
            for scope in (rule_set.id, rule.id):
                for name, raw in (layer.get(scope) or {}).items():
                    value = _checked(rule, name, raw, source, scope, rule_set)
                    if value is not _NOT_DECLARED:
                        default = True if name == ENABLED else rule.parameters[name].default
                        winners[(rule.id, name)] = AppliedOverride(rule.id, name, value, default, source, scope)
        _check_scope_names(rule_set, layer, source)
    values = {rule.id: rule.defaults() for rule in rule_set.rules}
    disabled = set()
    for (rule_id, name), override in winners.items():
        if name == ENABLED:
            if override.value is False:
                disabled.add(rule_id)
        else:
            values[rule_id][name] = override.value
    in_force = tuple(item for item in winners.values() if item.value != item.default)
    return ResolvedParameters(rule_set.id, values, frozenset(disabled), in_force)


def parameters_from_overrides(rule_set: RuleSet, overrides: Sequence[Mapping[str, Any]]) -> ResolvedParameters:
    """The parameters an evaluation ran with, rebuilt from the overrides it recorded (``AppliedOverride.to_dict``).

    The overrides in force are exactly the values that differ from the defaults, so they and the rule set
    determine every value: what reproduces a stored evaluation without the settings of its day.
    """
    values = {rule.id: rule.defaults() for rule in rule_set.rules}
    disabled = set()
    applied = []
    for item in overrides:
        rule = rule_set.rule(item["rule_id"])
        if rule is None:
            raise ParameterError(f"{rule_set.id} has no rule {item['rule_id']}")
        name, raw = item["name"], item["value"]
        if name == ENABLED:
            value = bool(raw)
            if value is False:
                disabled.add(rule.id)
        else:
            value = _checked(rule, name, raw, item.get("source", "stored"), rule.id, rule_set)
            values[rule.id][name] = value
        applied.append(AppliedOverride(rule.id, name, value, item.get("default"), item.get("source", ""),
                                       item.get("scope", rule.id)))
    return ResolvedParameters(rule_set.id, values, frozenset(disabled), tuple(applied))


def _checked(rule: Rule, name: str, raw: Any, source: str, scope: str, rule_set: RuleSet) -> Any:
    if name == ENABLED:
        if not isinstance(raw, bool):
            raise ParameterError(f"{source}: {scope}.enabled must be true or false, not {raw!r}")
        return raw
    parameter = rule.parameters.get(name)
    if parameter is None:
        if scope == rule_set.id:  # a set-wide value only concerns the rules that declare it
            return _NOT_DECLARED
        raise ParameterError(f"{source}: rule {scope} has no parameter {name!r}")
    try:
        return coerce_scalar(parameter.type, raw)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{source}: {scope}.{name} must be {parameter.type.value}: {exc}") from None


def _check_scope_names(rule_set: RuleSet, layer: Layer, source: str) -> None:
    """A set-wide parameter that no rule of the set declares is a typo, not a no-op."""
    declared = {name for rule in rule_set.rules for name in rule.parameters} | {ENABLED}
    unknown = set(layer.get(rule_set.id) or {}) - declared
    if unknown:
        raise ParameterError(f"{source}: no rule of {rule_set.id} has parameter(s) {', '.join(sorted(unknown))}")


def check_settings(rule_sets: Mapping[str, RuleSet], settings: Layer, source: str = "settings") -> list[str]:
    """Problems in a settings mapping against every loaded rule set: unknown keys and bad values."""
    known = set(rule_sets) | {rule.id for rule_set in rule_sets.values() for rule in rule_set.rules}
    problems = [f"{source}: unknown rule set or rule id {key!r}" for key in settings if key not in known]
    for rule_set in rule_sets.values():
        try:
            resolve_parameters(rule_set, settings={key: settings[key] for key in settings if key in known})
        except ParameterError as exc:
            problems.append(str(exc))
    return problems

"""The rule-file format: which keys a rule set and a rule take, and building Rule objects from them.

Validation is hand-written so each message can say, in plain words, what is wrong and where.
Each rule stops at its first problem, so one mistake gives one error.
"""
from __future__ import annotations

import re
from enum import Enum
from typing import Any

from .conditions import compile_condition, new_scope
from .errors import CompileError
from .model import RULE_TAGS, Explanation, Kind, Parameter, Rule, Severity
from .principles import PRINCIPLES
from .templates import compile_template
from .types import PARAMETER_TYPES, ValueType, coerce_scalar
from .vocabulary import STAGES
from .yaml_lines import LineDict

RULE_SET_KEYS = {"id", "version", "title_uk", "title_en", "source", "description_uk", "description_en",
                 "defaults", "rules"}
REQUIRED_RULE_SET_KEYS = ("id", "version", "title_uk", "title_en", "source", "rules")
RULE_KEYS = {"id", "title_uk", "title_en", "principles", "standard", "stages", "gate", "severity", "kind",
             "parameters", "applies_if", "condition", "explain", "tags"}
DEFAULTABLE_KEYS = {"severity", "stages", "gate", "kind"}
EXPLAIN_KEYS = ("pass_uk", "pass_en", "fail_uk", "fail_en")
RULE_SET_ID = re.compile(r"[a-z][a-z0-9_]{1,62}")
RULE_ID = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+")


def line_of(node: Any, fallback: int | None = None) -> int | None:
    return getattr(node, "line", fallback)


def check_rule_set_header(doc: Any) -> None:
    """The rule set's own keys; CompileError on the first problem."""
    if not isinstance(doc, dict):
        raise CompileError("a rule set file must be a mapping with id, version, titles, source and rules", 1)
    line = line_of(doc, 1)
    unknown = sorted(map(str, set(doc) - RULE_SET_KEYS))
    if unknown:
        raise CompileError(f"unknown key(s) {', '.join(unknown)}; a rule set takes {', '.join(sorted(RULE_SET_KEYS))}",
                           line)
    for key in REQUIRED_RULE_SET_KEYS:
        if key not in doc:
            raise CompileError(f"the rule set has no '{key}'", line)
    if not isinstance(doc["id"], str) or not RULE_SET_ID.fullmatch(doc["id"]):
        raise CompileError(f"rule set id {doc['id']!r} must be lower_snake_case", line)
    if not isinstance(doc["version"], str):
        raise CompileError("version must be text: quote it, e.g. version: \"1.0\"", line)
    for key in ("title_uk", "title_en", "source"):
        _text(doc, key, line)
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict) or set(defaults) - DEFAULTABLE_KEYS:
        raise CompileError(f"defaults may only set {', '.join(sorted(DEFAULTABLE_KEYS))}", line_of(defaults, line))
    if not isinstance(doc["rules"], list) or not doc["rules"]:
        raise CompileError("'rules' must be a non-empty list", line_of(doc["rules"], line))


def rule_id_of(node: Any) -> str | None:
    """The rule's id if it has a usable one, for error messages."""
    rule_id = node.get("id") if isinstance(node, dict) else None
    return rule_id if isinstance(rule_id, str) else None


def build_rule(node: Any, defaults: dict) -> Rule:
    """One rule mapping as a compiled Rule; CompileError names the line of the first problem."""
    line = line_of(node)
    if not isinstance(node, dict):
        raise CompileError("a rule must be a mapping", line)
    unknown = sorted(map(str, set(node) - RULE_KEYS))
    if unknown:
        raise CompileError(f"unknown key(s) {', '.join(unknown)}; a rule takes {', '.join(sorted(RULE_KEYS))}", line)
    merged = {**defaults, **node}
    rule_id = merged.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise CompileError(f"rule id {rule_id!r} must look like OECD-P5-01 (capitals, digits, dashes)", line)
    kind = _choice(merged, "kind", Kind, line, default=Kind.AUTOMATIC)
    severity = _choice(merged, "severity", Severity, line)
    principles, standards = _citations(merged, line)
    gate, stages = _stages(merged, line)
    if severity is Severity.BLOCKER and gate is None:
        raise CompileError("a blocker needs a gate: the stage move it stops when it fails", line)
    parameters = _parameters(merged.get("parameters", {}), line)
    scope = new_scope(parameters)
    applies_if = compile_condition(merged["applies_if"], scope) if "applies_if" in merged else None
    condition = _condition(merged, kind, scope, line)
    return Rule(
        id=rule_id, title_uk=_text(merged, "title_uk", line), title_en=_text(merged, "title_en", line),
        principles=principles, standards=standards, stages=stages, gate=gate, severity=severity, kind=kind,
        parameters=parameters, applies_if=applies_if, condition=condition,
        explain=_explanation(merged.get("explain"), parameters, line), line=line, tags=_tags(merged, line),
    )


def _tags(node: dict, line: int | None) -> tuple[str, ...]:
    tags = _string_list(node, "tags", line)
    unknown = [tag for tag in tags if tag not in RULE_TAGS]
    if unknown:
        raise CompileError(f"unknown tag(s) {', '.join(unknown)}; a rule may be tagged {', '.join(sorted(RULE_TAGS))}",
                           line_of(node.get("tags"), line))
    return tags


def _text(node: dict, key: str, line: int | None) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CompileError(f"'{key}' must be non-empty text", line)
    return value.strip()


def _choice(node: dict, key: str, choices: type[Enum], line: int | None, default: Any = None) -> Any:
    if key not in node and default is not None:
        return default
    try:
        return choices(node.get(key))
    except ValueError:
        raise CompileError(f"'{key}' must be one of {', '.join(choice.value for choice in choices)}; "
                           f"found {node.get(key)!r}", line) from None


def _string_list(node: dict, key: str, line: int | None) -> tuple[str, ...]:
    value = node.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise CompileError(f"'{key}' must be a list of text", line_of(value, line))
    if len(set(value)) != len(value):
        raise CompileError(f"'{key}' lists a value twice", line_of(value, line))
    return tuple(value)


def _citations(node: dict, line: int | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    principles = _string_list(node, "principles", line)
    unknown = [code for code in principles if code not in PRINCIPLES]
    if unknown:
        raise CompileError(f"unknown principle(s) {', '.join(unknown)}; use P1 … P12", line)
    standards = _string_list(node, "standard", line)
    if not principles and not standards:
        raise CompileError("a rule must cite its source: 'principles' (P1…P12) and/or 'standard'", line)
    return principles, standards


def _stages(node: dict, line: int | None) -> tuple[str | None, tuple[str, ...]]:
    """The gate a rule guards, and the stages it is in force at (default: the gate's stage onwards)."""
    gate = node.get("gate")
    if gate is not None and gate not in STAGES[1:]:
        raise CompileError(f"gate {gate!r} must be a stage a project moves into: {', '.join(STAGES[1:])}", line)
    if "stages" not in node:
        return gate, STAGES[STAGES.index(gate):] if gate else STAGES
    stages = _string_list(node, "stages", line)
    unknown = [stage for stage in stages if stage not in STAGES]
    if not stages or unknown:
        raise CompileError(f"stages must be a non-empty list of {', '.join(STAGES)}", line)
    if gate is not None and gate not in stages:
        raise CompileError(f"the gate {gate!r} must be one of the rule's stages", line)
    return gate, tuple(stage for stage in STAGES if stage in stages)


def _parameters(node: Any, line: int | None) -> dict[str, Parameter]:
    line = line_of(node, line)
    if not isinstance(node, dict):
        raise CompileError("'parameters' must map names to {type, default}", line)
    parameters = {}
    for name, spec in node.items():
        spec_line = line_of(spec, line)
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name == "enabled":
            raise CompileError(f"parameter name {name!r} must be lower_snake_case (and not 'enabled')", spec_line)
        if not isinstance(spec, dict) or set(spec) != {"type", "default"}:
            raise CompileError(f"parameter {name!r} needs exactly 'type' and 'default'", spec_line)
        kind = spec["type"]
        if kind not in PARAMETER_TYPES:
            raise CompileError(f"parameter {name!r} type must be one of {', '.join(sorted(PARAMETER_TYPES))}",
                               spec_line)
        try:
            default = coerce_scalar(ValueType(kind), spec["default"])
        except (TypeError, ValueError) as exc:
            raise CompileError(f"parameter {name!r} default: {exc}", spec_line) from None
        parameters[name] = Parameter(name, ValueType(kind), default)
    return parameters


def _condition(node: dict, kind: Kind, scope: Any, line: int | None) -> Any:
    if kind is Kind.MANUAL:
        if "condition" in node:
            raise CompileError("a manual rule has no condition: an auditor marks it", line)
        return None
    if "condition" not in node:
        raise CompileError("an automatic rule needs a 'condition'", line)
    return compile_condition(node["condition"], scope)


def _explanation(node: Any, parameters: dict[str, Parameter], line: int | None) -> Explanation:
    line = line_of(node, line)
    if not isinstance(node, LineDict) or set(node) != set(EXPLAIN_KEYS):
        raise CompileError(f"'explain' needs exactly {', '.join(EXPLAIN_KEYS)}", line)
    return Explanation(*(compile_template(node[key], parameters, node.line_of(key)) for key in EXPLAIN_KEYS))

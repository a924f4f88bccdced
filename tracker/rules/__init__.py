"""The governance rules engine: pure Python (no Flask, no database).

Rule sets are YAML files (see governance_rules/README.md) compiled against a typed fact vocabulary;
``evaluate`` checks one project's facts and returns results that explain every leaf.
"""
from .errors import ParameterError, RuleError, RuleLoadError
from .evaluate import Outcome, RuleResult, RuleSetResult, evaluate
from .gates import GateCheck, check_gate
from .loader import load_rule_set, load_rule_set_files, load_rule_sets, load_settings_file, parse_rule_set
from .model import RULE_TAGS, Kind, Parameter, Rule, RuleSet, Severity
from .parameters import (
    AppliedOverride,
    ResolvedParameters,
    check_settings,
    parameters_from_overrides,
    resolve_parameters,
)
from .principles import PILLARS, PRINCIPLES, Pillar, Principle
from .registry import RuleRegistry
from .scorecard import Score, Scorecard, build_scorecard, score_counts, scorecard_from_counts
from .templates import ValueLabel
from .vocabulary import STAGES, VOCABULARY, Fact, normalise_facts, render_vocabulary

__all__ = [
    "ValueLabel",
    "PILLARS",
    "PRINCIPLES",
    "STAGES",
    "VOCABULARY",
    "AppliedOverride",
    "Fact",
    "GateCheck",
    "Kind",
    "Outcome",
    "Parameter",
    "ParameterError",
    "Pillar",
    "Principle",
    "ResolvedParameters",
    "RULE_TAGS",
    "Rule",
    "RuleError",
    "RuleLoadError",
    "RuleRegistry",
    "RuleResult",
    "RuleSet",
    "RuleSetResult",
    "Score",
    "Scorecard",
    "Severity",
    "build_scorecard",
    "score_counts",
    "scorecard_from_counts",
    "check_gate",
    "check_settings",
    "evaluate",
    "load_rule_set",
    "load_rule_set_files",
    "load_rule_sets",
    "load_settings_file",
    "normalise_facts",
    "parameters_from_overrides",
    "parse_rule_set",
    "render_vocabulary",
    "resolve_parameters",
]

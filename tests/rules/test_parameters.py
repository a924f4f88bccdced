"""Parameter precedence: default < settings < authority overrides from the top of the hierarchy down."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.rules.rule_cases import rule_set_from
from tracker.rules import Outcome, ParameterError, check_settings, evaluate, resolve_parameters

RULES = """\
  - id: T-01
    title_uk: т
    title_en: t
    principles: [P4]
    severity: warning
    parameters:
      large_project: {type: money, default: 10000000}
      min_days: {type: integer, default: 14}
    condition: {fact: planning.budget.total, lt: {param: large_project}}
    explain: {pass_uk: так, pass_en: 'yes', fail_uk: ні, fail_en: 'no'}
  - id: T-02
    title_uk: т
    title_en: t
    principles: [P4]
    severity: warning
    parameters:
      large_project: {type: money, default: 10000000}
    condition: {fact: planning.budget.total, lt: {param: large_project}}
    explain: {pass_uk: так, pass_en: 'yes', fail_uk: ні, fail_en: 'no'}
"""
RULE_SET = rule_set_from(RULES)


def test_defaults_when_nothing_overrides():
    resolved = resolve_parameters(RULE_SET)
    assert resolved.for_rule("T-01") == {"large_project": Decimal(10000000), "min_days": 14}
    assert resolved.overrides == ()


def test_settings_then_oblast_then_hromada():
    resolved = resolve_parameters(
        RULE_SET,
        settings={"test_set": {"large_project": 5000000}, "T-01": {"min_days": 21}},
        authorities=[("Kharkiv oblast", {"T-01": {"large_project": 8000000}, "T-02": {"enabled": False}}),
                     ("Izium hromada", {"T-01": {"large_project": "7500000.00"}})],
    )
    assert resolved.for_rule("T-01") == {"large_project": Decimal("7500000.00"), "min_days": 21}
    assert resolved.for_rule("T-02") == {"large_project": Decimal(5000000)}
    assert not resolved.enabled("T-02") and resolved.enabled("T-01")
    in_force = {(item.rule_id, item.name): (item.source, item.scope) for item in resolved.overrides}
    assert in_force == {
        ("T-01", "large_project"): ("Izium hromada", "T-01"),
        ("T-01", "min_days"): ("settings", "T-01"),
        ("T-02", "large_project"): ("settings", "test_set"),
        ("T-02", "enabled"): ("Kharkiv oblast", "T-02"),
    }
    assert resolved.to_dict()["disabled"] == ["T-02"]


def test_a_rule_key_wins_over_its_set_key_in_the_same_layer():
    resolved = resolve_parameters(RULE_SET, settings={"T-01": {"min_days": 30}, "test_set": {"min_days": 7}})
    assert resolved.for_rule("T-01")["min_days"] == 30


def test_a_deeper_authority_may_switch_a_rule_back_on():
    resolved = resolve_parameters(RULE_SET, authorities=[("oblast", {"test_set": {"enabled": False}}),
                                                         ("hromada", {"T-01": {"enabled": True}})])
    assert resolved.enabled("T-01") and not resolved.enabled("T-02")


def test_evaluation_uses_the_resolved_values():
    facts = {"planning": {"budget": {"total": 9000000}}}
    assert evaluate(RULE_SET, facts).results[0].outcome is Outcome.PASS
    lowered = resolve_parameters(RULE_SET, authorities=[("oblast", {"T-01": {"large_project": 1}})])
    result = evaluate(RULE_SET, facts, parameters=lowered)
    assert [item.outcome for item in result.results] == [Outcome.FAIL, Outcome.PASS]
    assert result.to_dict()["overrides"][0]["source"] == "oblast"
    off = resolve_parameters(RULE_SET, settings={"T-01": {"enabled": False}})
    assert evaluate(RULE_SET, facts, parameters=off).results[0].reason == "disabled"


@pytest.mark.parametrize(("layer", "fragment"), [
    ({"T-01": {"min_days": "two weeks"}}, "T-01.min_days must be integer"),
    ({"T-01": {"min_days": True}}, "T-01.min_days must be integer"),
    ({"T-01": {"nope": 1}}, "rule T-01 has no parameter 'nope'"),
    ({"T-01": {"enabled": "no"}}, "T-01.enabled must be true or false"),
    ({"test_set": {"nope": 1}}, "no rule of test_set has parameter(s) nope"),
])
def test_bad_override_values_are_refused(layer, fragment):
    with pytest.raises(ParameterError, match="oblast: .*") as caught:
        resolve_parameters(RULE_SET, authorities=[("oblast", layer)])
    assert fragment in str(caught.value)


def test_check_settings_reports_unknown_ids_and_bad_values():
    problems = check_settings({"test_set": RULE_SET}, {"T-99": {"x": 1}, "T-01": {"min_days": "x"}})
    assert problems[0] == "settings: unknown rule set or rule id 'T-99'"
    assert "T-01.min_days" in problems[1]

"""Explanations quote facts and parameters, in Ukrainian and English."""
from __future__ import annotations

from tests.rules.rule_cases import rule_set_from
from tracker.rules import Outcome, evaluate, resolve_parameters
from tracker.rules.templates import format_value

RULE = """\
  - id: T-01
    title_uk: т
    title_en: t
    principles: [P9]
    severity: warning
    parameters:
      least: {type: money, default: 1500000}
    condition: {fact: planning.budget.total, ge: {param: least}}
    explain:
      pass_uk: "Бюджет {fact:planning.budget.total} не менший за {param:least} грн."
      pass_en: "Budget {fact:planning.budget.total} is at least UAH {param:least}."
      fail_uk: "Бюджет {fact:planning.budget.total} менший за {param:least} грн;
        рішення {fact:planning.council_decision.date}."
      fail_en: "Budget {fact:planning.budget.total} is below UAH {param:least} {{sic}}."
"""


def test_pass_explanations_quote_facts_and_parameters():
    result = evaluate(rule_set_from(RULE), {"planning": {"budget": {"total": "2000000.5"}}}).results[0]
    assert result.outcome is Outcome.PASS
    assert result.explanation_uk == "Бюджет 2\u202f000\u202f000,50 грн не менший за 1\u202f500\u202f000 грн."
    assert result.explanation_en == "Budget UAH 2,000,000.50 is at least UAH 1,500,000."


def test_fail_explanations_show_missing_facts_as_a_dash_and_literal_braces():
    result = evaluate(rule_set_from(RULE), {"planning": {"budget": {"total": 10}}}).results[0]
    assert result.explanation_uk == "Бюджет 10,00 грн менший за 1\u202f500\u202f000 грн; рішення —."
    assert result.explanation_en == "Budget UAH 10.00 is below UAH 1,500,000 {sic}."


def test_explanations_use_the_effective_parameters():
    rule_set = rule_set_from(RULE)
    parameters = resolve_parameters(rule_set, settings={"T-01": {"least": 20}})
    result = evaluate(rule_set, {"planning": {"budget": {"total": 10}}}, parameters=parameters).results[0]
    assert result.explanation_en == "Budget UAH 10.00 is below UAH 20 {sic}."


def test_error_and_not_applicable_explanations():
    staged = RULE.replace("    severity: warning\n", "    severity: warning\n    stages: [completed]\n")
    rule_set = rule_set_from(staged)
    missing = evaluate(rule_set, {}).results[0]
    assert missing.explanation_en == "Missing data: planning.budget.total."
    assert missing.explanation_uk == "Бракує даних: planning.budget.total."
    other_stage = evaluate(rule_set, {}, stage="planning").results[0]
    assert other_stage.outcome is Outcome.NOT_APPLICABLE
    assert other_stage.explanation_en == "The rule does not apply: not at this stage."


def test_format_value():
    assert format_value(True, "uk") == "так"
    assert format_value(False, "en") == "no"
    assert format_value(None, "en") == "—"

"""Every operator and node kind: pass, fail and unknown, with the explanation tree."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.rules.rule_cases import one_rule
from tracker.rules import Outcome, evaluate
from tracker.rules.conditions import kleene_all, kleene_any, kleene_not

CONTRACTS = [
    {"subject": "works", "price": Decimal("100"), "tenderers": 1, "signed_date": date(2024, 1, 1)},
    {"subject": "goods", "price": Decimal("50"), "tenderers": 3, "signed_date": date(2024, 3, 1)},
]


def run(condition: str, facts: dict, parameters: str = "", applies_if: str = ""):
    rule_set = one_rule(condition, parameters, applies_if)
    return evaluate(rule_set, facts).results[0]


@pytest.mark.parametrize(("condition", "passing", "failing"), [
    ("{fact: needs.beneficiaries, eq: 10}", 10, 11),
    ("{fact: needs.beneficiaries, ne: 10}", 11, 10),
    ("{fact: needs.beneficiaries, lt: 10}", 9, 10),
    ("{fact: needs.beneficiaries, le: 10}", 10, 11),
    ("{fact: needs.beneficiaries, gt: 10}", 11, 10),
    ("{fact: needs.beneficiaries, ge: 10}", 10, 9),
    ("{fact: needs.beneficiaries, in: [1, 10]}", 10, 2),
    ("{fact: needs.beneficiaries, not_in: [1, 10]}", 2, 10),
])
def test_comparisons(condition, passing, failing):
    assert run(condition, {"needs": {"beneficiaries": passing}}).outcome is Outcome.PASS
    assert run(condition, {"needs": {"beneficiaries": failing}}).outcome is Outcome.FAIL
    unknown = run(condition, {})
    assert unknown.outcome is Outcome.ERROR
    assert unknown.missing == ("needs.beneficiaries",)
    assert unknown.condition.passed is None


def test_leaf_explains_expected_and_actual():
    result = run("{fact: needs.beneficiaries, ge: {param: least}}", {"needs": {"beneficiaries": 3}},
                 parameters="least: {type: integer, default: 5}\n")
    leaf = result.condition.to_dict()
    assert leaf == {"kind": "leaf", "text": "needs.beneficiaries ge {param:least}", "passed": False, "op": "ge",
                    "expected": 5, "actual": 3}


def test_money_compares_with_numbers_and_accepts_strings_and_uah_mappings():
    condition = "{fact: planning.budget.total, ge: 1500000}"
    assert run(condition, {"planning": {"budget": {"total": "1500000.00"}}}).outcome is Outcome.PASS
    assert run(condition, {"planning": {"budget": {"total": {"amount": 1, "currency": "UAH"}}}}).outcome \
        is Outcome.FAIL
    foreign = evaluate(one_rule(condition), {"planning": {"budget": {"total": {"amount": 9e9, "currency": "EUR"}}}})
    assert foreign.results[0].outcome is Outcome.ERROR
    assert "UAH" in foreign.fact_problems[0]


def test_enumeration_membership():
    condition = "{fact: planning.consequence_class, in: [CC2, CC3]}"
    assert run(condition, {"planning": {"consequence_class": "CC3"}}).outcome is Outcome.PASS
    assert run(condition, {"planning": {"consequence_class": "CC1"}}).outcome is Outcome.FAIL


def test_regex_matches_the_whole_value():
    condition = r"{fact: identification.location_code, matches: 'UA\d{17}'}"
    assert run(condition, {"identification": {"location_code": "UA63000000000041885"}}).outcome is Outcome.PASS
    assert run(condition, {"identification": {"location_code": "UA63000000000041885x"}}).outcome is Outcome.FAIL
    assert run(condition, {}).outcome is Outcome.ERROR


def test_is_set_is_never_unknown():
    condition = "{fact: needs.strategy_ref, is_set: true}"
    assert run(condition, {"needs": {"strategy_ref": "S"}}).outcome is Outcome.PASS
    assert run(condition, {"needs": {"strategy_ref": "  "}}).outcome is Outcome.FAIL
    assert run(condition, {}).outcome is Outcome.FAIL
    assert run("{fact: planning.permits, is_set: true}", {"planning": {"permits": []}}).outcome is Outcome.FAIL
    assert run("{fact: needs.strategy_ref, is_set: false}", {}).outcome is Outcome.PASS


def test_days_between():
    condition = """\
value: {days_between: [{fact: planning.consultation.start_date}, {fact: planning.consultation.end_date}]}
ge: 14
"""
    facts = {"planning": {"consultation": {"start_date": "2025-01-01", "end_date": date(2025, 1, 15)}}}
    assert run(condition, facts).outcome is Outcome.PASS
    facts["planning"]["consultation"]["end_date"] = date(2025, 1, 10)
    assert run(condition, facts).outcome is Outcome.FAIL
    result = run(condition, {"planning": {"consultation": {"start_date": date(2025, 1, 1)}}})
    assert result.outcome is Outcome.ERROR
    assert result.missing == ("planning.consultation.end_date",)


@pytest.mark.parametrize(("expression", "expected"), [
    ("{sum: implementation.contracts.price}", Decimal("150")),
    ("{count: implementation.contracts}", 2),
    ("{min: implementation.contracts.price}", Decimal("50")),
    ("{max: implementation.contracts.signed_date}", date(2024, 3, 1)),
    ("{distinct: implementation.contracts.subject}", 2),
    ("{count: implementation.contracts, where: {field: tenderers, le: 1}}", 1),
    ("{sum: implementation.contracts.price, where: {field: subject, eq: works}}", Decimal("100")),
])
def test_aggregates(expression, expected):
    result = run(f"value: {expression}\neq: {{param: expected}}\n", {"implementation": {"contracts": CONTRACTS}},
                 parameters=f"expected: {{type: {_type(expected)}, default: {expected}}}\n")
    assert result.condition.actual == expected
    assert result.outcome is Outcome.PASS


def _type(value) -> str:
    return "date" if isinstance(value, date) else "integer" if isinstance(value, int) else "money"


def test_aggregate_over_missing_or_empty_lists():
    condition = "value: {sum: implementation.contracts.price}\nle: 10\n"
    assert run(condition, {}).outcome is Outcome.ERROR
    assert run(condition, {"implementation": {"contracts": []}}).outcome is Outcome.PASS
    no_price = run(condition, {"implementation": {"contracts": [{"subject": "works"}]}})
    assert no_price.outcome is Outcome.ERROR
    assert no_price.missing == ("implementation.contracts[0].price",)
    assert run("value: {min: implementation.contracts.price}\nle: 10\n",
               {"implementation": {"contracts": []}}).outcome is Outcome.ERROR


def test_sum_compared_with_sum():
    condition = "value: {sum: implementation.disbursements.amount}\nle: {sum: planning.funding.committed}\n"
    facts = {"implementation": {"disbursements": [{"amount": 5}, {"amount": 6}]},
             "planning": {"funding": [{"committed": 10}, {"committed": 2}]}}
    assert run(condition, facts).outcome is Outcome.PASS
    facts["planning"]["funding"].pop()
    assert run(condition, facts).outcome is Outcome.FAIL


def test_ratio_and_percent_change():
    facts = {"planning": {"budget": {"total": 150}}, "needs": {"estimated_cost": 100}}
    ratio = "value: {ratio: [{fact: planning.budget.total}, {fact: needs.estimated_cost}]}\nle: 1.5\n"
    change = "value: {percent_change: [{fact: needs.estimated_cost}, {fact: planning.budget.total}]}\nle: 10\n"
    assert run(ratio, facts).outcome is Outcome.PASS
    assert run(change, facts).outcome is Outcome.FAIL
    assert run(change, facts).condition.actual == Decimal(50)
    facts["needs"]["estimated_cost"] = 0
    by_zero = run(ratio, facts)
    assert by_zero.outcome is Outcome.ERROR
    assert "division by zero" in by_zero.missing[0]


def test_every_and_some_with_where():
    every = "every:\n  list: implementation.contracts\n  where: {field: subject, eq: works}\n" \
            "  check: {field: tenderers, ge: 2}\n"
    some = "some:\n  list: implementation.contracts\n  check: {field: tenderers, ge: 3}\n"
    facts = {"implementation": {"contracts": CONTRACTS}}
    assert run(every, facts).outcome is Outcome.FAIL
    assert run(some, facts).outcome is Outcome.PASS
    assert [item["passed"] for item in run(every, facts).condition.to_dict()["children"]] == [False, True]
    assert run(every, {"implementation": {"contracts": []}}).outcome is Outcome.PASS
    assert run(some, {"implementation": {"contracts": []}}).outcome is Outcome.FAIL
    assert run(every, {}).outcome is Outcome.ERROR


def test_field_compared_with_a_project_fact():
    condition = """\
every:
  list: implementation.contracts
  check:
    value: {days_between: [{fact: planning.council_decision.date}, {field: signed_date}]}
    ge: 0
"""
    facts = {"implementation": {"contracts": CONTRACTS}, "planning": {"council_decision": {"date": date(2024, 2, 1)}}}
    result = run(condition, facts)
    assert result.outcome is Outcome.FAIL
    assert result.condition.children[0].passed is False


def test_all_any_not_follow_kleene_and_still_explain_every_leaf():
    all_of = "all:\n  - {fact: needs.beneficiaries, gt: 100}\n  - {fact: needs.strategy_ref, matches: 'S.*'}\n"
    any_of = "any:\n  - {fact: needs.beneficiaries, gt: 1}\n  - {fact: needs.strategy_ref, matches: 'S.*'}\n"
    facts = {"needs": {"beneficiaries": 5}}
    failed = run(all_of, facts)
    assert failed.outcome is Outcome.FAIL  # all(False, unknown) is False
    assert [child.passed for child in failed.condition.children] == [False, None]
    assert run(any_of, facts).outcome is Outcome.PASS  # any(True, unknown) is True
    assert run("all:\n  - {fact: needs.beneficiaries, gt: 1}\n  - {fact: needs.strategy_ref, matches: 'S'}\n",
               facts).outcome is Outcome.ERROR
    assert run("not: {fact: needs.beneficiaries, gt: 100}\n", facts).outcome is Outcome.PASS
    assert run("not: {fact: needs.strategy_ref, matches: 'S'}\n", facts).outcome is Outcome.ERROR


def test_kleene_tables():
    assert kleene_all([True, None]) is None and kleene_all([False, None]) is False
    assert kleene_any([False, None]) is None and kleene_any([True, None]) is True
    assert kleene_not(None) is None and kleene_not(True) is False


def test_applies_if():
    condition = "{fact: planning.expert_review.ref, is_set: true}"
    applies = "{fact: planning.consequence_class, in: [CC2, CC3]}"
    assert run(condition, {"planning": {"consequence_class": "CC1"}}, applies_if=applies).outcome \
        is Outcome.NOT_APPLICABLE
    assert run(condition, {"planning": {"consequence_class": "CC2"}}, applies_if=applies).outcome is Outcome.FAIL
    unknown = run(condition, {}, applies_if=applies)
    assert unknown.outcome is Outcome.ERROR
    assert unknown.missing == ("planning.consequence_class",)


def test_wrong_typed_fact_counts_as_missing_and_is_reported():
    result = evaluate(one_rule("{fact: needs.beneficiaries, gt: 1}"), {"needs": {"beneficiaries": "many"}})
    assert result.results[0].outcome is Outcome.ERROR
    assert result.fact_problems == ("needs.beneficiaries: 'many' is not a whole number",)

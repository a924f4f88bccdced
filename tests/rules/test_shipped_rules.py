"""Every shipped rule set loads, cites its sources, and every rule has a passing and a failing case."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.rules.rule_cases import FAILING, RULES_DIR, good_facts, mutated
from tracker.rules import PRINCIPLES, Kind, Outcome, evaluate, load_rule_sets

RULE_SETS = load_rule_sets(RULES_DIR)
RULES = {rule.id: (rule_set, rule) for rule_set in RULE_SETS.values() for rule in rule_set.rules}
MANUAL = {rule_id for rule_id, (_, rule) in RULES.items() if rule.kind is Kind.MANUAL}


def _outcome(rule_id: str, facts: dict, marks: dict | None = None) -> Outcome:
    rule_set, _ = RULES[rule_id]
    result = evaluate(rule_set, facts, manual_marks=marks).result(rule_id)
    assert result is not None
    return result.outcome


def test_the_four_shipped_sets_load():
    assert set(RULE_SETS) == {"oecd_principles", "cost_ids_disclosure", "ukraine_procurement", "data_quality"}


def test_every_principle_has_at_least_two_checks():
    cited = Counter(code for _, rule in RULES.values() if rule.id.startswith("OECD-") for code in rule.principles)
    assert {code: cited[code] for code in PRINCIPLES if cited[code] < 2} == {}


def test_cost_ids_has_exactly_the_forty_items():
    ids = [rule.id for rule in RULE_SETS["cost_ids_disclosure"].rules]
    assert ids == [f"COST-IDS-{n:02d}" for n in range(1, 41)]


def test_cost_items_are_due_at_their_stage():
    rules = {rule.id: rule for rule in RULE_SETS["cost_ids_disclosure"].rules}
    assert rules["COST-IDS-01"].stages[0] == "needs_assessment"
    assert rules["COST-IDS-14"].stages[0] == "planning"
    assert rules["COST-IDS-15"].stages[0] == "implementation"
    assert rules["COST-IDS-33"].stages[0] == "implementation"
    assert rules["COST-IDS-40"].stages == ("completed",)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_cites_its_source(rule_id):
    _, rule = RULES[rule_id]
    assert rule.standards, "every shipped rule names the text it comes from"


def test_every_automatic_rule_has_a_failing_case():
    assert set(RULES) - MANUAL == set(FAILING)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes_on_the_good_project(rule_id):
    assert _outcome(rule_id, good_facts(), {rule_id: True} if rule_id in MANUAL else None) is Outcome.PASS


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_fails_on_its_mutation(rule_id):
    if rule_id in MANUAL:
        assert _outcome(rule_id, good_facts(), {rule_id: False}) is Outcome.FAIL
        assert _outcome(rule_id, good_facts()) is Outcome.PENDING
    else:
        assert _outcome(rule_id, mutated(rule_id)) is Outcome.FAIL


@pytest.mark.parametrize("rule_set_id", sorted(RULE_SETS))
def test_results_are_json_serialisable_and_fact_problems_empty(rule_set_id):
    result = evaluate(RULE_SETS[rule_set_id], good_facts(), stage="completed")
    assert result.fact_problems == ()
    assert json.loads(json.dumps(result.to_dict()))["rule_set_id"] == rule_set_id


def test_empty_project_gives_errors_not_exceptions():
    for rule_set in RULE_SETS.values():
        outcomes = {item.outcome for item in evaluate(rule_set, {}).results}
        assert outcomes <= {Outcome.ERROR, Outcome.FAIL, Outcome.NOT_APPLICABLE, Outcome.PENDING}


def test_red_flags_are_tagged_and_nothing_keys_on_titles():
    """The shipped procurement red flags carry the tag; results carry it; a title alone makes no red flag."""
    rule_sets = load_rule_sets(RULES_DIR)
    tagged = {rule.id for rule_set in rule_sets.values() for rule in rule_set.rules if "red_flag" in rule.tags}
    assert tagged == {"UA-PROC-04", "UA-PROC-05", "UA-PROC-06", "UA-PROC-09", "OECD-P5-05"}
    procurement = rule_sets["ukraine_procurement"]
    result = evaluate(procurement, {}, stage=None)
    by_id = {item.rule_id: item for item in result.results}
    assert by_id["UA-PROC-04"].to_dict()["tags"] == ["red_flag"]
    assert by_id["UA-PROC-01"].to_dict()["tags"] == []

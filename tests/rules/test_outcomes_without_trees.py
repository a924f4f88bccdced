"""``evaluate(..., trees=False)`` decides exactly what the full evaluation decides, without the trees.

Checked on every shipped rule over the good project, each rule's failing mutation, facts half removed and no
facts at all, at every stage and with manual marks both ways: the same outcome, reason, explanation and missing
facts for every rule, and no tree.
"""
from __future__ import annotations

import copy

import pytest

from tests.rules.rule_cases import FAILING, RULES_DIR, good_facts, mutated, one_rule
from tracker.rules import Outcome, evaluate, load_rule_sets
from tracker.rules.vocabulary import normalise_facts

RULE_SETS = load_rule_sets(RULES_DIR)
STAGES = (None, "needs_assessment", "planning", "implementation", "completed")


def _thinned(facts: dict) -> dict:
    """Every other section and every other list record left out: many rules become unknown or vacuous."""
    thinned = copy.deepcopy(facts)
    for index, key in enumerate(sorted(thinned)):
        if index % 2:
            del thinned[key]
        elif isinstance(thinned[key], dict):
            for inner in list(thinned[key]):
                value = thinned[key][inner]
                if isinstance(value, list):
                    thinned[key][inner] = value[::2]
    return thinned


def _cases():
    yield "good", good_facts()
    yield "empty", {}
    yield "thinned", _thinned(good_facts())
    for rule_id in sorted(FAILING):
        yield f"failing {rule_id}", mutated(rule_id)


def _same(full, fast) -> None:
    assert [r.rule_id for r in fast.results] == [r.rule_id for r in full.results]
    for a, b in zip(full.results, fast.results, strict=True):
        assert (b.outcome, b.reason, b.missing, b.explanation_uk, b.explanation_en) == \
            (a.outcome, a.reason, a.missing, a.explanation_uk, a.explanation_en), a.rule_id
        assert b.condition is None and b.applies_if is None or b.outcome is Outcome.ERROR


@pytest.mark.parametrize("rule_set_id", sorted(RULE_SETS))
def test_every_shipped_rule_decides_the_same_without_its_trees(rule_set_id):
    rule_set = RULE_SETS[rule_set_id]
    marks_both_ways = ({}, {rule.id: True for rule in rule_set.rules}, {rule.id: False for rule in rule_set.rules})
    decided = 0
    for _name, facts in _cases():
        normalised = normalise_facts(facts)
        for stage in STAGES:
            for marks in marks_both_ways:
                full = evaluate(rule_set, normalised, stage=stage, manual_marks=marks)
                fast = evaluate(rule_set, normalised, stage=stage, manual_marks=marks, trees=False)
                _same(full, fast)
                decided += sum(1 for r in fast.results if r.outcome in (Outcome.PASS, Outcome.FAIL))
    assert decided > 0


@pytest.mark.parametrize(("condition", "facts"), [
    # Kleene's rules where a stop early would matter: a False or True that decides before an unknown.
    ("{all: [{fact: needs.beneficiaries, gt: 5}, {fact: needs.urgency, eq: high}]}", {"needs": {"beneficiaries": 1}}),
    ("{any: [{fact: needs.urgency, eq: high}, {fact: needs.beneficiaries, gt: 5}]}", {"needs": {"beneficiaries": 9}}),
    ("{not: {fact: needs.urgency, eq: high}}", {}),
    ("{every: {list: implementation.contracts, where: {field: subject, eq: works}, check: {field: tenderers, ge: 2}}}",
     {"implementation": {"contracts": [{"subject": "goods"}, {"subject": "works", "tenderers": 1},
                                       {"subject": "works"}]}}),
    ("{some: {list: implementation.contracts, check: {field: tenderers, ge: 2}}}",
     {"implementation": {"contracts": [{}, {"tenderers": 3}]}}),
    ("{some: {list: implementation.contracts, check: {field: tenderers, ge: 2}}}",
     {"implementation": {"contracts": []}}),
    ("{every: {list: implementation.contracts, check: {field: tenderers, ge: 2}}}", {"implementation": {}}),
])
def test_kleene_logic_stops_only_where_it_may(condition, facts):
    rule_set = one_rule(condition)
    _same(evaluate(rule_set, facts), evaluate(rule_set, facts, trees=False))

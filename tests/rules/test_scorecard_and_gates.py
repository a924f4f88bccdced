"""Scorecard figures per principle and pillar, and stage gate decisions."""
from __future__ import annotations

from decimal import Decimal

from tests.rules.rule_cases import RULES_DIR, good_facts, mutated, rule_set_from
from tracker.rules import build_scorecard, check_gate, evaluate, load_rule_sets

RULES = """\
  - id: T-01
    title_uk: т
    title_en: t
    principles: [P1, P2]
    severity: blocker
    gate: planning
    condition: {fact: needs.beneficiaries, gt: 0}
    explain: {pass_uk: так, pass_en: 'yes', fail_uk: ні, fail_en: 'no'}
  - id: T-02
    title_uk: т
    title_en: t
    principles: [P1]
    severity: warning
    gate: planning
    condition: {fact: needs.strategy_ref, matches: 'S.*'}
    explain: {pass_uk: так, pass_en: 'yes', fail_uk: ні, fail_en: 'no'}
  - id: T-03
    title_uk: т
    title_en: t
    principles: [P12]
    severity: blocker
    gate: planning
    condition: {fact: needs.hromadas_served, ge: 1}
    explain: {pass_uk: так, pass_en: 'yes', fail_uk: ні, fail_en: 'no'}
  - id: T-04
    title_uk: т
    title_en: t
    standard: [tests]
    severity: blocker
    gate: implementation
    condition: {fact: needs.urgency, eq: critical}
    explain: {pass_uk: так, pass_en: 'yes', fail_uk: ні, fail_en: 'no'}
"""
RULE_SET = rule_set_from(RULES)


def test_scorecard_shares_per_principle_and_pillar():
    projects = [
        evaluate(RULE_SET, {"needs": {"beneficiaries": 5, "strategy_ref": "S1", "hromadas_served": 1}}),
        evaluate(RULE_SET, {"needs": {"beneficiaries": 0, "strategy_ref": "X"}}),
    ]
    card = build_scorecard(projects)
    p1, p2, p12 = card.principle("P1"), card.principle("P2"), card.principle("P12")
    assert (p1.passed, p1.failed, p1.errors, p1.share) == (2, 2, 0, Decimal("0.5"))
    assert (p2.passed, p2.failed, p2.share) == (1, 1, Decimal("0.5"))
    assert (p12.passed, p12.failed, p12.errors, p12.share) == (1, 0, 1, Decimal(1))
    assert card.principle("P5").share is None
    pillar_one = card.pillar("I")
    assert (pillar_one.passed, pillar_one.failed) == (2, 2)  # T-01 cites P1 and P2 but counts once
    assert card.pillar("III").applicable == 1
    data = card.to_dict()
    assert data["principles"][0]["title_en"] == "Invest using an integrated strategy tailored to different places"
    assert data["principles"][0]["share"] == "0.5000"
    assert data["pillars"][1]["code"] == "II"


def test_gate_blocks_on_failing_blockers_and_lists_warnings():
    result = evaluate(RULE_SET, {"needs": {"beneficiaries": 0, "strategy_ref": "X"}}, stage="planning")
    gate = check_gate([result], "planning")
    assert not gate.allowed
    assert [item.rule_id for item in gate.blockers] == ["T-01"]
    assert [item.rule_id for item in gate.unresolved] == ["T-03"]  # missing data does not let a project through
    assert [item.rule_id for item in gate.warnings] == ["T-02"]
    assert gate.to_dict()["allowed"] is False


def test_gate_ignores_rules_of_other_gates():
    result = evaluate(RULE_SET, {"needs": {"beneficiaries": 1, "strategy_ref": "X", "hromadas_served": 1}},
                      stage="planning")
    gate = check_gate([result], "planning")
    assert gate.allowed and [item.rule_id for item in gate.warnings] == ["T-02"]
    assert check_gate([evaluate(RULE_SET, {}, stage="implementation")], "implementation").unresolved[0].rule_id \
        == "T-04"


def test_shipped_sets_gate_the_good_project_and_block_a_broken_one():
    rule_sets = load_rule_sets(RULES_DIR).values()
    good = [evaluate(rule_set, good_facts(), stage="implementation") for rule_set in rule_sets]
    assert check_gate(good, "implementation").allowed
    broken = [evaluate(rule_set, mutated("OECD-P9-01"), stage="implementation") for rule_set in rule_sets]
    assert {item.rule_id for item in check_gate(broken, "implementation").blockers} == {"OECD-P9-01"}

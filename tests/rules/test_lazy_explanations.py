"""Explanations are rendered when read, not when a rule set is evaluated, and read exactly as before."""
from __future__ import annotations

from tests.rules.rule_cases import one_rule
from tracker.rules import Outcome, evaluate
from tracker.rules import templates as rule_templates


def _counting(monkeypatch) -> list[str]:
    rendered: list[str] = []
    original = rule_templates.Template.render

    def render(self, facts, parameters, lang, label=None):
        rendered.append(lang)
        return original(self, facts, parameters, lang, label)

    monkeypatch.setattr(rule_templates.Template, "render", render)
    return rendered


def test_evaluating_renders_nothing_until_an_explanation_is_read(monkeypatch):
    rendered = _counting(monkeypatch)
    result = evaluate(one_rule("{fact: needs.beneficiaries, ge: 10}"), {"needs": {"beneficiaries": 12}}).results[0]
    assert result.outcome is Outcome.PASS and rendered == []
    assert (result.explanation_uk, result.explanation_en) == ("так", "yes")
    assert rendered == ["uk", "en"]
    assert result.to_dict()["explanation_en"] == "yes" and rendered == ["uk", "en"]  # rendered once, kept


def test_results_of_the_same_facts_are_equal_and_of_other_facts_differ_by_their_explanation():
    rule_set = one_rule("{fact: needs.beneficiaries, ge: 10}")
    first, again = (evaluate(rule_set, {"needs": {"beneficiaries": 12}}).results[0] for _ in range(2))
    failing = evaluate(rule_set, {"needs": {"beneficiaries": 3}}).results[0]
    assert first == again
    assert first.explanation != failing.explanation and failing.explanation_uk == "ні"


def test_errors_and_other_stages_explain_as_before():
    rule_set = one_rule("{fact: needs.beneficiaries, ge: 10}")
    missing = evaluate(rule_set, {}).results[0]
    assert (missing.outcome, missing.explanation_en) == (Outcome.ERROR, "Missing data: Beneficiaries.")
    other = evaluate(rule_set, {}, stage="no_such_stage").results[0]
    assert other.explanation_en == "The rule does not apply: not at this stage."

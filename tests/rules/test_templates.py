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
    # The missing fact by its title, as a reader knows it, not by its name in the vocabulary.
    assert missing.explanation_en == "Missing data: Total budget."
    assert "planning.budget.total" not in missing.explanation_uk and missing.explanation_uk.startswith("Бракує даних: ")
    other_stage = evaluate(rule_set, {}, stage="planning").results[0]
    assert other_stage.outcome is Outcome.NOT_APPLICABLE
    assert other_stage.explanation_en == "The rule does not apply: not at this stage."


def test_format_value():
    assert format_value(True, "uk") == "так"
    assert format_value(False, "en") == "no"
    assert format_value(None, "en") == "—"


CODED = """\
  - id: C-01
    title_uk: Сектор
    title_en: Sector
    principles: [P1]
    severity: warning
    condition: {fact: identification.sector, is_set: true}
    explain:
      pass_uk: "Оприлюднено: {fact:identification.sector}."
      pass_en: "Disclosed: {fact:identification.sector}."
      fail_uk: "Назва: {fact:identification.title}."
      fail_en: "Title: {fact:identification.title}."
"""


def test_a_quoted_code_is_worded_by_the_label_function_it_is_given():
    def labels(fact, value, lang):
        return {"uk": "освіта", "en": "education (sector)"}[lang] if fact == "identification.sector" else None

    facts = {"identification": {"sector": "education"}}
    plain = evaluate(rule_set_from(CODED), facts).results[0]
    worded = evaluate(rule_set_from(CODED), facts, labels=labels).results[0]
    assert plain.explanation_uk == "Оприлюднено: education."  # the engine alone knows no labels
    assert (worded.explanation_uk, worded.explanation_en) == ("Оприлюднено: освіта.", "Disclosed: education (sector).")
    assert worded.outcome is plain.outcome


def test_a_quoted_value_ending_a_sentence_takes_the_templates_full_stop():
    result = evaluate(rule_set_from(CODED), {"identification": {"title": "Школа № 1 вул. Сумська."}}).results[0]
    assert result.explanation_uk == "Назва: Школа № 1 вул. Сумська."
    dots = evaluate(rule_set_from(CODED), {"identification": {"title": "Та інше..."}}).results[0]
    assert dots.explanation_en == "Title: Та інше..."  # an ellipsis ends the sentence too

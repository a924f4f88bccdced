"""Template helpers for showing stored rule results, scorecards and gate checks."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask, current_app
from flask_babel import format_percent

from tracker.core.i18n import current_language, localized
from tracker.core.i18n import lazy_gettext as _l
from tracker.governance.fact_labels import fact_value_label
from tracker.governance.fixes import fix_links
from tracker.rules import PILLARS, PRINCIPLES, VOCABULARY

OUTCOME_LABELS = {
    "pass": _l("Passed"),
    "fail": _l("Failed"),
    "error": _l("Data missing"),
    "not_applicable": _l("Not applicable"),
    "pending": _l("Awaiting an auditor"),
}


def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


def share(value: Decimal | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0%")


def pillar_principles(code: str) -> tuple[str, ...]:
    return PILLARS[code].principles


def principle_title(code: str) -> str:
    principle = PRINCIPLES[code]
    return localized(principle, "title", current_language())


def rule_set_title(rule_set_id: str) -> str:
    rule_set = current_app.extensions["tracker.rules"].rule_sets.get(rule_set_id)
    if rule_set is None:
        return rule_set_id
    return localized(rule_set, "title", current_language())


def fact_title(name: str) -> str:
    """A fact as a reader knows it ("Sector (OC4IDS)"), not by its name in the rules' vocabulary."""
    fact = VOCABULARY.get(name)
    return name if fact is None else localized(fact, "title", current_language())


def fact_value(name: str, value: object) -> str:
    """A fact's value as a reader reads it: a code by its label."""
    if value is None:
        return "—"
    worded = fact_value_label(name, value, current_language()) if isinstance(value, str) else None
    return worded if worded is not None else str(value)


def evidence_value(leaf: dict, value: object) -> str:
    """An expected or found value of a checked condition (a leaf of the stored tree, whose text starts with the
    fact it reads): yes/no in words, a code by its label."""
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    fact = str(leaf.get("text") or "").split(" ", 1)[0]
    if isinstance(value, list):
        return ", ".join(fact_value(fact, item) for item in value)
    return fact_value(fact, value)


def init_app(app: Flask) -> None:
    for helper in (outcome_label, share, pillar_principles, principle_title, rule_set_title, fix_links, fact_title,
                   fact_value, evidence_value):
        app.add_template_global(helper)

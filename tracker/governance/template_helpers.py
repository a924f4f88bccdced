"""Template helpers for showing stored rule results, scorecards and gate checks."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask, current_app
from flask_babel import format_percent

from tracker.core.i18n import current_language, localized
from tracker.core.i18n import lazy_gettext as _l
from tracker.governance.fixes import fix_links
from tracker.rules import PILLARS, PRINCIPLES

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


def init_app(app: Flask) -> None:
    for helper in (outcome_label, share, pillar_principles, principle_title, rule_set_title, fix_links):
        app.add_template_global(helper)

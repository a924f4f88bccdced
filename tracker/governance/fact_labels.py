"""The codes the rules' explanations quote, in words: the label function the engine is given (``rules`` knows no
labels, they are the application's translations, ``core.labels``)."""
from __future__ import annotations

from flask_babel import force_locale

from tracker.core.labels import LABELS, label

#: The vocabulary of each fact whose value is a code (the subsector holds a sector's code too).
FACT_VOCABULARY = {
    "identification.sector": "sector", "identification.subsector": "sector",
    "identification.project_type": "project_type", "identification.purpose": "purpose",
    "identification.owner.level": "level", "needs.urgency": "urgency",
    "planning.consequence_class": "consequence_class", "completion.status": "project_status",
}


def fact_value_label(fact: str, value: str, lang: str) -> str | None:
    """``value`` of ``fact`` as a reader of ``lang`` reads it; None for a fact that is no code, or an unknown code."""
    vocabulary = FACT_VOCABULARY.get(fact)
    if vocabulary is None or value not in LABELS[vocabulary]:
        return None
    with force_locale(lang):
        return label(vocabulary, value)

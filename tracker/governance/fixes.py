"""Links from a rule result to the form fields that fix it (the facts its checks read)."""
from __future__ import annotations

import re

from flask import current_app, url_for

from tracker.core.i18n import localized
from tracker.rules import VOCABULARY

#: Where each section of facts is edited: an endpoint and its arguments besides the project reference.
SECTION_FORMS: dict[str, tuple[str, dict]] = {
    "identification": ("projects.edit", {}),
    "needs": ("planner.stage", {"section": "needs"}),
    "planning": ("planner.stage", {"section": "planning"}),
    "implementation": ("planner.stage", {"section": "implementation"}),
    "completion": ("planner.stage", {"section": "completion"}),
}
#: Facts derived from other records, with no field of their own to fix.
NOT_EDITABLE = frozenset({"identification.owner.name", "identification.owner.level"})
_FACT_NAME = re.compile(r"[a-z_]+(?:\.[a-z_]+)+")


def facts_read(result: dict) -> list[str]:
    """The vocabulary facts a stored result's checks read, in order of appearance."""
    found: dict[str, None] = {}

    def walk(node: dict | None) -> None:
        if not node:
            return
        for name in (*node.get("missing", ()), *_FACT_NAME.findall(node.get("text", ""))):
            base = name if name in VOCABULARY else _list_of(name)
            if base:
                found[base] = None
        for child in node.get("children", ()):
            walk(child)

    for name in result.get("missing", ()):
        found[name] = None
    walk(result.get("applies_if"))
    walk(result.get("condition"))
    return list(found)


def _list_of(name: str) -> str | None:
    """``planning.funding.committed`` → ``planning.funding`` when that is a list fact."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:cut])
        if prefix in VOCABULARY:
            return prefix
    return None


def fix_links(result: dict, reference: str, locale: str) -> list[tuple[str, str]]:
    """(label, url) for each fact the result reads whose form exists."""
    links = []
    for name in facts_read(result):
        section, _, rest = name.partition(".")
        target = SECTION_FORMS.get(section)
        if target is None or name in NOT_EDITABLE or target[0] not in current_app.view_functions:
            continue
        endpoint, arguments = target
        fact = VOCABULARY[name]
        label = localized(fact, "title", locale)
        # Form fields are named after the fact within its section: planning.council_decision.date
        # is the field council_decision_date of the planning form.
        anchor = rest.replace(".", "_")
        links.append((label, url_for(endpoint, reference=reference, **arguments) + "#" + anchor))
    return links

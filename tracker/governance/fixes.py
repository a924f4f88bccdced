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
#: Facts whose field is not named after the fact within its section, or that another page supplies:
#: the endpoint, its arguments besides the project reference, and the anchor of the field or list.
#: ``tests/governance/web/test_fix_links_walk.py`` follows every rule's links and finds the field there.
FACT_FORMS: dict[str, tuple[str, dict, str]] = {
    "identification.title": ("projects.edit", {}, "title_uk"),
    "identification.description": ("projects.edit", {}, "description_uk"),
    # The point is checked against the KATOTTG code: either may be what is wrong; the point comes first.
    "identification.location.check": ("projects.edit", {}, "latitude"),
    "completion.date": ("planner.stage", {"section": "completion"}, "completion_date"),
    "planning.funding": ("planner.stage", {"section": "planning"}, "items-funding"),
    "planning.permits": ("planner.stage", {"section": "planning"}, "items-permit"),
    "planning.indicators": ("planner.stage", {"section": "planning"}, "items-indicator"),
    "implementation.contracts": ("planner.stage", {"section": "implementation"}, "items-contract"),
    "implementation.disbursements": ("planner.stage", {"section": "implementation"}, "items-disbursement"),
    "implementation.milestones": ("planner.stage", {"section": "implementation"}, "items-milestone"),
    "implementation.physical_progress": ("planner.stage", {"section": "implementation"}, "items-observation"),
    # Partners join a project through a partnership (or an accepted offer).
    "planning.partners": ("partnerships.create", {"_project": True}, "organisation_ids"),
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
        # a list's field (implementation.contracts.tender_id) is fixed where the list is
        base = name if name in VOCABULARY else _list_of(name)
        if base:
            found[base] = None
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
        if name in NOT_EDITABLE:
            continue
        section, _, rest = name.partition(".")
        if name in FACT_FORMS:
            endpoint, arguments, anchor = FACT_FORMS[name]
        elif section in SECTION_FORMS:
            # Form fields are named after the fact within its section: planning.council_decision.date
            # is the field council_decision_date of the planning form.
            (endpoint, arguments), anchor = SECTION_FORMS[section], rest.replace(".", "_")
        else:
            continue
        if endpoint not in current_app.view_functions:
            continue
        if arguments.get("_project"):  # a page about something else, told which project it is for
            url = url_for(endpoint, project=reference)
        else:
            url = url_for(endpoint, reference=reference, **arguments)
        links.append((localized(VOCABULARY[name], "title", locale), url + "#" + anchor))
    return links

"""Every fact an automatic rule reads can be supplied where the rule's "fix here" link leads."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import yaml

from tracker.governance.fixes import fix_links
from tracker.rules import VOCABULARY

RULES = Path(__file__).resolve().parents[3] / "governance_rules"


def _facts_read(node, facts: set[str], within: str | None = None) -> None:
    """The vocabulary facts a rule's condition reads; a list's fields (``field:`` inside ``list:``) as
    ``list.field``."""
    if isinstance(node, dict):
        inner = node.get("list") if isinstance(node.get("list"), str) else within
        for key, value in node.items():
            if key == "field" and isinstance(value, str) and inner:
                facts.add(f"{inner}.{value}")
            _facts_read(value, facts, inner)
    elif isinstance(node, list):
        for value in node:
            _facts_read(value, facts, within)
    elif isinstance(node, str):
        if node in VOCABULARY:
            facts.add(node)
        elif (parts := node.split(".")) and len(parts) > 2 and ".".join(parts[:2]) in VOCABULARY:
            facts.add(node)


def automatic_rule_facts() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(RULES.glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            if rule.get("kind") == "manual":
                continue
            for key in ("condition", "applies_if"):
                facts: set[str] = set()
                _facts_read(rule.get(key), facts)
                for fact in facts:
                    found.setdefault(fact, set()).add(rule["id"])
    return found


#: Facts no planner's form supplies, and why.
NOT_FROM_A_FORM = {
    "citizens.appeals_overdue": "citizens' questions and complaints, answered on the project's voice pages",
    "citizens.corruption_complaints_overdue": "citizens' complaints, answered on the project's voice pages",
    "identification.owner.name": "the owning authority's name, from the authority register",
}
#: A list field supplied under another name, or by another item (its kind) than the list's own.
SUPPLIED_AS = {
    "planning.funding.committed": (None, "amount_committed"),
    "planning.funding.disbursed": (None, "amount_disbursed"),
    "planning.funding.level": (None, "source"),  # the level that pays follows from the source
    "planning.funding.financier": (None, "financier_organisation_id"),
    "planning.partners": (None, "organisation_ids"),
    "planning.partners.name": (None, "organisation_ids"),
    "planning.partners.role": (None, "role"),
    "planning.partners.country": (None, "organisation_ids"),  # each partner's own country
    "implementation.physical_progress": (None, "physical_percent"),  # the latest observation
    "implementation.contracts.original_price": (None, "signed_price"),
    "implementation.contracts.price": (None, "signed_price"),  # the signed price plus the variations
    "implementation.contracts.price_variation": ("variation", "price_change"),
    "implementation.contracts.duration_variation_days": ("variation", "duration_change_days"),
    "implementation.contracts.price_change_reason": ("variation", "reason"),
    "implementation.contracts.scope_changed": ("variation", "scope_changed"),
    "implementation.contracts.scope_duration_change_reason": ("variation", "reason"),
    "implementation.disbursements.date": (None, "paid_on"),
}


class _Page(HTMLParser):
    """Each element id with the form controls (their names) and links inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.controls: dict[str, set[str]] = {}
        self.links: dict[str, set[str]] = {}
        self.control_ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        element_id = attributes.get("id")
        if tag in ("input", "select", "textarea"):
            if element_id:
                self.control_ids.add(element_id)
            for _tag, open_id in self.open + [(tag, element_id)]:
                if open_id:
                    self.controls.setdefault(open_id, set()).add(attributes.get("name") or "")
        if tag == "a" and attributes.get("href"):
            for _tag, open_id in self.open:
                if open_id:
                    self.links.setdefault(open_id, set()).add(attributes["href"])
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.open.append((tag, element_id))
        if element_id:
            self.controls.setdefault(element_id, set())

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return


def _page(client, url: str) -> _Page:
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = _Page()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def _list_of(fact: str) -> str | None:
    parts = fact.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 and ".".join(parts[:2]) in VOCABULARY else None


def test_every_fact_an_automatic_rule_reads_has_a_field_where_its_fix_link_leads(app, client, world, login):
    login(world.kharkiv_planner)
    facts = automatic_rule_facts()
    assert len(facts) > 60  # the shipped rules read this many facts; an empty walk proves nothing
    unsupplied = []
    for fact, rules in sorted(facts.items()):
        if fact in NOT_FROM_A_FORM:
            continue
        with app.test_request_context():
            links = fix_links({"missing": [fact]}, world.school.reference, "en")
        if not links:
            unsupplied.append(f"{fact} ({', '.join(sorted(rules))}): no fix link")
            continue
        [(_label, link)] = links
        url, _, anchor = link.partition("#")
        page = _page(client, url)
        if anchor not in page.controls:
            unsupplied.append(f"{fact}: {url} has no element #{anchor}")
            continue
        listed = _list_of(fact) or (fact if getattr(VOCABULARY[fact], "fields", ()) else None)
        if anchor in page.control_ids:
            # The anchor is a field of a form about the item itself (a partnership's partners): the fact's
            # field is on the same form.
            control = SUPPLIED_AS.get(fact, (None, anchor))[1]
            if control not in {name for names in page.controls.values() for name in names}:
                unsupplied.append(f"{fact}: {url} has no field {control!r}")
            continue
        if listed is None and not anchor.startswith("items-"):
            # A single fact: the anchor holds its control.
            if not page.controls[anchor] - {""}:
                unsupplied.append(f"{fact}: #{anchor} on {url} is not a form field")
            continue
        # A list (or a fact read from one): its section links to the form adding an item, which has the field.
        default = fact.rpartition(".")[2] if fact != listed and listed else None
        kind, control = SUPPLIED_AS.get(fact, (None, default))
        item_forms = sorted(href for href in page.links.get(anchor, ()) if "/items/" in href and href.endswith("/new"))
        if kind:
            item_forms = [href.rsplit("/", 2)[0] + f"/{kind}/new" for href in item_forms[:1]]
        if not item_forms:
            unsupplied.append(f"{fact}: #{anchor} on {url} offers no form to add an item")
            continue
        if control is None:
            continue
        form = _page(client, item_forms[0])
        if control not in {name for names in form.controls.values() for name in names}:
            unsupplied.append(f"{fact} ({', '.join(sorted(rules))}): {item_forms[0]} has no field {control!r}")
    assert not unsupplied, "\n".join(unsupplied)

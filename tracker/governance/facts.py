"""The one function that turns projects into the facts the rules read (see tracker/rules/vocabulary.py).

Bulk by design: the facts of any number of projects are read in a fixed number of queries, because
the whole portfolio is re-evaluated at once and a benchmark measures exactly this.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from tracker.core import geo
from tracker.core.models import Authority, Organisation
from tracker.core.vocab import FundingSource
from tracker.projects.models import FundingLine, Project, ProjectParty

ToUah = Callable[[Any, str], Any]
#: Facts a feature above governance contributes (citizens' voice): (session, project ids) -> {id: nested facts},
#: in a fixed number of queries for any number of projects. Registered by the feature, so governance imports none.
FactSource = Callable[[Session, list[int]], dict[int, dict]]
_sources: list[FactSource] = []


def register_fact_source(source: FactSource) -> FactSource:
    """Add ``source``'s facts to every project's (a decorator; registering twice changes nothing)."""
    if source not in _sources:
        _sources.append(source)
    return source


def build_facts(*, session: Session, projects: Sequence[Project], to_uah: ToUah) -> dict[int, dict]:
    """Nested facts for each project id; ``to_uah(amount, currency)`` expresses money in hryvnias."""
    ids = [project.id for project in projects]
    if not ids:
        return {}
    owners = _owners(session, projects)
    funding = _funding(session, ids, to_uah)
    partners = _partners(session, ids)
    staged = _stage_facts(session, projects)
    contributed = [source(session, ids) for source in _sources]
    facts = {}
    for project in projects:
        owner = owners[project.authority_id]
        base = {
            "identification": {
                "title": project.title_uk,
                "description": project.description_uk,
                "sector": project.sector,
                "subsector": project.subsector,
                "project_type": project.project_type,
                "purpose": project.purpose,
                "location_code": project.location_code,
                "location": _location(project),
                "address": project.address,
                "dream_code": project.dream_code,
                "owner": {"name": owner.name_uk, "level": owner.level, "contact": project.owner_contact},
            },
            "planning": {"funding": funding.get(project.id, []), "partners": partners.get(project.id, [])},
        }
        merged = _merge(base, staged.get(project.id, {}))
        for extra in contributed:
            merged = _merge(merged, extra.get(project.id, {}))
        merged["planning"]["funding_total"] = _funding_total(merged["planning"])
        facts[project.id] = merged
    return facts


def _funding_total(planning: dict) -> dict:
    """The lines' committed hryvnias added up, and the part of the budget they leave uncovered (never below
    zero; None while the budget or a line's conversion is unknown)."""
    lines = planning.get("funding") or []
    amounts = [line["committed"] for line in lines]
    committed = None if any(amount is None for amount in amounts) else sum(amounts, Decimal(0))
    budget = (planning.get("budget") or {}).get("total")
    gap = None if committed is None or budget is None else max(Decimal(budget) - committed, Decimal(0))
    return {"committed": committed, "gap": gap}


def _location(project: Project) -> dict:
    """Whether the project's point lies in Ukraine and in the oblast of its KATOTTG code, with both oblasts."""
    check = geo.check_location(project.location_code, project.latitude, project.longitude)
    facts: dict[str, Any] = {"check": check.status}
    for name, oblast in (("point_oblast", check.point_oblast), ("code_oblast", check.code_oblast)):
        if oblast is not None:
            facts[f"{name}_uk"], facts[f"{name}_en"] = oblast.name_uk, oblast.name_en
    return facts


def _owners(session: Session, projects: Sequence[Project]) -> dict[int, Authority]:
    authority_ids = {project.authority_id for project in projects}
    return {a.id: a for a in session.exec(select(Authority).where(Authority.id.in_(authority_ids)))}


def _funding(session: Session, ids: list[int], to_uah: ToUah) -> dict[int, list[dict]]:
    # Columns, not ORM objects (here and below): facts only read them, and an evaluation of the whole
    # portfolio reads a hundred thousand lines.
    rows = session.exec(
        select(FundingLine.project_id, FundingLine.source, FundingLine.currency, FundingLine.amount_committed,
               FundingLine.amount_disbursed, Organisation.name, Authority.name_uk)
        .outerjoin(Organisation, Organisation.id == FundingLine.financier_organisation_id)
        .outerjoin(Authority, Authority.id == FundingLine.financier_authority_id)
        .where(FundingLine.project_id.in_(ids)).order_by(FundingLine.id))
    lines: dict[int, list[dict]] = defaultdict(list)
    for project_id, source, currency, committed, disbursed, organisation_name, authority_name in rows:
        lines[project_id].append({
            "level": FundingSource(source).level,
            "source": source,
            "financier": organisation_name or authority_name,
            "committed": to_uah(committed, currency),
            "disbursed": to_uah(disbursed, currency),
            "currency": currency,
        })
    return lines


def _partners(session: Session, ids: list[int]) -> dict[int, list[dict]]:
    rows = session.exec(
        select(ProjectParty.project_id, ProjectParty.role, Organisation.id, Organisation.name, Organisation.country,
               Authority.name_uk)
        .outerjoin(Organisation, Organisation.id == ProjectParty.organisation_id)
        .outerjoin(Authority, Authority.id == ProjectParty.authority_id)
        .where(ProjectParty.project_id.in_(ids)).order_by(ProjectParty.id))
    partners: dict[int, list[dict]] = defaultdict(list)
    for project_id, role, organisation_id, organisation_name, country, authority_name in rows:
        if organisation_id is not None:
            partners[project_id].append({"name": organisation_name, "role": role, "country": country})
        else:
            partners[project_id].append({"name": authority_name, "role": role, "country": "UA"})
    return partners


def _stage_facts(session: Session, projects: Sequence[Project]) -> dict[int, dict]:
    """Needs, planning, implementation and completion facts from the stage data, when it is recorded."""
    from tracker.planning import stage_data

    return stage_data.stage_facts(session=session, projects=list(projects))


def _merge(base: dict, extra: dict) -> dict:
    """Deep-merge ``extra`` into ``base`` (nested dicts merge; other values from ``extra`` win)."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged

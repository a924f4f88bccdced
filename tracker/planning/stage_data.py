"""Reading a project's stage data: the facts the rules engine checks, and the bundle a page shows.

``stage_facts`` is what ``tracker.governance.facts`` calls. It loads each stage table once for all the
projects asked about (``project_id IN (...)``), so evaluating 10,000 projects costs the same dozen
queries as evaluating one. Missing values are left out (the engine treats them as unknown); lists are
always given, empty when nothing is recorded, because "no contracts" is known, not unknown.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from tracker.core.models import Authority, Organisation
from tracker.planning.document_models import Document
from tracker.planning.models import (
    Contract,
    ContractVariation,
    Disbursement,
    Indicator,
    Milestone,
    NeedsAssessment,
    Permit,
    ProgressObservation,
    ProjectCompletion,
    ProjectImplementation,
    ProjectPlan,
)
from tracker.projects.models import FundingLine, Project, ProjectParty

#: Ids per IN list: well below PostgreSQL's 65,535 and SQLite's 32,766 bound parameters.
ID_CHUNK = 20_000


def by_project(session: Session, model, project_ids: Sequence[int], *order_by, plain: bool = False) -> dict[int, list]:
    """Rows of ``model`` for ``project_ids``, grouped by project, in one query per chunk of ids.

    ``plain``: read-only rows of its columns (same attribute names and types, vocabulary codes as members)
    instead of ORM objects, for code that only reads them, as the rules' facts do: building an ORM object
    costs several times the SQL that reads its row, and an evaluation of the portfolio reads millions.
    """
    grouped: dict[int, list] = defaultdict(list)
    columns = model.__table__.columns
    for start in range(0, len(project_ids), ID_CHUNK):
        chunk = project_ids[start:start + ID_CHUNK]
        query = (select(*columns) if plain else select(model)).where(model.project_id.in_(chunk))
        for row in session.exec(query.order_by(*(order_by or (model.id,)))):
            grouped[row.project_id].append(row)
    return grouped


def one_per_project(session: Session, model, project_ids: Sequence[int], plain: bool = False) -> dict[int, Any]:
    return {pid: rows[0] for pid, rows in by_project(session, model, project_ids, plain=plain).items()}


def contract_prices(contract: Contract, variations: Iterable[ContractVariation]) -> dict[str, Any]:
    """The contract's price history: signed, varied, escalated, current (CoST IDS implementation items)."""
    variations = list(variations)
    price_variation = sum((v.price_change for v in variations), Decimal("0"))
    return {
        "original_price": contract.signed_price,
        "price_variation": price_variation,
        "escalation": contract.escalation,
        "price": contract.signed_price + price_variation + (contract.escalation or Decimal("0")),
        "duration_variation_days": sum(v.duration_change_days for v in variations),
        "scope_changed": any(v.scope_changed for v in variations),
        "price_change_reason": "; ".join(v.reason for v in variations if v.price_change) or None,
        "scope_duration_change_reason": "; ".join(
            v.reason for v in variations if v.scope_changed or v.duration_change_days) or None,
    }


def stage_facts(*, session: Session, projects: list[Project]) -> dict[int, dict]:
    """For each project id, the nested facts of the sections needs, planning (without ``funding``),
    implementation and completion, named as in ``tracker.rules.vocabulary``."""
    ids = [project.id for project in projects]
    if not ids:
        return {}
    needs = one_per_project(session, NeedsAssessment, ids, plain=True)
    plans = one_per_project(session, ProjectPlan, ids, plain=True)
    implementations = one_per_project(session, ProjectImplementation, ids, plain=True)
    completions = one_per_project(session, ProjectCompletion, ids, plain=True)
    permits = by_project(session, Permit, ids, plain=True)
    indicators = by_project(session, Indicator, ids, plain=True)
    contracts = by_project(session, Contract, ids, plain=True)
    variations = _variations_by_contract(by_project(session, ContractVariation, ids, plain=True))
    disbursements = by_project(session, Disbursement, ids, Disbursement.paid_on, Disbursement.id, plain=True)
    observations = by_project(session, ProgressObservation, ids,
                              ProgressObservation.observed_on, ProgressObservation.id, plain=True)
    milestones = by_project(session, Milestone, ids, Milestone.planned_date, Milestone.id, plain=True)
    partners = partner_records(session, ids)
    facts = {}
    for pid in ids:
        facts[pid] = {
            "needs": _needs_facts(needs.get(pid)),
            "planning": {**_plan_facts(plans.get(pid)),
                         "permits": [_clean({"kind": p.kind, "ref": p.ref, "issued_date": p.issued_date})
                                     for p in permits.get(pid, [])],
                         "indicators": [_clean({"name": i.name, "unit": i.unit, "baseline": i.baseline,
                                                "target": i.target, "actual": i.actual})
                                        for i in indicators.get(pid, [])],
                         "partners": partners.get(pid, [])},
            "implementation": _implementation_facts(
                implementations.get(pid), contracts.get(pid, []), variations, disbursements.get(pid, []),
                observations.get(pid, []), milestones.get(pid, [])),
            "completion": _completion_facts(completions.get(pid)),
        }
    return facts


def _variations_by_contract(grouped: dict[int, list]) -> dict[int, list[ContractVariation]]:
    result: dict[int, list] = defaultdict(list)
    for rows in grouped.values():
        for variation in rows:
            result[variation.contract_id].append(variation)
    return result


def partner_records(session: Session, project_ids: Sequence[int]) -> dict[int, list[dict]]:
    """Parties other than the owner, as {name, role, country}, one query for all projects."""
    grouped: dict[int, list] = defaultdict(list)
    for start in range(0, len(project_ids), ID_CHUNK):
        query = (select(ProjectParty.project_id, ProjectParty.role, Authority.name_uk, Organisation.name,
                        Organisation.country)
                 .outerjoin(Authority, Authority.id == ProjectParty.authority_id)
                 .outerjoin(Organisation, Organisation.id == ProjectParty.organisation_id)
                 .where(ProjectParty.project_id.in_(project_ids[start:start + ID_CHUNK]))
                 .order_by(ProjectParty.id))
        for project_id, role, authority_name, organisation_name, country in session.exec(query):
            grouped[project_id].append(_clean({
                "name": authority_name or organisation_name, "role": role,
                "country": "UA" if authority_name else country}))
    return grouped


def _clean(values: dict) -> dict:
    """Leave out what is not recorded, so the rules see it as unknown rather than as a value."""
    return {key: value for key, value in values.items() if value is not None and value != ""}


def _needs_facts(record: NeedsAssessment | None) -> dict:
    if record is None:
        return {}
    return _clean({
        "damage_register_ref": record.damage_register_ref, "assessment_date": record.assessment_date,
        "beneficiaries": record.beneficiaries, "idp_beneficiaries": record.idp_beneficiaries,
        "estimated_cost": record.estimated_cost, "urgency": record.urgency, "strategy_ref": record.strategy_ref,
        "hromadas_served": record.hromadas_served,
    })


def _plan_facts(plan: ProjectPlan | None) -> dict:
    if plan is None:
        return {}
    nested = {
        "scope": _clean({"output": plan.scope_output, "quantity": plan.scope_quantity, "unit": plan.scope_unit}),
        "budget": _clean({"total": plan.budget_total, "capex": plan.budget_capex,
                          "opex_annual": plan.budget_opex_annual, "life_cycle_cost": plan.budget_life_cycle_cost}),
        "cofinancing_agreement": _clean({"ref": plan.cofinancing_agreement_ref,
                                         "date": plan.cofinancing_agreement_date}),
        "intermunicipal_agreement": _clean({"ref": plan.intermunicipal_agreement_ref}),
        "council_decision": _clean({"number": plan.council_decision_number, "date": plan.council_decision_date}),
        "consultation": _clean({"start_date": plan.consultation_start_date, "end_date": plan.consultation_end_date,
                                "participants": plan.consultation_participants,
                                "outcome_published_date": plan.consultation_outcome_published_date}),
        "expert_review": _clean({"ref": plan.expert_review_ref, "date": plan.expert_review_date}),
        "project_manager": _clean({"name": plan.project_manager_name,
                                   "certified": plan.project_manager_certified if plan.project_manager_name
                                   else None}),
        "schedule": _clean({"start": plan.schedule_start, "end": plan.schedule_end}),
    }
    flat = _clean({
        "alternatives_considered": plan.alternatives_considered, "environmental_impact": plan.environmental_impact,
        "land_impact": plan.land_impact, "risk_assessment": plan.risk_assessment,
        "consequence_class": plan.consequence_class, "procurement_plan": plan.procurement_plan,
    })
    return {**{key: value for key, value in nested.items() if value}, **flat}


def _implementation_facts(record, contracts, variations, disbursements, observations, milestones) -> dict:
    facts: dict[str, Any] = {
        "contracts": [_contract_facts(contract, variations.get(contract.id, [])) for contract in contracts],
        "disbursements": [{"date": d.paid_on, "amount": d.amount, "source": d.source} for d in disbursements],
        "milestones": [_clean({"name": m.name, "planned_date": m.planned_date, "actual_date": m.actual_date})
                       for m in milestones],
    }
    if observations:
        facts["physical_progress"] = observations[-1].physical_percent
    if record is not None and record.technical_supervision:
        facts["technical_supervision"] = record.technical_supervision
    return facts


def _contract_facts(contract: Contract, variations: list[ContractVariation]) -> dict:
    return _clean({
        "title": contract.title, "subject": contract.subject, "tender_id": contract.tender_id,
        "procurement_method": contract.procurement_method, "tenderers": contract.tenderers,
        "procuring_entity": contract.procuring_entity, "procuring_entity_contact": contract.procuring_entity_contact,
        "administrative_entity": contract.administrative_entity, "status": contract.status,
        "contract_type": contract.contract_type, "supplier_name": contract.supplier_name,
        "supplier_edrpou": contract.supplier_edrpou, "cost_estimate": contract.cost_estimate,
        "scope": contract.scope, "signed_date": contract.signed_date, "start_date": contract.start_date,
        "duration_days": contract.duration_days, **contract_prices(contract, variations),
    })


def _completion_facts(record: ProjectCompletion | None) -> dict:
    if record is None:
        return {}
    return _clean({
        "status": record.status, "date": record.completion_date, "final_cost": record.final_cost,
        "final_scope": record.final_scope, "change_reasons": record.change_reasons,
        "acceptance_certificate": record.acceptance_certificate, "audit_report_ref": record.audit_report_ref,
        "evaluation_report_ref": record.evaluation_report_ref,
    })


# --- the workspace: everything a planner's project pages show, in a fixed number of queries ---------

@dataclass
class ContractView:
    contract: Contract
    variations: list[ContractVariation]
    prices: dict[str, Any]


@dataclass
class Workspace:
    """A project's stage data, lists, documents and recent history, for the planner's pages and the portal."""

    project: Project
    needs: NeedsAssessment | None
    plan: ProjectPlan | None
    implementation: ProjectImplementation | None
    completion: ProjectCompletion | None
    permits: list[Permit]
    indicators: list[Indicator]
    contracts: list[ContractView]
    disbursements: list[Disbursement]
    observations: list[ProgressObservation]
    milestones: list[Milestone]
    funding: list[FundingLine]
    documents: list[Document]
    history: list
    parent: Project | None
    children: list[Project]
    rollup: Any

    @property
    def physical_progress(self) -> int | None:
        return self.observations[-1].physical_percent if self.observations else None

    @property
    def disbursed_total(self) -> Decimal:
        return sum((item.amount for item in self.disbursements), Decimal("0"))


def project_workspace(*, session: Session, project: Project, include_restricted: bool,
                      history_limit: int = 50) -> Workspace:
    """Load the workspace of one project; restricted documents only when ``include_restricted``."""
    from tracker.planning.documents import visible_documents
    from tracker.planning.history import project_history
    from tracker.planning.rollup import programme_progress

    ids = [project.id]
    variations = _variations_by_contract(by_project(session, ContractVariation, ids, ContractVariation.agreed_date,
                                                    ContractVariation.id))
    contracts = [ContractView(c, variations.get(c.id, []), contract_prices(c, variations.get(c.id, [])))
                 for c in by_project(session, Contract, ids).get(project.id, [])]
    children = list(session.exec(select(Project).where(Project.parent_id == project.id).order_by(Project.id)))
    return Workspace(
        project=project,
        needs=one_per_project(session, NeedsAssessment, ids).get(project.id),
        plan=one_per_project(session, ProjectPlan, ids).get(project.id),
        implementation=one_per_project(session, ProjectImplementation, ids).get(project.id),
        completion=one_per_project(session, ProjectCompletion, ids).get(project.id),
        permits=by_project(session, Permit, ids).get(project.id, []),
        indicators=by_project(session, Indicator, ids).get(project.id, []),
        contracts=contracts,
        disbursements=by_project(session, Disbursement, ids, Disbursement.paid_on, Disbursement.id).get(project.id, []),
        observations=by_project(session, ProgressObservation, ids, ProgressObservation.observed_on,
                                ProgressObservation.id).get(project.id, []),
        milestones=by_project(session, Milestone, ids, Milestone.planned_date, Milestone.id).get(project.id, []),
        funding=by_project(session, FundingLine, ids).get(project.id, []),
        documents=visible_documents(session=session, project_ids=ids,
                                    include_restricted=include_restricted)[project.id],
        history=project_history(session=session, project=project, limit=history_limit,
                                include_restricted=include_restricted),
        parent=session.get(Project, project.parent_id) if project.parent_id else None,
        children=children,
        rollup=programme_progress(session=session, programme_ids=ids).get(project.id) if children else None,
    )

"""Writing a project's stage data: the four stage records and the lists under them.

Every write is guarded by the project's version, like ``projects.update_project``: the changes are
flushed together with ``UPDATE project SET version = :expected + 1 … WHERE id = :id AND version =
:expected`` (``versioning.save_from_version``), so of two concurrent saves exactly one passes; the other
gets ``Conflict`` listing where the stored values differ from what it submitted, and writes nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel, select

from tracker.core.errors import NotFound, ServiceError
from tracker.core.fields import check_values
from tracker.core.i18n import gettext as _
from tracker.core.identifiers import is_prozorro_tender_id, is_supplier_code
from tracker.core.models import Organisation
from tracker.core.versioning import check_version, save_from_version
from tracker.planning import history as change_history  # noqa: F401  (registers the history listeners)
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
from tracker.projects.models import FundingLine, Project

#: The 1:1 record of each stage section.
STAGE_RECORDS: dict[str, type[SQLModel]] = {
    "needs": NeedsAssessment, "planning": ProjectPlan, "implementation": ProjectImplementation,
    "completion": ProjectCompletion,
}


def _differences(stored: SQLModel | None, submitted: dict) -> dict[str, tuple[Any, Any]]:
    return {name: (getattr(stored, name, None) if stored is not None else None, value)
            for name, value in submitted.items()
            if (getattr(stored, name, None) if stored is not None else None) != value}


# --- the four stage records -------------------------------------------------------------------------

def stage_record(*, session: Session, project: Project, section: str) -> SQLModel | None:
    model = STAGE_RECORDS[section]
    return session.exec(select(model).where(model.project_id == project.id)).first()


def save_stage(*, session: Session, project: Project, section: str, values: dict,
               expected_version: int) -> dict[str, tuple[Any, Any]]:
    """Save one stage section's fields; return {field: (old, new)} of what changed."""
    if section not in STAGE_RECORDS:
        raise ServiceError(_("unknown stage section “%(section)s”", section=section), field="section")
    check_values(STAGE_RECORDS[section], values)
    _STAGE_CHECKS[section](values)
    record = stage_record(session=session, project=project, section=section)
    changed = _differences(record, values)

    def conflict_view() -> dict:
        return _differences(stage_record(session=session, project=project, section=section), values)

    # Even an unchanged save checks the version: the person must not believe a stale page is current.
    check_version(project=project, expected_version=expected_version, differences=conflict_view)
    if record is None:
        record = STAGE_RECORDS[section](project_id=project.id)
        session.add(record)
    for name, (_old, new) in changed.items():
        setattr(record, name, new)
    save_from_version(session=session, project=project, expected_version=expected_version, differences=conflict_view)
    return changed


def _not_after_today(value: date | None, field: str) -> None:
    if value is not None and value > date.today():
        raise ServiceError(_("this date is in the future"), field=field)


def _ordered(first: date | None, second: date | None, field: str, message: str) -> None:
    if first is not None and second is not None and second < first:
        raise ServiceError(message, field=field)


def check_needs(values: dict) -> None:
    """What the needs record's declarations cannot say: dates and how its counts relate."""
    _not_after_today(values.get("assessment_date"), "assessment_date")
    total, idp = values.get("beneficiaries"), values.get("idp_beneficiaries")
    if total is not None and idp is not None and idp > total:
        raise ServiceError(_("internally displaced beneficiaries cannot outnumber all beneficiaries"),
                           field="idp_beneficiaries")


def check_plan(values: dict) -> None:
    """What the plan's declarations cannot say: how its budget, dates and review relate."""
    total, capex = values.get("budget_total"), values.get("budget_capex")
    if total is not None and capex is not None and capex > total:
        raise ServiceError(_("capital expenditure cannot exceed the total budget"), field="budget_capex")
    _ordered(values.get("consultation_start_date"), values.get("consultation_end_date"),
             "consultation_end_date", "the consultation cannot end before it starts")
    _ordered(values.get("consultation_end_date"), values.get("consultation_outcome_published_date"),
             "consultation_outcome_published_date", "the outcome cannot be published before the consultation ends")
    _ordered(values.get("schedule_start"), values.get("schedule_end"), "schedule_end",
             "the planned completion cannot come before the planned start")
    _not_after_today(values.get("council_decision_date"), "council_decision_date")
    if values.get("consequence_class") in ("CC2", "CC3") and values.get("expert_review_date") and \
            not values.get("expert_review_ref"):
        raise ServiceError(_("give the number of the expert review report"), field="expert_review_ref")


def _check_implementation(values: dict) -> None:
    """The implementation record has nothing beyond its declarations (the weight's range is declared)."""


def _check_completion(values: dict) -> None:
    _not_after_today(values.get("completion_date"), "completion_date")


_STAGE_CHECKS: dict[str, Callable[[dict], None]] = {
    "needs": check_needs, "planning": check_plan, "implementation": _check_implementation,
    "completion": _check_completion,
}


# --- lists: one item added, changed or removed per write --------------------------------------------

@dataclass(frozen=True)
class ItemKind:
    """A list under a project: its table and the domain checks of one item's values."""

    model: type[SQLModel]
    check: Callable[[Session, Project, dict], None]


def _check_permit(_session, _project, values: dict) -> None:
    _not_after_today(values.get("issued_date"), "issued_date")


def _check_indicator(_session, _project, values: dict) -> None:
    if not (values.get("name") or "").strip():
        raise ServiceError(_("name the indicator"), field="name")


def _check_contract(_session, _project, values: dict) -> None:
    tender_id = values.get("tender_id")
    if tender_id and not is_prozorro_tender_id(tender_id):
        raise ServiceError(_("a Prozorro tender id looks like UA-2024-01-31-000123-a"), field="tender_id")
    if values.get("procurement_method") != "direct" and not tender_id:
        raise ServiceError(_("give the Prozorro tender id (only direct contracts have none)"), field="tender_id")
    if not is_supplier_code(values.get("supplier_edrpou") or ""):
        raise ServiceError(_("not a valid EDRPOU (8 digits) or RNOKPP (10 digits) code: the check digit is wrong"),
                           field="supplier_edrpou")
    _ordered(values.get("signed_date"), values.get("start_date"), "start_date",
             "the works cannot start before the contract is signed")


def _owned_contract(session: Session, project: Project, contract_id: int | None, field: str) -> None:
    if contract_id is None:
        return
    contract = session.get(Contract, contract_id)
    if contract is None or contract.project_id != project.id:
        raise ServiceError(_("no such contract in this project"), field=field)


def _check_variation(session, project, values: dict) -> None:
    _owned_contract(session, project, values.get("contract_id"), "contract_id")
    if values.get("contract_id") is None:
        raise ServiceError(_("choose the contract"), field="contract_id")
    if not (values.get("price_change") or values.get("duration_change_days") or values.get("scope_changed")):
        raise ServiceError(_("a variation changes the price, the duration or the scope"), field="price_change")
    if not (values.get("reason") or "").strip():
        raise ServiceError(_("give the reason for the variation"), field="reason")


def _check_disbursement(session, project, values: dict) -> None:
    _owned_contract(session, project, values.get("contract_id"), "contract_id")
    _not_after_today(values.get("paid_on"), "paid_on")


def _check_observation(_session, _project, values: dict) -> None:
    _not_after_today(values.get("observed_on"), "observed_on")


def _check_milestone(_session, _project, values: dict) -> None:
    _not_after_today(values.get("actual_date"), "actual_date")


def _check_funding(session, _project, values: dict) -> None:
    committed = values.get("amount_committed") or Decimal("0")
    disbursed = values.get("amount_disbursed") or Decimal("0")
    if disbursed > committed:
        raise ServiceError(_("the disbursed amount must lie between zero and the committed amount"),
                           field="amount_disbursed")
    financier = values.get("financier_organisation_id")
    if financier is not None and session.get(Organisation, financier) is None:
        raise ServiceError(_("no such organisation: choose the financier from the list"),
                           field="financier_organisation_id")


ITEM_KINDS: dict[str, ItemKind] = {
    "permit": ItemKind(Permit, _check_permit),
    "indicator": ItemKind(Indicator, _check_indicator),
    "contract": ItemKind(Contract, _check_contract),
    "variation": ItemKind(ContractVariation, _check_variation),
    "disbursement": ItemKind(Disbursement, _check_disbursement),
    "observation": ItemKind(ProgressObservation, _check_observation),
    "milestone": ItemKind(Milestone, _check_milestone),
    "funding": ItemKind(FundingLine, _check_funding),
}


def _kind(kind: str) -> ItemKind:
    if kind not in ITEM_KINDS:
        raise NotFound(_("no list “%(kind)s”", kind=kind))
    return ITEM_KINDS[kind]


def get_item(*, session: Session, project: Project, kind: str, item_id: int) -> SQLModel:
    """One item of the project's list; ``NotFound`` if it belongs to another project."""
    item = session.get(_kind(kind).model, item_id)
    if item is None or item.project_id != project.id:
        raise NotFound(_("no %(kind)s %(item_id)s in project %(reference)s",
                         kind=kind, item_id=item_id, reference=project.reference))
    return item


def add_item(*, session: Session, project: Project, kind: str, values: dict, expected_version: int) -> SQLModel:
    """Add one item to a list of the project."""
    spec = _kind(kind)
    check_values(spec.model, values)
    spec.check(session, project, values)
    check_version(project=project, expected_version=expected_version)
    item = spec.model.model_validate({**values, "project_id": project.id})
    session.add(item)
    save_from_version(session=session, project=project, expected_version=expected_version)
    return item


def update_item(*, session: Session, project: Project, kind: str, item_id: int, values: dict,
                expected_version: int) -> dict[str, tuple[Any, Any]]:
    """Change one item; return {field: (old, new)}."""
    spec = _kind(kind)
    item = get_item(session=session, project=project, kind=kind, item_id=item_id)
    check_values(spec.model, values)
    spec.check(session, project, values)
    changed = _differences(item, values)

    def conflict_view() -> dict:
        return _differences(session.get(spec.model, item_id), values)

    check_version(project=project, expected_version=expected_version, differences=conflict_view)
    for name, (_old, new) in changed.items():
        setattr(item, name, new)
    save_from_version(session=session, project=project, expected_version=expected_version, differences=conflict_view)
    return changed


def delete_item(*, session: Session, project: Project, kind: str, item_id: int, expected_version: int) -> None:
    """Remove one item (a contract takes its variations with it; documents lose the link)."""
    item = get_item(session=session, project=project, kind=kind, item_id=item_id)
    check_version(project=project, expected_version=expected_version)
    if isinstance(item, Contract):
        for variation in session.exec(select(ContractVariation).where(ContractVariation.contract_id == item.id)):
            session.delete(variation)
        session.flush()  # variations first: without ORM relationships the flush would not order them
    session.delete(item)
    save_from_version(session=session, project=project, expected_version=expected_version)

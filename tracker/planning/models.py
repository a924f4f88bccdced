"""Stage data of a project: one typed record per stage (needs, plan, implementation, completion)
and the lists that hang off them (permits, indicators, contracts and their variations,
disbursements, progress observations, milestones).

Each stage record is 1:1 with its project (``project_id`` unique). Every child row carries
``project_id`` so that a page or the fact builder loads a whole table for many projects with one
``project_id IN (...)`` query. Money is in UAH unless a column says otherwise.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Numeric, Text
from sqlmodel import Field, SQLModel

from tracker.core.columns import MONEY_MAX, TIMESTAMP, code_field, long_text_field, money_field, utcnow
from tracker.core.identifiers import PROZORRO_TENDER_ID, SUPPLIER_CODE
from tracker.core.vocab import (
    ConsequenceClass,
    ContractStatus,
    ContractSubject,
    ContractType,
    FundingSource,
    ProcurementMethod,
    ProjectStatus,
    RdnaSector,
    Urgency,
)

#: Quantities (scope, indicator values) are exact decimals with room for fractions of a unit.
QUANTITY = Numeric(18, 4)
#: The most people (beneficiaries, participants) one field may count.
COUNT_MAX = 10_000_000


class NeedsAssessment(SQLModel, table=True):
    """What was damaged or is missing, for whom, how urgently, and which strategy answers it."""

    __tablename__ = "needs_assessment"
    __table_args__ = (
        CheckConstraint("estimated_cost IS NULL OR estimated_cost >= 0", name="ck_needs_cost"),
        CheckConstraint("beneficiaries IS NULL OR beneficiaries >= 0", name="ck_needs_beneficiaries"),
        CheckConstraint("idp_beneficiaries IS NULL OR idp_beneficiaries >= 0", name="ck_needs_idp"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", unique=True)
    damage_register_ref: Optional[str] = Field(default=None, max_length=100)
    assessment_date: Optional[date] = None
    damage_description: Optional[str] = long_text_field()
    rdna_sector: Optional[RdnaSector] = code_field(RdnaSector, 40, default=None)
    estimated_cost: Optional[Decimal] = money_field(None)
    beneficiaries: Optional[int] = Field(default=None, ge=0, le=COUNT_MAX)
    idp_beneficiaries: Optional[int] = Field(default=None, ge=0, le=COUNT_MAX)
    urgency: Optional[Urgency] = code_field(Urgency, 20, default=None)
    strategy_ref: Optional[str] = Field(default=None, max_length=500)
    hromadas_served: Optional[int] = Field(default=None, ge=0, le=2000)


class ProjectPlan(SQLModel, table=True):
    """The planning stage: scope, budget, decisions, consultation, impacts, permits, manager."""

    __tablename__ = "project_plan"
    __table_args__ = (
        CheckConstraint("budget_total IS NULL OR budget_total >= 0", name="ck_plan_budget_total"),
        CheckConstraint("budget_capex IS NULL OR budget_capex >= 0", name="ck_plan_capex"),
        CheckConstraint("budget_opex_annual IS NULL OR budget_opex_annual >= 0", name="ck_plan_opex"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", unique=True)
    scope_output: Optional[str] = Field(default=None, max_length=300)
    scope_quantity: Optional[Decimal] = Field(default=None, ge=0, le=10**12, sa_type=QUANTITY)
    scope_unit: Optional[str] = Field(default=None, max_length=40)
    alternatives_considered: Optional[int] = Field(default=None, ge=0, le=100)
    alternatives_description: Optional[str] = long_text_field()
    budget_total: Optional[Decimal] = money_field(None)
    budget_capex: Optional[Decimal] = money_field(None)
    budget_opex_annual: Optional[Decimal] = money_field(None)
    budget_life_cycle_cost: Optional[Decimal] = money_field(None)
    cofinancing_agreement_ref: Optional[str] = Field(default=None, max_length=100)
    cofinancing_agreement_date: Optional[date] = None
    intermunicipal_agreement_ref: Optional[str] = Field(default=None, max_length=100)
    council_decision_number: Optional[str] = Field(default=None, max_length=60)
    council_decision_date: Optional[date] = None
    consultation_start_date: Optional[date] = None
    consultation_end_date: Optional[date] = None
    consultation_participants: Optional[int] = Field(default=None, ge=0, le=COUNT_MAX)
    consultation_outcome: Optional[str] = long_text_field()
    consultation_outcome_published_date: Optional[date] = None
    consultation_url: Optional[str] = Field(default=None, max_length=500)
    environmental_impact: Optional[str] = long_text_field()
    social_impact: Optional[str] = long_text_field()
    land_impact: Optional[str] = long_text_field()
    risk_assessment: Optional[str] = long_text_field()
    consequence_class: Optional[ConsequenceClass] = code_field(ConsequenceClass, 3, default=None)
    expert_review_ref: Optional[str] = Field(default=None, max_length=100)
    expert_review_date: Optional[date] = None
    procurement_plan: Optional[str] = long_text_field()
    project_manager_name: Optional[str] = Field(default=None, max_length=200)
    project_manager_certified: bool = Field(default=False)
    partners_involvement: Optional[str] = long_text_field()
    schedule_start: Optional[date] = None
    schedule_end: Optional[date] = None


class ProjectImplementation(SQLModel, table=True):
    """What the implementation stage records once rather than as a list."""

    __tablename__ = "project_implementation"

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", unique=True)
    technical_supervision: Optional[str] = Field(default=None, max_length=300)
    #: The project's share of its programme's progress; None weighs it by its budget.
    rollup_weight: Optional[Decimal] = Field(default=None, ge=0, le=10**5, sa_type=Numeric(9, 4))


class ProjectCompletion(SQLModel, table=True):
    """The result: when it finished, what it cost and delivered, and where it was audited."""

    __tablename__ = "project_completion"
    __table_args__ = (CheckConstraint("final_cost IS NULL OR final_cost >= 0", name="ck_completion_cost"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", unique=True)
    status: ProjectStatus = code_field(ProjectStatus, 20, default=ProjectStatus.COMPLETION,
                                       description="OC4IDS projectStatus")
    completion_date: Optional[date] = None
    final_cost: Optional[Decimal] = money_field(None)
    final_scope: Optional[str] = long_text_field()
    change_reasons: Optional[str] = long_text_field()
    acceptance_certificate: Optional[str] = Field(default=None, max_length=100)
    audit_report_ref: Optional[str] = Field(default=None, max_length=300)
    evaluation_report_ref: Optional[str] = Field(default=None, max_length=300)


class Permit(SQLModel, table=True):
    """A permit or authorisation the works need (construction permit, land allocation, …)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=200)
    ref: str = Field(max_length=100)
    issued_date: Optional[date] = None


class Indicator(SQLModel, table=True):
    """A result indicator: baseline and target set in planning, actual value measured at completion."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=300)
    unit: str = Field(max_length=40)
    baseline: Optional[Decimal] = Field(default=None, sa_type=QUANTITY)
    target: Optional[Decimal] = Field(default=None, sa_type=QUANTITY)
    actual: Optional[Decimal] = Field(default=None, sa_type=QUANTITY)


class Contract(SQLModel, table=True):
    """A contract let for the project (CoST IDS procurement items); its current price is the signed
    price plus the variations recorded against it."""

    __table_args__ = (
        CheckConstraint("tenderers IS NULL OR tenderers >= 0", name="ck_contract_tenderers"),
        CheckConstraint("signed_price >= 0", name="ck_contract_price"),
        CheckConstraint("duration_days IS NULL OR duration_days > 0", name="ck_contract_duration"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=300)
    subject: ContractSubject = code_field(ContractSubject, 10, description="goods, services or works")
    tender_id: Optional[str] = Field(default=None, max_length=40, index=True,
                                     schema_extra={"pattern": PROZORRO_TENDER_ID.pattern},
                                     description="Prozorro id, UA-2024-01-31-000123-a")
    procurement_method: ProcurementMethod = code_field(ProcurementMethod, 30)
    tenderers: Optional[int] = Field(default=None, ge=0, le=1000)
    procuring_entity: Optional[str] = Field(default=None, max_length=300)
    procuring_entity_contact: Optional[str] = Field(default=None, max_length=300)
    administrative_entity: Optional[str] = Field(default=None, max_length=300)
    status: ContractStatus = code_field(ContractStatus, 20, default=ContractStatus.ACTIVE)
    contract_type: ContractType = code_field(ContractType, 20, default=ContractType.LUMP_SUM)
    supplier_name: str = Field(max_length=300)
    supplier_edrpou: str = Field(max_length=10, schema_extra={"pattern": SUPPLIER_CODE.pattern},
                                 description="EDRPOU (8 digits) or, for a sole trader, RNOKPP (10 digits)")
    cost_estimate: Optional[Decimal] = money_field(None)
    signed_price: Decimal = money_field()
    escalation: Decimal = money_field(Decimal("0"), minimum=-MONEY_MAX)
    scope: Optional[str] = long_text_field()
    signed_date: Optional[date] = None
    start_date: Optional[date] = None
    duration_days: Optional[int] = Field(default=None, ge=1, le=36500)


class ContractVariation(SQLModel, table=True):
    """A change to a contract's price, duration or scope, with the reason (CoST IDS implementation)."""

    __tablename__ = "contract_variation"

    id: Optional[int] = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", ondelete="CASCADE", index=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    agreed_date: date
    price_change: Decimal = money_field(Decimal("0"), minimum=-MONEY_MAX)
    duration_change_days: int = Field(default=0, ge=-36500, le=36500)
    scope_changed: bool = Field(default=False)
    reason: str = Field(max_length=5000, sa_type=Text)


class Disbursement(SQLModel, table=True):
    """Money actually paid out for the project, from one source."""

    __table_args__ = (CheckConstraint("amount > 0", name="ck_disbursement_amount"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    contract_id: Optional[int] = Field(default=None, foreign_key="contract.id", ondelete="SET NULL", index=True)
    paid_on: date
    amount: Decimal = money_field(minimum=Decimal("0.01"))
    source: FundingSource = code_field(FundingSource, 30)


class ProgressObservation(SQLModel, table=True):
    """Physical progress as someone saw it on a date; photos are documents pointing here."""

    __tablename__ = "progress_observation"
    __table_args__ = (
        CheckConstraint("physical_percent BETWEEN 0 AND 100", name="ck_progress_percent"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    observed_on: date
    physical_percent: int = Field(ge=0, le=100)
    note: Optional[str] = long_text_field(5000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class Milestone(SQLModel, table=True):
    """A planned step of the works and when it was actually reached."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=300)
    planned_date: Optional[date] = None
    actual_date: Optional[date] = None

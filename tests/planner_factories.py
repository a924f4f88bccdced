"""Stage data for planner tests: realistic values that pass every check, and small builders."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from tracker.planning import stage_edit
from tracker.projects.models import Project

#: PrivatBank's EDRPOU code: a real code whose check digit is right.
VALID_EDRPOU = "14360570"
VALID_TENDER_ID = "UA-2024-03-15-001234-a"


def needs_values(**overrides) -> dict:
    values = {"damage_register_ref": "DR-2023-000481", "assessment_date": date(2024, 2, 1),
              "damage_description": "Roof and two classrooms destroyed by a missile strike",
              "rdna_sector": "education", "estimated_cost": Decimal("12500000.00"), "beneficiaries": 640,
              "idp_beneficiaries": 120, "urgency": "high",
              "strategy_ref": "Kharkiv hromada strategy 2021-2027, goal 2.1"}
    values.update(overrides)
    return values


def plan_values(**overrides) -> dict:
    values = {"scope_output": "Rebuilt school building", "scope_quantity": Decimal("2400"), "scope_unit": "m2",
              "budget_total": Decimal("14000000.00"), "budget_capex": Decimal("13000000.00"),
              "budget_opex_annual": Decimal("450000.00"), "council_decision_number": "1234-VIII",
              "council_decision_date": date(2024, 4, 10), "consultation_start_date": date(2024, 3, 1),
              "consultation_end_date": date(2024, 3, 21), "consultation_participants": 85,
              "consequence_class": "CC2", "expert_review_ref": "EX-2024-77", "expert_review_date": date(2024, 5, 2),
              "project_manager_name": "Olena Kovalenko", "project_manager_certified": True}
    values.update(overrides)
    return values


def contract_values(**overrides) -> dict:
    values = {"title": "Reconstruction works", "subject": "works", "tender_id": VALID_TENDER_ID,
              "procurement_method": "open_tender", "tenderers": 3, "supplier_name": "TOV Budivelnyk",
              "supplier_edrpou": VALID_EDRPOU, "signed_price": Decimal("11800000.00"),
              "signed_date": date(2024, 6, 1), "start_date": date(2024, 6, 10), "duration_days": 300,
              "status": "active", "contract_type": "lump_sum"}
    values.update(overrides)
    return values


def add(session: Session, project: Project, kind: str, values: dict):
    """Add a list item at the project's current version."""
    return stage_edit.add_item(session=session, project=project, kind=kind, values=values,
                               expected_version=project.version)


def save(session: Session, project: Project, section: str, values: dict):
    return stage_edit.save_stage(session=session, project=project, section=section, values=values,
                                 expected_version=project.version)

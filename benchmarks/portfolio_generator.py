"""A realistic portfolio for benchmarks: projects built from the real titles and hromada codes of DREAM.

Rows are written with bulk inserts (not the services) because generating is not what is measured.
Every project gets funding from two or three levels, a needs assessment, a plan with permits and
indicators, and — from implementation on — contracts, variations and disbursements.
"""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select
from sqlmodel import Session

from tracker.core.hierarchy import add_authority
from tracker.core.models import Authority
from tracker.planning.models import (
    Contract,
    ContractVariation,
    Disbursement,
    Indicator,
    NeedsAssessment,
    Permit,
    ProjectCompletion,
    ProjectPlan,
)
from tracker.projects.models import FundingLine, Project

DREAM_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "dream" / "dream-priorities.json"
SECTORS = {"Освіта": "education", "Охорона здоров'я": "health", "Вода / каналізація (ЖКГ)": "waterAndWaste",
           "Енергетика (ВДЕ)": "energy", "Транспорт / логістика": "transport.road",
           "Культура / спадщина": "cultureSportsAndRecreation", "Відновлення / реконструкція": "socialHousing"}
STAGES = ("needs_assessment", "planning", "implementation", "completed")


def load_dream() -> list[dict]:
    if not DREAM_FILE.exists():
        raise SystemExit(f"{DREAM_FILE} is missing: the benchmarks need ../shared/data beside the checkout")
    return json.loads(DREAM_FILE.read_text(encoding="utf-8"))["hromadas"]


def generate(session: Session, count: int, seed: int = 2026) -> list[int]:
    """Create ``count`` projects (and their hromadas); return their ids."""
    rng = random.Random(seed)
    hromadas = [h for h in load_dream() if h["sample_titles"]]
    root = add_authority(session=session, name_uk="Україна", name_en="Ukraine", level="national")
    owners = [add_authority(session=session, parent=root, level="hromada", category="H", code=h["katottg"],
                            name_uk=h["name"] or h["katottg"]) for h in hromadas]
    start_id = (session.exec(select(Project.id).order_by(Project.id.desc())).first() or 0) + 1
    projects, plans, needs, funding, contracts, completions = [], [], [], [], [], []
    for offset in range(count):
        project_id = start_id + offset
        index = rng.randrange(len(hromadas))
        hromada, owner = hromadas[index], owners[index]
        title = rng.choice(hromada["sample_titles"]).replace("\r\n", " ").strip()[:480]
        stage = rng.choices(STAGES, weights=(2, 3, 4, 2))[0]
        budget = Decimal(rng.randrange(300_000, 90_000_000, 1000))
        projects.append({"id": project_id, "reference": f"VID-2025-{project_id:06d}", "title_uk": title,
                         "sector": SECTORS.get(rng.choice(hromada["top_sectors"]), "governance"),
                         "project_type": rng.choice(["rehabilitation", "construction", "replacement"]),
                         "purpose": rng.choice(["restoration", "development"]), "authority_id": owner.id,
                         "location_code": hromada["katottg"], "stage": stage, "state": "active", "version": 1,
                         "is_public": True, "dream_code": rng.choice(hromada["sample_project_codes"] or [None])})
        needs.append({"project_id": project_id, "damage_register_ref": f"RPM-{project_id}",
                      "assessment_date": date(2024, 1, 1) + timedelta(days=rng.randrange(500)),
                      "estimated_cost": budget * Decimal("0.9"), "beneficiaries": rng.randrange(50, 20000),
                      "idp_beneficiaries": rng.randrange(0, 500), "urgency": rng.choice(["high", "medium"]),
                      "strategy_ref": rng.choice([None, "Стратегія розвитку громади до 2027 року"])})
        decision = date(2024, 6, 1) + timedelta(days=rng.randrange(300))
        plans.append({"project_id": project_id, "budget_total": budget, "budget_capex": budget * Decimal("0.8"),
                      "budget_opex_annual": budget * Decimal("0.02"), "scope_output": "об'єкт",
                      "scope_quantity": Decimal(1), "scope_unit": "од.",
                      "council_decision_number": f"{rng.randrange(1, 90)}/VIII",
                      "council_decision_date": decision, "consultation_start_date": decision - timedelta(days=40),
                      "consultation_end_date": decision - timedelta(days=rng.randrange(5, 30)),
                      "consultation_participants": rng.randrange(0, 200), "project_manager_name": "Олена Коваль",
                      "project_manager_certified": rng.random() < 0.5, "consequence_class": rng.choice(["CC1", "CC2"]),
                      "risk_assessment": "Оцінено", "environmental_impact": rng.choice([None, "Незначний"]),
                      "expert_review_ref": rng.choice([None, "EXP-2024-17"])})
        for source, share in (("local_budget", "0.2"), ("state_budget", "0.5"), ("eu", "0.3")):
            if rng.random() < 0.85:
                committed = budget * Decimal(share)
                funding.append({"project_id": project_id, "source": source, "currency": "UAH",
                                "amount_committed": committed, "amount_disbursed": committed * Decimal("0.3")})
        if stage in ("implementation", "completed"):
            for number in range(rng.randrange(1, 4)):
                price = (budget / 3).quantize(Decimal("0.01"))
                contracts.append({"project_id": project_id, "title": f"Роботи {number + 1}", "subject": "works",
                                  "tender_id": f"UA-2024-{rng.randrange(1, 12):02d}-{rng.randrange(1, 28):02d}-"
                                               f"{rng.randrange(1, 999999):06d}-a",
                                  "procurement_method": "open_tender", "tenderers": rng.randrange(1, 6),
                                  "supplier_name": "ТОВ «Будівельник»", "supplier_edrpou": "32855961",
                                  "signed_price": price, "cost_estimate": price * Decimal("1.05"),
                                  "signed_date": decision + timedelta(days=rng.randrange(-10, 90)),
                                  "start_date": decision + timedelta(days=100), "duration_days": rng.randrange(60, 500),
                                  "status": "active", "contract_type": "lump_sum", "escalation": Decimal(0)})
        if stage == "completed":
            completions.append({"project_id": project_id, "completion_date": date(2025, 10, 1), "status": "completion",
                                "final_cost": budget, "acceptance_certificate": rng.choice([None, "ІУ-123"])})
    session.execute(insert(Project), projects)
    for model, rows in ((NeedsAssessment, needs), (ProjectPlan, plans), (FundingLine, funding),
                        (Contract, contracts), (ProjectCompletion, completions)):
        if rows:
            session.execute(insert(model), rows)
    _children(session, rng, [p["id"] for p in projects])
    session.flush()
    return [p["id"] for p in projects]


def _children(session: Session, rng: random.Random, ids: list[int]) -> None:
    """Permits, indicators, variations and disbursements, a few per project."""
    permits = [{"project_id": i, "kind": "Дозвіл на будівництво", "ref": f"ІУ{i}", "issued_date": date(2024, 9, 1)}
               for i in ids if rng.random() < 0.7]
    indicators = [{"project_id": i, "name": "Кількість місць", "unit": "місць", "baseline": Decimal(0),
                   "target": Decimal(rng.randrange(10, 500))} for i in ids]
    contracts = session.execute(select(Contract.id, Contract.project_id, Contract.signed_price)
                                .where(Contract.project_id.in_(ids))).all()
    variations = [{"contract_id": c, "project_id": p, "agreed_date": date(2025, 3, 1),
                   "price_change": price * Decimal("0.05"), "reason": "Подорожчання матеріалів"}
                  for c, p, price in contracts if rng.random() < 0.3]
    disbursements = [{"project_id": p, "contract_id": c, "paid_on": date(2025, 5, 1), "amount": price * Decimal("0.3"),
                      "source": "state_budget"} for c, p, price in contracts]
    for model, rows in ((Permit, permits), (Indicator, indicators), (ContractVariation, variations),
                        (Disbursement, disbursements)):
        if rows:
            session.execute(insert(model), rows)


def authority_count(session: Session) -> int:
    return len(session.exec(select(Authority.id)).all())

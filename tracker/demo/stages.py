"""Stage data for the demo projects, derived from each project's own stage, dates and funding.

Deterministic (seeded by the project's DREAM code) and realistic on purpose: most projects keep
the rules, some show the gaps real portfolios have — a consultation that was too short, a single
bidder, a price raised by more than ten per cent — so the compliance pages have something to say.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session

from tracker.core.identifiers import is_edrpou
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

RDNA = {"education": "education", "health": "health", "waterAndWaste": "water_sanitation",
        "energy": "energy", "energy.solar": "energy", "transport.road": "transport",
        "socialHousing": "housing", "cultureSportsAndRecreation": "culture"}
SUPPLIERS = ("ТОВ «Будівельна компанія Відродження»", "ТОВ «Слобожанбуд»", "ПП «Поліссяшляхбуд»",
             "ТОВ «Миколаївенергомонтаж»", "ТОВ «Київоблбудсервіс»")
STAGE_ORDER = ("needs_assessment", "planning", "implementation", "completed")


def add_stage_data(*, session: Session, project: Project, stage_dates: dict[str, date],
                   funding: list[FundingLine], to_uah) -> None:
    """Record what each stage the project has reached would have recorded."""
    rng = random.Random(project.dream_code or project.reference)  # noqa: S311  (repeatable demo data, not secrets)
    reached = STAGE_ORDER.index(project.stage)
    committed = sum((to_uah(line.amount_committed, line.currency) for line in funding), Decimal(0))
    budget = (committed * Decimal(rng.choice(["1.00", "1.00", "1.00", "1.08"]))).quantize(Decimal("1"))
    started = stage_dates["needs_assessment"]
    session.add(_needs(project, rng, started, budget))
    if reached >= 1:
        planned = stage_dates["planning"]
        plan = _plan(project, rng, planned, budget, levels=len({line.source for line in funding}))
        session.add(plan)
        session.add(Permit(project_id=project.id, kind="Дозвіл на виконання будівельних робіт",
                           ref=f"ІУ0{rng.randrange(10**8, 10**9)}", issued_date=planned + timedelta(days=30)))
        session.add(Indicator(project_id=project.id, name="Кількість людей, які користуються об'єктом",
                              unit="осіб", baseline=Decimal(0), target=Decimal(rng.randrange(200, 5000)),
                              actual=Decimal(rng.randrange(150, 5000)) if reached == 3 else None))
    if reached >= 2:
        _implementation(session, project, rng, stage_dates["implementation"], budget, funding, reached)
    if reached == 3:
        finished = stage_dates["completed"]
        session.add(ProjectCompletion(
            project_id=project.id, completion_date=finished, final_cost=budget, final_scope=plan.scope_output,
            change_reasons="Без суттєвих змін." if rng.random() < 0.7 else "Додано утеплення фасаду.",
            acceptance_certificate=f"ХК{rng.randrange(10**11, 10**12)}" if rng.random() < 0.85 else None,
            audit_report_ref="Звіт Держаудитслужби № 04-15/" + str(rng.randrange(100, 999)),
            evaluation_report_ref=None if rng.random() < 0.4 else "Звіт про оцінку результатів, 2025"))


def _needs(project: Project, rng: random.Random, started: date, budget: Decimal) -> NeedsAssessment:
    beneficiaries = rng.randrange(300, 20000)
    return NeedsAssessment(
        project_id=project.id,
        damage_register_ref=f"DR-{started.year}-{rng.randrange(1, 999999):06d}" if project.purpose == "restoration"
        else None,
        assessment_date=started, damage_description=project.description_uk,
        rdna_sector=RDNA.get(project.sector, "other"), estimated_cost=budget,
        beneficiaries=beneficiaries, idp_beneficiaries=beneficiaries // rng.randrange(5, 20),
        urgency=rng.choice(["critical", "high", "high", "medium"]),
        strategy_ref="Стратегія розвитку громади на 2021–2027 роки" if rng.random() < 0.85 else None,
        hromadas_served=1)


def _plan(project: Project, rng: random.Random, planned: date, budget: Decimal, levels: int) -> ProjectPlan:
    decision = planned + timedelta(days=rng.randrange(20, 60))
    consultation_days = rng.choice([30, 30, 21, 10])  # ten days is too short for the rules
    return ProjectPlan(
        project_id=project.id, scope_output=project.title_uk[:290], scope_quantity=Decimal(1), scope_unit="об'єкт",
        alternatives_considered=rng.choice([1, 2, 3]), budget_total=budget,
        budget_capex=(budget * Decimal("0.9")).quantize(Decimal("1")),
        budget_opex_annual=(budget * Decimal("0.03")).quantize(Decimal("1")),
        budget_life_cycle_cost=(budget * Decimal("1.6")).quantize(Decimal("1")),
        cofinancing_agreement_ref=f"УС-{decision.year}/{rng.randrange(1, 99)}" if levels > 1 else None,
        cofinancing_agreement_date=decision if levels > 1 else None,
        council_decision_number=f"{rng.randrange(100, 3000)}-{rng.choice(['VIII', 'VIII'])}",
        council_decision_date=decision,
        consultation_start_date=decision - timedelta(days=consultation_days + 10),
        consultation_end_date=decision - timedelta(days=10),
        consultation_participants=rng.randrange(15, 400),
        consultation_outcome="Пропозиції мешканців враховано в проєкті.",
        consultation_outcome_published_date=decision - timedelta(days=5),
        environmental_impact="Суттєвого впливу на довкілля не очікується.",
        social_impact="Відновлення доступу мешканців до послуг.",
        land_impact="Роботи в межах наявної земельної ділянки, переселення не потрібне.",
        risk_assessment="Ризики обстрілів, подорожчання матеріалів, затримки постачання.",
        consequence_class=rng.choice(["CC1", "CC2", "CC2"]),
        expert_review_ref=f"ЕЗ-{decision.year}-{rng.randrange(100, 9999)}",
        expert_review_date=decision - timedelta(days=15),
        procurement_plan="Відкриті торги в Prozorro.", project_manager_name=rng.choice(
            ["Оксана Бондаренко", "Ігор Ткаченко", "Марина Шевчук", "Тарас Кравченко"]),
        project_manager_certified=rng.random() < 0.6, schedule_start=decision + timedelta(days=45),
        schedule_end=decision + timedelta(days=45 + rng.randrange(180, 540)))


def _implementation(session: Session, project: Project, rng: random.Random, began: date, budget: Decimal,
                    funding: list[FundingLine], reached: int) -> None:
    session.add(ProjectImplementation(project_id=project.id,
                                      technical_supervision="ТОВ «Технагляд-Україна»"))
    price = (budget * Decimal("0.92")).quantize(Decimal("0.01"))
    supplier = rng.randrange(len(SUPPLIERS))
    stem = f"3{rng.randrange(10**6, 10**7)}"
    # Some stems have no valid check digit; the demo then uses a known valid code.
    code = next((stem + str(digit) for digit in range(10) if is_edrpou(stem + str(digit))), "32855961")
    contract = Contract(
        project_id=project.id, title="Виконання будівельних робіт", subject="works",
        tender_id=f"UA-{began.year}-{began.month:02d}-{began.day:02d}-{rng.randrange(1, 999999):06d}-a",
        procurement_method="open_tender", tenderers=rng.choice([1, 2, 3, 4, 5]),
        procuring_entity="Управління капітального будівництва", procuring_entity_contact="ukb@example.gov.ua",
        administrative_entity="Управління капітального будівництва", status="completed" if reached == 3 else "active",
        contract_type="lump_sum", supplier_name=SUPPLIERS[supplier], supplier_edrpou=code,
        cost_estimate=(price * Decimal("1.04")).quantize(Decimal("0.01")), signed_price=price,
        scope=project.title_uk[:280], signed_date=began + timedelta(days=20), start_date=began + timedelta(days=30),
        duration_days=rng.randrange(120, 420))
    session.add(contract)
    session.flush()
    if rng.random() < 0.3:
        share = rng.choice([Decimal("0.05"), Decimal("0.12")])  # twelve per cent is a red flag
        session.add(ContractVariation(contract_id=contract.id, project_id=project.id,
                                      agreed_date=began + timedelta(days=120),
                                      price_change=(price * share).quantize(Decimal("0.01")),
                                      reason="Подорожчання будівельних матеріалів."))
    paid_share = Decimal("0.95") if reached == 3 else Decimal(rng.choice(["0.2", "0.4", "0.6"]))
    source = funding[0].source if funding else "local_budget"
    session.add(Disbursement(project_id=project.id, contract_id=contract.id, paid_on=began + timedelta(days=90),
                             amount=(price * paid_share).quantize(Decimal("0.01")), source=source))
    progress = 100 if reached == 3 else rng.randrange(15, 85)
    session.add(ProgressObservation(project_id=project.id, observed_on=began + timedelta(days=100),
                                    physical_percent=progress, note="Огляд об'єкта технаглядом."))
    session.add(Milestone(project_id=project.id, name="Завершення будівельних робіт",
                          planned_date=began + timedelta(days=300),
                          actual_date=began + timedelta(days=310) if reached == 3 else None))

"""Shared test material: a project that passes every shipped rule, mutations that fail each one,
and a helper to compile small rule sets from YAML text."""
from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from tracker.rules import RuleSet, parse_rule_set

RULES_DIR = Path(__file__).resolve().parents[2] / "governance_rules"

_HEADER = """\
id: test_set
version: "1"
title_uk: Тест
title_en: Test
source: tests
rules:
"""

_EXPLAIN = """\
    explain:
      pass_uk: так
      pass_en: 'yes'
      fail_uk: ні
      fail_en: 'no'
"""


def rule_set_from(rules_yaml: str, name: str = "test.yaml") -> RuleSet:
    """A rule set from the YAML of its rules (indented as list items under ``rules:``)."""
    return parse_rule_set((_HEADER + textwrap.dedent(rules_yaml)).encode(), name)


def one_rule(condition: str, parameters: str = "", applies_if: str = "", rule_id: str = "T-01") -> RuleSet:
    """A rule set holding one warning rule with this condition (YAML, at column 0)."""
    condition, parameters, applies_if = (part if part.endswith("\n") or not part else part + "\n"
                                         for part in (condition, parameters, applies_if))
    text = f"- id: {rule_id}\n  title_uk: т\n  title_en: t\n  principles: [P1]\n  severity: warning\n"
    if parameters:
        text += "  parameters:\n" + textwrap.indent(textwrap.dedent(parameters), "    ")
    if applies_if:
        text += "  applies_if:\n" + textwrap.indent(textwrap.dedent(applies_if), "    ")
    text += "  condition:\n" + textwrap.indent(textwrap.dedent(condition), "    ")
    return rule_set_from(textwrap.indent(text, "  ") + _EXPLAIN)


def _works_contract() -> dict:
    return {
        "title": "Капітальний ремонт школи", "subject": "works", "tender_id": "UA-2024-07-15-000123-a",
        "procurement_method": "open_tender", "tenderers": 3, "procuring_entity": "Виконком громади",
        "procuring_entity_contact": "zakupivli@example.ua", "administrative_entity": "Відділ капбудівництва",
        "status": "completed", "contract_type": "lump_sum", "supplier_name": "ТОВ Будівельник",
        "supplier_edrpou": "12345678", "cost_estimate": Decimal("10200000"), "original_price": Decimal("10000000"),
        "price": Decimal("10500000"), "scope": "Ремонт корпусу А", "signed_date": date(2024, 7, 20),
        "start_date": date(2024, 8, 1), "duration_days": 365, "price_variation": Decimal("500000"),
        "escalation": Decimal("0"), "duration_variation_days": 30, "scope_changed": False,
        "price_change_reason": "Подорожчання матеріалів", "scope_duration_change_reason": "Зимова перерва",
    }


def _services_contract() -> dict:
    return {
        "title": "Технічний нагляд", "subject": "services", "tender_id": "UA-2024-07-16-000456-b",
        "procurement_method": "simplified", "tenderers": 2, "procuring_entity": "Виконком громади",
        "procuring_entity_contact": "zakupivli@example.ua", "administrative_entity": "Відділ капбудівництва",
        "status": "completed", "contract_type": "lump_sum", "supplier_name": "ФОП Коваль",
        "supplier_edrpou": "1234567890", "cost_estimate": Decimal("320000"), "original_price": Decimal("300000"),
        "price": Decimal("300000"), "scope": "Технічний нагляд за ремонтом", "signed_date": date(2024, 7, 25),
        "start_date": date(2024, 8, 1), "duration_days": 365, "price_variation": Decimal("0"),
        "escalation": Decimal("0"), "duration_variation_days": 0, "scope_changed": False,
    }


def good_facts() -> dict[str, Any]:
    """A completed school rehabilitation that passes every shipped rule."""
    return {
        "identification": {
            "title": "Відновлення школи № 3", "description": "Капітальний ремонт пошкодженої школи",
            "sector": "education", "subsector": "education.school", "project_type": "rehabilitation",
            "purpose": "restoration", "location_code": "UA63120270010096535", "dream_code": "DREAM-2024-000123",
            "owner": {"name": "Рада громади", "level": "hromada", "contact": "rada@example.ua"},
            "location": {"check": "ok", "point_oblast_uk": "Харківська область", "point_oblast_en": "Kharkiv Oblast",
                         "code_oblast_uk": "Харківська область", "code_oblast_en": "Kharkiv Oblast"},
        },
        "needs": {
            "damage_register_ref": "РПЗМ-2023-555", "assessment_date": date(2024, 3, 1), "beneficiaries": 850,
            "idp_beneficiaries": 120, "estimated_cost": Decimal("11000000"), "urgency": "high",
            "strategy_ref": "Стратегія розвитку громади 2021–2027", "hromadas_served": 2,
        },
        "planning": {
            "scope": {"output": "Будівля школи", "quantity": Decimal("1"), "unit": "будівля"},
            "alternatives_considered": 2,
            "budget": {"total": Decimal("12000000"), "capex": Decimal("11000000"),
                       "opex_annual": Decimal("400000"), "life_cycle_cost": Decimal("20000000")},
            "funding": [
                {"level": "local", "source": "local_budget", "financier": "Громада",
                 "committed": Decimal("4000000"), "disbursed": Decimal("3500000"), "currency": "UAH"},
                {"level": "national", "source": "state_budget", "financier": "Мінрозвитку",
                 "committed": Decimal("8000000"), "disbursed": Decimal("6500000"), "currency": "UAH"},
            ],
            "cofinancing_agreement": {"ref": "УС-1/2024", "date": date(2024, 5, 1)},
            "intermunicipal_agreement": {"ref": "ДС-7"},
            "council_decision": {"number": "12/34", "date": date(2024, 6, 1)},
            "consultation": {"start_date": date(2024, 4, 1), "end_date": date(2024, 4, 30), "participants": 45,
                             "outcome_published_date": date(2024, 5, 10)},
            "environmental_impact": "ОВД-2024-1", "land_impact": "Без переселення", "risk_assessment": "ОР-1",
            "permits": [{"kind": "дозвіл на будівельні роботи", "ref": "ІУ-123", "issued_date": date(2024, 7, 1)}],
            "consequence_class": "CC2", "expert_review": {"ref": "ЕЗ-55", "date": date(2024, 6, 20)},
            "procurement_plan": "РПЗ-2024",
            "indicators": [{"name": "Учні", "unit": "осіб", "baseline": Decimal("0"), "target": Decimal("600"),
                            "actual": Decimal("580")}],
            "project_manager": {"name": "О. Петренко", "certified": True},
            "partners": [{"name": "Сусідня громада", "role": "beneficiary", "country": "UA"}],
            "schedule": {"start": date(2024, 8, 1), "end": date(2025, 8, 1)},
        },
        "implementation": {
            "contracts": [_works_contract(), _services_contract()],
            "disbursements": [{"date": date(2025, 1, 10), "amount": Decimal("10000000"), "source": "state_budget"}],
            "physical_progress": 100,
            "milestones": [{"name": "Дах", "planned_date": date(2024, 11, 1), "actual_date": date(2024, 11, 15)}],
            "technical_supervision": "ФОП Коваль",
        },
        "citizens": {"complaints_open": 0, "complaints_overdue": 0, "appeals_overdue": 0, "appeals_due": 4,
                     "answered_on_time_percent": 100, "corruption_complaints_open": 0,
                     "corruption_complaints_overdue": 0},
        "completion": {
            "status": "completion", "date": date(2025, 9, 1), "final_cost": Decimal("11500000"),
            "final_scope": "Будівля школи", "change_reasons": "Економія на закупівлях",
            "acceptance_certificate": "ДАБІ-АКТ-1", "audit_report_ref": "АУД-1", "evaluation_report_ref": "ОЦ-1",
        },
    }


def _parts(path: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in path.split(".")]


def without(*paths: str) -> Callable[[dict], None]:
    """A mutation removing the values at dotted paths (``implementation.contracts.0.title``)."""
    def mutate(facts: dict) -> None:
        for path in paths:
            *head, last = _parts(path)
            node: Any = facts
            for part in head:
                node = node[part]
            del node[last]
    return mutate


def setting(path: str, value: Any) -> Callable[[dict], None]:
    """A mutation setting the value at a dotted path."""
    def mutate(facts: dict) -> None:
        *head, last = _parts(path)
        node: Any = facts
        for part in head:
            node = node[part]
        node[last] = value
    return mutate


def _append_contracts(*prices: str) -> Callable[[dict], None]:
    def mutate(facts: dict) -> None:
        for price in prices:
            contract = _services_contract()
            contract.update(subject="goods", original_price=Decimal(price), price=Decimal(price),
                            cost_estimate=Decimal(price))
            facts["implementation"]["contracts"].append(contract)
    return mutate


def _each(path: str, value: Any) -> Callable[[dict], None]:
    def mutate(facts: dict) -> None:
        list_path, _, field = path.rpartition(".")
        node: Any = facts
        for part in list_path.split("."):
            node = node[part]
        for record in node:
            record[field] = value
    return mutate


C0 = "implementation.contracts.0"
#: For every shipped automatic rule: a change to good_facts() that makes it fail.
FAILING: dict[str, Callable[[dict], None]] = {
    "OECD-P1-01": without("needs.strategy_ref"),
    "OECD-P1-02": setting("identification.location_code", "63120270010096535"),
    "OECD-P2-01": without("planning.cofinancing_agreement"),
    "OECD-P2-02": without("identification.dream_code"),
    "OECD-P3-01": without("planning.intermunicipal_agreement"),
    "OECD-P3-02": _each("planning.partners.role", "twinning_partner"),
    "OECD-P4-01": without("needs.damage_register_ref"),
    "OECD-P4-02": setting("needs.beneficiaries", 0),
    "OECD-P4-03": without("planning.risk_assessment"),
    "OECD-P4-04": without("planning.budget.opex_annual", "planning.budget.life_cycle_cost"),
    "OECD-P4-05": setting("planning.alternatives_considered", 1),
    "OECD-P5-01": setting("planning.consultation.end_date", date(2024, 4, 6)),
    "OECD-P5-02": setting("planning.consultation.outcome_published_date", date(2024, 6, 5)),
    "OECD-P5-03": setting("planning.consultation.participants", 3),
    "OECD-P5-04": setting("citizens.appeals_overdue", 1),
    "OECD-P5-05": setting("citizens.corruption_complaints_overdue", 1),
    "OECD-P6-01": without("planning.funding.0.financier"),
    "OECD-P6-02": _each("planning.funding.source", "state_budget"),
    "OECD-P7-01": without("planning.project_manager.name"),
    "OECD-P7-02": without("implementation.technical_supervision"),
    "OECD-P7-03": setting("planning.project_manager.certified", False),
    "OECD-P8-01": without("planning.indicators.0.target"),
    "OECD-P8-02": without("completion.evaluation_report_ref"),
    "OECD-P8-03": without("planning.indicators.0.actual"),
    "OECD-P8-04": setting("implementation.physical_progress", 120),
    "OECD-P9-01": setting("planning.funding.1.committed", Decimal("5000000")),
    "OECD-P9-02": setting("needs.estimated_cost", Decimal("5000000")),
    "OECD-P9-03": setting("completion.final_cost", Decimal("15000000")),
    "OECD-P10-01": without("planning.council_decision.number"),
    "OECD-P10-02": setting("implementation.disbursements.0.amount", Decimal("13000000")),
    "OECD-P10-03": without("completion.audit_report_ref"),
    "OECD-P10-04": setting("planning.funding.0.disbursed", Decimal("4500000")),
    "OECD-P11-01": without("planning.procurement_plan"),
    "OECD-P11-02": _each("implementation.contracts.tenderers", 1),
    "OECD-P12-01": setting("planning.permits", []),
    "OECD-P12-02": without("planning.expert_review"),
    "OECD-P12-03": without("completion.acceptance_certificate"),
    "COST-IDS-01": without("identification.owner.name"),
    "COST-IDS-02": without("identification.sector"),
    "COST-IDS-03": without("identification.subsector"),
    "COST-IDS-04": without("identification.title"),
    "COST-IDS-05": without("identification.location_code"),
    "COST-IDS-06": without("identification.purpose"),
    "COST-IDS-07": without("identification.description"),
    "COST-IDS-08": without("planning.scope.unit"),
    "COST-IDS-09": without("planning.environmental_impact"),
    "COST-IDS-10": without("planning.land_impact"),
    "COST-IDS-11": without("identification.owner.contact"),
    "COST-IDS-12": without("planning.funding.1.source"),
    "COST-IDS-13": without("planning.budget.total"),
    "COST-IDS-14": without("planning.council_decision.date"),
    "COST-IDS-15": without(f"{C0}.procuring_entity"),
    "COST-IDS-16": without(f"{C0}.procuring_entity_contact"),
    "COST-IDS-17": without(f"{C0}.administrative_entity"),
    "COST-IDS-18": without(f"{C0}.status"),
    "COST-IDS-19": without(f"{C0}.procurement_method"),
    "COST-IDS-20": without(f"{C0}.contract_type"),
    "COST-IDS-21": without(f"{C0}.tenderers"),
    "COST-IDS-22": without(f"{C0}.cost_estimate"),
    "COST-IDS-23": without(f"{C0}.title"),
    "COST-IDS-24": without(f"{C0}.supplier_name"),
    "COST-IDS-25": without(f"{C0}.price"),
    "COST-IDS-26": without(f"{C0}.scope"),
    "COST-IDS-27": without(f"{C0}.duration_days"),
    "COST-IDS-28": without(f"{C0}.price_variation"),
    "COST-IDS-29": without(f"{C0}.escalation"),
    "COST-IDS-30": without(f"{C0}.duration_variation_days"),
    "COST-IDS-31": without(f"{C0}.scope_changed"),
    "COST-IDS-32": without(f"{C0}.price_change_reason"),
    "COST-IDS-33": without(f"{C0}.scope_duration_change_reason"),
    "COST-IDS-34": without("completion.status"),
    "COST-IDS-35": without("completion.final_cost"),
    "COST-IDS-36": without("completion.date"),
    "COST-IDS-37": without("completion.final_scope"),
    "COST-IDS-38": without("completion.change_reasons"),
    "COST-IDS-39": without("completion.audit_report_ref"),
    "COST-IDS-40": without("completion.evaluation_report_ref"),
    "UA-PROC-01": setting("implementation.contracts.1.tender_id", "12345"),
    "UA-PROC-02": without(f"{C0}.tender_id"),
    "UA-PROC-03": setting("implementation.contracts.1.tender_id", "UA-2024-7-16-456-b"),
    "UA-PROC-04": setting(f"{C0}.tenderers", 1),
    "UA-PROC-05": setting(f"{C0}.price", Decimal("11500000")),
    "UA-PROC-06": _append_contracts("185000", "195000"),
    "UA-PROC-07": setting(f"{C0}.signed_date", date(2024, 5, 1)),
    "UA-PROC-08": setting(f"{C0}.start_date", date(2024, 7, 1)),
    "UA-PROC-09": setting(f"{C0}.cost_estimate", Decimal("9000000")),
    "UA-PROC-10": setting(f"{C0}.supplier_edrpou", "1234"),
    "UA-PROC-11": setting(f"{C0}.duration_days", 4000),
    "UA-PROC-12": setting("planning.budget.total", Decimal("10000000")),
    "DQ-LOC-01": setting("identification.location.check", "missing"),
    "DQ-LOC-02": setting("identification.location.check", "outside_oblast"),
}


def mutated(rule_id: str) -> dict:
    facts = copy.deepcopy(good_facts())
    FAILING[rule_id](facts)
    return facts

"""The typed fact vocabulary: every fact a rule may name, declared in code so rules are checked at load.

A fact has a dotted name (``planning.council_decision.date``). Callers pass facts as nested mappings
that follow the dots: ``{"planning": {"council_decision": {"date": date(2025, 3, 1)}}}``.
List facts hold records (mappings) whose fields are typed as well.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .types import ValueType, coerce_scalar

# The closed lists below repeat tracker.models.vocab by value, because this package stays free of the
# app's imports; tests/rules/test_vocabulary.py checks that the two agree.
STAGES = ("needs_assessment", "planning", "implementation", "completed")
SECTORS = ("education", "health", "energy", "energy.solar", "communications", "waterAndWaste", "governance",
           "economy", "cultureSportsAndRecreation", "transport", "transport.rail", "transport.road",
           "transport.urban", "socialHousing", "naturalResources.floodProtection")
PROJECT_TYPES = ("construction", "rehabilitation", "replacement", "expansion", "decommissioning")
PURPOSES = ("restoration", "development")
AUTHORITY_LEVELS = ("national", "oblast", "raion", "hromada", "settlement", "city_district")
#: How a project's point agrees with its KATOTTG code (``tracker.core.geo.STATUSES``).
LOCATION_CHECKS = ("ok", "missing", "outside_ukraine", "outside_oblast", "unknown_code")
FUNDING_SOURCES = ("local_budget", "oblast_budget", "state_budget", "eu", "international_financier", "donor",
                   "private")
FUNDING_LEVELS = ("local", "regional", "national", "international", "private")
CURRENCIES = ("UAH", "EUR", "USD")
PARTY_ROLES = ("owner", "co_financer", "implementer", "beneficiary", "twinning_partner", "technical_assistance")
URGENCY = ("critical", "high", "medium", "low")
CONSEQUENCE_CLASSES = ("CC1", "CC2", "CC3")
PROCUREMENT_METHODS = ("open_tender", "open_tender_eu", "simplified", "competitive_dialogue",
                       "framework_agreement", "catalogue", "negotiated", "direct")
CONTRACT_TYPES = ("lump_sum", "unit_price", "design_build", "framework", "other")
CONTRACT_SUBJECTS = ("goods", "services", "works")
CONTRACT_STATUSES = ("planned", "active", "completed", "terminated", "cancelled")
PROJECT_STATUSES = ("identification", "preparation", "implementation", "completion", "maintenance",
                    "decommissioning", "decommissioned", "cancelled")


@dataclass(frozen=True)
class Fact:
    """A named, typed value about a project (or, inside a list, a field of its records)."""

    name: str
    type: ValueType
    title_en: str
    title_uk: str
    values: tuple[str, ...] = ()  # allowed values of an enumeration
    fields: tuple[Fact, ...] = field(default=())  # fields of a list's records

    def field(self, name: str) -> Fact | None:
        return next((item for item in self.fields if item.name == name), None)

    def coerce(self, value: Any) -> Any:
        """``value`` checked and converted to this fact's type; ValueError/TypeError say why it does not fit."""
        if self.type is not ValueType.LIST:
            return coerce_scalar(self.type, value, self.values)
        if not isinstance(value, (list, tuple)):
            raise TypeError("is not a list")
        return [self._coerce_record(record, index) for index, record in enumerate(value)]

    def _coerce_record(self, record: Any, index: int) -> dict:
        if not isinstance(record, Mapping):
            raise TypeError(f"item {index} is not a record")
        clean = {}
        for item in self.fields:
            raw = record.get(item.name)
            if raw is None:
                continue
            try:
                clean[item.name] = coerce_scalar(item.type, raw, item.values)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"item {index} field {item.name}: {exc}") from exc
        return clean


def _f(name: str, kind: ValueType, en: str, uk: str, values: tuple[str, ...] = ()) -> Fact:
    return Fact(name, kind, en, uk, values)


def _list(name: str, en: str, uk: str, *fields: Fact) -> Fact:
    return Fact(name, ValueType.LIST, en, uk, fields=fields)


# One-letter type names keep the table below readable.
T, INT, N, M, D, B, E = (ValueType.TEXT, ValueType.INTEGER, ValueType.NUMBER, ValueType.MONEY, ValueType.DATE,
                         ValueType.BOOLEAN, ValueType.ENUM)

_FACTS = (
    # Identification
    _f("identification.title", T, "Project name", "Назва проєкту"),
    _f("identification.description", T, "Project description", "Опис проєкту"),
    _f("identification.sector", E, "Sector (OC4IDS)", "Сектор (OC4IDS)", SECTORS),
    _f("identification.subsector", T, "Subsector", "Підсектор"),
    _f("identification.project_type", E, "Project type (OC4IDS)", "Тип проєкту (OC4IDS)", PROJECT_TYPES),
    _f("identification.purpose", E, "Purpose", "Мета", PURPOSES),
    _f("identification.location_code", T, "Location (KATOTTG code)", "Місце (код КАТОТТГ)"),
    _f("identification.location.check", E, "Location check (point against KATOTTG code)",
       "Перевірка місця (точка і код КАТОТТГ)", LOCATION_CHECKS),
    _f("identification.location.point_oblast_uk", T, "Oblast the point lies in (Ukrainian)",
       "Область, у якій лежить точка (українською)"),
    _f("identification.location.point_oblast_en", T, "Oblast the point lies in (English)",
       "Область, у якій лежить точка (англійською)"),
    _f("identification.location.code_oblast_uk", T, "Oblast of the KATOTTG code (Ukrainian)",
       "Область коду КАТОТТГ (українською)"),
    _f("identification.location.code_oblast_en", T, "Oblast of the KATOTTG code (English)",
       "Область коду КАТОТТГ (англійською)"),
    _f("identification.address", T, "Address", "Адреса"),
    _f("identification.dream_code", T, "Project code in DREAM", "Код проєкту в DREAM"),
    _f("identification.owner.name", T, "Project owner", "Власник проєкту"),
    _f("identification.owner.level", E, "Owner's level of government", "Рівень влади власника",
       AUTHORITY_LEVELS),
    _f("identification.owner.contact", T, "Owner's contact details", "Контакти власника"),
    # Needs assessment
    _f("needs.damage_register_ref", T, "Damage register reference", "Посилання на реєстр пошкодженого майна"),
    _f("needs.assessment_date", D, "Needs assessment date", "Дата оцінки потреб"),
    _f("needs.beneficiaries", INT, "Beneficiaries", "Кількість вигодонабувачів"),
    _f("needs.idp_beneficiaries", INT, "Internally displaced beneficiaries", "З них внутрішньо переміщених осіб"),
    _f("needs.estimated_cost", M, "Estimated cost", "Орієнтовна вартість"),
    _f("needs.urgency", E, "Urgency", "Терміновість", URGENCY),
    _f("needs.strategy_ref", T, "Development strategy implemented", "Стратегія розвитку, яку реалізує проєкт"),
    _f("needs.hromadas_served", INT, "Hromadas served", "Кількість громад, яким служить проєкт"),
    # Planning
    _f("planning.scope.output", T, "Main output", "Основний результат"),
    _f("planning.scope.quantity", N, "Output quantity", "Обсяг результату"),
    _f("planning.scope.unit", T, "Output unit", "Одиниця виміру результату"),
    _f("planning.alternatives_considered", INT, "Alternatives considered", "Кількість розглянутих альтернатив"),
    _f("planning.budget.total", M, "Total budget", "Загальний бюджет"),
    _f("planning.budget.capex", M, "Capital expenditure", "Капітальні видатки"),
    _f("planning.budget.opex_annual", M, "Annual operating cost", "Річні експлуатаційні витрати"),
    _f("planning.budget.life_cycle_cost", M, "Life-cycle cost", "Вартість життєвого циклу"),
    _list("planning.funding", "Funding lines", "Джерела фінансування",
          _f("level", E, "Level that pays", "Рівень, що фінансує", FUNDING_LEVELS),
          _f("source", E, "Source", "Джерело", FUNDING_SOURCES),
          _f("financier", T, "Financier", "Фінансувальник"),
          _f("committed", M, "Committed (UAH)", "Передбачено (грн)"),
          _f("disbursed", M, "Disbursed (UAH)", "Сплачено (грн)"),
          _f("currency", E, "Original currency", "Валюта угоди", CURRENCIES)),
    # The funding lines added up (in hryvnias, each line converted at the deployment's rate), for explanations
    # that give the figures: a block says how much is committed and how much of the budget is not yet covered.
    _f("planning.funding_total.committed", M, "Committed in all", "Передбачено загалом"),
    _f("planning.funding_total.gap", M, "Budget not yet covered", "Непокрита частина бюджету"),
    _f("planning.cofinancing_agreement.ref", T, "Co-financing agreement", "Угода про співфінансування"),
    _f("planning.cofinancing_agreement.date", D, "Co-financing agreement date", "Дата угоди про співфінансування"),
    _f("planning.intermunicipal_agreement.ref", T, "Inter-municipal co-operation agreement",
       "Договір про співробітництво територіальних громад"),
    _f("planning.council_decision.number", T, "Council budget decision number", "Номер рішення ради про бюджет"),
    _f("planning.council_decision.date", D, "Council budget decision date", "Дата рішення ради про бюджет"),
    _f("planning.consultation.start_date", D, "Public consultation start", "Початок громадського обговорення"),
    _f("planning.consultation.end_date", D, "Public consultation end", "Кінець громадського обговорення"),
    _f("planning.consultation.participants", INT, "Consultation participants", "Учасники обговорення"),
    _f("planning.consultation.outcome_published_date", D, "Consultation outcome published",
       "Дата оприлюднення результатів обговорення"),
    _f("planning.environmental_impact", T, "Environmental impact assessment", "Оцінка впливу на довкілля"),
    _f("planning.land_impact", T, "Land and resettlement impact", "Вплив на землю та переселення"),
    _f("planning.risk_assessment", T, "Risk assessment", "Оцінка ризиків"),
    _list("planning.permits", "Permits", "Дозвільні документи",
          _f("kind", T, "Kind", "Вид"),
          _f("ref", T, "Number", "Номер"),
          _f("issued_date", D, "Issued", "Дата видачі")),
    _f("planning.consequence_class", E, "Consequence class", "Клас наслідків", CONSEQUENCE_CLASSES),
    _f("planning.expert_review.ref", T, "State expert review report", "Експертний звіт (експертиза проєкту)"),
    _f("planning.expert_review.date", D, "State expert review date", "Дата експертного звіту"),
    _f("planning.procurement_plan", T, "Procurement plan", "Річний план закупівель"),
    _list("planning.indicators", "Result indicators", "Показники результату",
          _f("name", T, "Indicator", "Показник"),
          _f("unit", T, "Unit", "Одиниця"),
          _f("baseline", N, "Baseline", "Базове значення"),
          _f("target", N, "Target", "Цільове значення"),
          _f("actual", N, "Actual", "Фактичне значення")),
    _f("planning.project_manager.name", T, "Project manager", "Керівник проєкту"),
    _f("planning.project_manager.certified", B, "Project manager certified", "Керівник проєкту сертифікований"),
    _list("planning.partners", "Partners", "Партнери",
          _f("name", T, "Name", "Назва"),
          _f("role", E, "Role", "Роль", PARTY_ROLES),
          _f("country", T, "Country", "Країна")),
    _f("planning.schedule.start", D, "Planned start", "Запланований початок"),
    _f("planning.schedule.end", D, "Planned completion", "Заплановане завершення"),
    # Implementation
    _list("implementation.contracts", "Contracts", "Договори",
          _f("title", T, "Contract title", "Назва договору"),
          _f("subject", E, "Subject", "Предмет", CONTRACT_SUBJECTS),
          _f("tender_id", T, "Prozorro tender id", "Ідентифікатор закупівлі в Prozorro"),
          _f("procurement_method", E, "Procurement method", "Процедура закупівлі", PROCUREMENT_METHODS),
          _f("tenderers", INT, "Number of tenderers", "Кількість учасників"),
          _f("procuring_entity", T, "Procuring entity", "Замовник"),
          _f("procuring_entity_contact", T, "Procuring entity contact", "Контакти замовника"),
          _f("administrative_entity", T, "Contract administration entity", "Хто адмініструє договір"),
          _f("status", E, "Contract status", "Стан договору", CONTRACT_STATUSES),
          _f("contract_type", E, "Contract type", "Тип договору", CONTRACT_TYPES),
          _f("supplier_name", T, "Contractor", "Виконавець"),
          _f("supplier_edrpou", T, "Contractor's EDRPOU code", "Код ЄДРПОУ виконавця"),
          _f("cost_estimate", M, "Cost estimate", "Очікувана вартість"),
          _f("original_price", M, "Price at signature", "Ціна при підписанні"),
          _f("price", M, "Current price", "Поточна ціна"),
          _f("scope", T, "Scope of work", "Обсяг робіт"),
          _f("signed_date", D, "Signed", "Дата підписання"),
          _f("start_date", D, "Start", "Дата початку"),
          _f("duration_days", INT, "Duration (days)", "Тривалість (днів)"),
          _f("price_variation", M, "Variation to price", "Зміна ціни"),
          _f("escalation", M, "Price escalation", "Індексація ціни"),
          _f("duration_variation_days", INT, "Variation to duration (days)", "Зміна тривалості (днів)"),
          _f("scope_changed", B, "Scope varied", "Обсяг змінено"),
          _f("price_change_reason", T, "Reasons for price changes", "Причини зміни ціни"),
          _f("scope_duration_change_reason", T, "Reasons for scope and duration changes",
             "Причини зміни обсягу та тривалості")),
    _list("implementation.disbursements", "Disbursements", "Виплати",
          _f("date", D, "Date", "Дата"),
          _f("amount", M, "Amount (UAH)", "Сума (грн)"),
          _f("source", E, "Source", "Джерело", FUNDING_SOURCES)),
    _f("implementation.physical_progress", INT, "Physical progress (%)", "Фізичний прогрес (%)"),
    _list("implementation.milestones", "Milestones", "Етапи",
          _f("name", T, "Milestone", "Етап"),
          _f("planned_date", D, "Planned", "Заплановано"),
          _f("actual_date", D, "Reached", "Досягнуто")),
    _f("implementation.technical_supervision", T, "Technical supervision", "Технічний нагляд"),
    # Completion
    _f("completion.status", E, "Project status (OC4IDS)", "Стан проєкту (OC4IDS)", PROJECT_STATUSES),
    _f("completion.date", D, "Completion date", "Дата завершення"),
    _f("completion.final_cost", M, "Completion cost", "Вартість на завершення"),
    _f("completion.final_scope", T, "Scope at completion", "Обсяг на завершення"),
    _f("completion.change_reasons", T, "Reasons for project changes", "Причини змін у проєкті"),
    _f("completion.acceptance_certificate", T, "Acceptance certificate", "Акт готовності об'єкта до експлуатації"),
    _f("completion.audit_report_ref", T, "Audit report", "Аудиторський звіт"),
    _f("completion.evaluation_report_ref", T, "Evaluation report", "Звіт про оцінку результатів"),
    # Citizens' voice: confirmed, not hidden questions and complaints (counted on the day of the evaluation)
    _f("citizens.complaints_open", INT, "Complaints without an answer", "Скарги без відповіді"),
    _f("citizens.complaints_overdue", INT, "Complaints past their due date without an answer",
       "Скарги без відповіді після встановленого строку"),
    _f("citizens.appeals_overdue", INT, "Questions and complaints past their due date without an answer",
       "Запитання і скарги без відповіді після встановленого строку"),
    _f("citizens.appeals_due", INT, "Questions and complaints due by now or answered",
       "Запитання і скарги, строк відповіді на які настав або на які відповіли"),
    _f("citizens.answered_on_time_percent", N, "Questions and complaints answered on time (%)",
       "Запитання і скарги, на які відповіли вчасно (%)"),
    _f("citizens.corruption_complaints_open", INT, "Complaints of suspected corruption without an answer",
       "Скарги про підозру на корупцію без відповіді"),
    _f("citizens.corruption_complaints_overdue", INT,
       "Complaints of suspected corruption past their due date without an answer",
       "Скарги про підозру на корупцію без відповіді після встановленого строку"),
)

#: Every fact by its dotted name.
VOCABULARY: dict[str, Fact] = {fact.name: fact for fact in _FACTS}


@dataclass(frozen=True)
class NormalisedFacts:
    """Facts looked up by dotted name and converted to their types; ``problems`` lists what was refused."""

    values: dict[str, Any]
    problems: tuple[str, ...]

    def get(self, name: str) -> Any:
        return self.values.get(name)


#: Each fact's path split once: normalising runs for every project of every evaluation.
_PATHS: dict[str, tuple[str, ...]] = {name: tuple(name.split(".")) for name in VOCABULARY}


def normalise_facts(facts: Mapping[str, Any] | NormalisedFacts) -> NormalisedFacts:
    """Walk the nested ``facts`` along each declared name; a value of the wrong type counts as missing.

    Already normalised facts are returned as they are, so one project's facts are normalised once
    for all the rule sets that check them.
    """
    if isinstance(facts, NormalisedFacts):
        return facts
    values: dict[str, Any] = {}
    problems = []
    for name, fact in VOCABULARY.items():
        raw = _walk(facts, _PATHS[name])
        if raw is None:
            continue
        try:
            values[name] = fact.coerce(raw)
        except (TypeError, ValueError) as exc:
            problems.append(f"{name}: {exc}")
    return NormalisedFacts(values, tuple(problems))


def _walk(facts: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = facts
    for part in path:
        # the exact-type test first: plain dicts are the common case and ABC checks are slow
        if type(node) is not dict and not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def render_vocabulary(lang: str = "en") -> str:
    """The vocabulary as text, one fact a line (list fields indented), for ``vidnova rules facts``."""
    lines = []
    for fact in _FACTS:
        lines.append(_describe(fact, fact.name, lang))
        lines.extend(_describe(item, f"  .{item.name}", lang) for item in fact.fields)
    return "\n".join(lines)


def _describe(fact: Fact, label: str, lang: str) -> str:
    title = fact.title_uk if lang == "uk" else fact.title_en
    kind = f"{fact.type.value}[{'|'.join(fact.values)}]" if fact.values else fact.type.value
    return f"{label:<44} {kind:<12} {title}"

"""Closed vocabularies of the domain, as string enums stored by value.

Values follow OC4IDS and DREAM codes where those exist, so exports need no translation tables.
Labels for people live in ``tracker.core.labels`` (translated), not here.
"""
from __future__ import annotations

from enum import StrEnum


class AuthorityLevel(StrEnum):
    NATIONAL = "national"
    OBLAST = "oblast"
    RAION = "raion"
    HROMADA = "hromada"
    SETTLEMENT = "settlement"
    CITY_DISTRICT = "city_district"


class OrganisationKind(StrEnum):
    EU_CITY = "eu_city"
    EU_REGION = "eu_region"
    ASSOCIATION = "association"
    FINANCIER = "international_financier"
    DONOR = "donor"
    CONTRACTOR = "contractor"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class Stage(StrEnum):
    """The project's place in the investment cycle; it only moves forward, through stage gates."""

    NEEDS_ASSESSMENT = "needs_assessment"
    PLANNING = "planning"
    IMPLEMENTATION = "implementation"
    COMPLETED = "completed"

    def next(self) -> Stage | None:
        order = list(Stage)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class ProjectState(StrEnum):
    """Whether work goes on; independent of the stage it stands at."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class ProjectType(StrEnum):
    """OC4IDS projectType codelist."""

    CONSTRUCTION = "construction"
    REHABILITATION = "rehabilitation"
    REPLACEMENT = "replacement"
    EXPANSION = "expansion"
    DECOMMISSIONING = "decommissioning"


class Purpose(StrEnum):
    """DREAM ``purpose``."""

    RESTORATION = "restoration"
    DEVELOPMENT = "development"


class Sector(StrEnum):
    """The OC4IDS projectSector codes (a subset of the codelist, values unchanged)."""

    EDUCATION = "education"
    HEALTH = "health"
    ENERGY = "energy"
    ENERGY_SOLAR = "energy.solar"
    COMMUNICATIONS = "communications"
    WATER_AND_WASTE = "waterAndWaste"
    GOVERNANCE = "governance"
    ECONOMY = "economy"
    CULTURE = "cultureSportsAndRecreation"
    TRANSPORT = "transport"
    TRANSPORT_RAIL = "transport.rail"
    TRANSPORT_ROAD = "transport.road"
    TRANSPORT_URBAN = "transport.urban"
    SOCIAL_HOUSING = "socialHousing"
    FLOOD_PROTECTION = "naturalResources.floodProtection"


class PartyRole(StrEnum):
    OWNER = "owner"
    CO_FINANCER = "co_financer"
    IMPLEMENTER = "implementer"
    BENEFICIARY = "beneficiary"
    TWINNING_PARTNER = "twinning_partner"
    TECHNICAL_ASSISTANCE = "technical_assistance"


class FundingSource(StrEnum):
    LOCAL_BUDGET = "local_budget"
    OBLAST_BUDGET = "oblast_budget"
    STATE_BUDGET = "state_budget"
    EU = "eu"
    INTERNATIONAL_FINANCIER = "international_financier"
    DONOR = "donor"
    PRIVATE = "private"

    @property
    def level(self) -> str:
        """The level of government (or outside party) that pays."""
        return _FUNDING_LEVEL[self]


_FUNDING_LEVEL = {
    FundingSource.LOCAL_BUDGET: "local",
    FundingSource.OBLAST_BUDGET: "regional",
    FundingSource.STATE_BUDGET: "national",
    FundingSource.EU: "international",
    FundingSource.INTERNATIONAL_FINANCIER: "international",
    FundingSource.DONOR: "international",
    FundingSource.PRIVATE: "private",
}


class Currency(StrEnum):
    UAH = "UAH"
    EUR = "EUR"
    USD = "USD"


class Role(StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    AUDITOR = "auditor"
    PARTNER = "partner"
    MODERATOR = "moderator"  # works the queue of citizens' items (``voice``); no project data


class HelpKind(StrEnum):
    """What a Ukrainian authority asks EU partners for, and what a partner offers."""

    FUNDS = "funds"
    EXPERTISE = "expertise"
    EQUIPMENT = "equipment"
    PEER_EXCHANGE = "peer_exchange"


class CapacityArea(StrEnum):
    """Capacities an authority may seek help to build, apart from any one project."""

    PROCUREMENT = "procurement"
    ENERGY_EFFICIENCY = "energy_efficiency"
    E_GOVERNMENT = "e_government"
    SPATIAL_PLANNING = "spatial_planning"
    PUBLIC_FINANCE = "public_finance"
    WATER_AND_WASTE = "water_and_waste"
    SOCIAL_SERVICES = "social_services"
    OTHER = "other"


class NeedStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    CLOSED = "closed"


class OfferStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class PartnershipKind(StrEnum):
    ONE_TO_ONE = "one_to_one"
    CLUSTER = "cluster"


class ActivityKind(StrEnum):
    """What twinning partners do together; each evidences OECD P7 (and P6 when money moves)."""

    PEER_EXCHANGE = "peer_exchange"
    TRAINING = "training"
    VISIT = "visit"
    WORKSHOP = "workshop"
    OTHER = "other"


class WorkingLanguage(StrEnum):
    """Languages partners work in (ISO 639-1)."""

    UK = "uk"
    EN = "en"
    DE = "de"
    FR = "fr"
    PL = "pl"
    IT = "it"
    ES = "es"
    NL = "nl"
    CS = "cs"
    SK = "sk"
    LT = "lt"
    LV = "lv"
    ET = "et"
    RO = "ro"
    SV = "sv"
    DA = "da"
    FI = "fi"
    PT = "pt"
    HU = "hu"


# Planner workflow: stage data vocabularies.
class RdnaSector(StrEnum):
    """Sectors of the Ukraine Rapid Damage and Needs Assessment (World Bank, EU, UN, Government)."""

    HOUSING = "housing"
    EDUCATION = "education"
    HEALTH = "health"
    SOCIAL_PROTECTION = "social_protection"
    CULTURE = "culture"
    ENERGY = "energy"
    TRANSPORT = "transport"
    TELECOMMUNICATIONS = "telecommunications"
    WATER_SANITATION = "water_sanitation"
    MUNICIPAL_SERVICES = "municipal_services"
    AGRICULTURE = "agriculture"
    COMMERCE_INDUSTRY = "commerce_industry"
    ENVIRONMENT = "environment"
    EMERGENCY_RESPONSE = "emergency_response"
    PUBLIC_ADMINISTRATION = "public_administration"
    EXPLOSIVE_HAZARDS = "explosive_hazards"


class Urgency(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ConsequenceClass(StrEnum):
    """Consequence (responsibility) class of a construction object, DBN A.2.2-3 / Law 3038-VI."""

    CC1 = "CC1"
    CC2 = "CC2"
    CC3 = "CC3"


class ProcurementMethod(StrEnum):
    OPEN_TENDER = "open_tender"
    OPEN_TENDER_EU = "open_tender_eu"
    SIMPLIFIED = "simplified"
    COMPETITIVE_DIALOGUE = "competitive_dialogue"
    FRAMEWORK_AGREEMENT = "framework_agreement"
    CATALOGUE = "catalogue"
    NEGOTIATED = "negotiated"
    DIRECT = "direct"


class ContractType(StrEnum):
    LUMP_SUM = "lump_sum"
    UNIT_PRICE = "unit_price"
    DESIGN_BUILD = "design_build"
    FRAMEWORK = "framework"
    OTHER = "other"


class ContractSubject(StrEnum):
    GOODS = "goods"
    SERVICES = "services"
    WORKS = "works"


class ContractStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    CANCELLED = "cancelled"


class ProjectStatus(StrEnum):
    """OC4IDS projectStatus codelist."""

    IDENTIFICATION = "identification"
    PREPARATION = "preparation"
    IMPLEMENTATION = "implementation"
    COMPLETION = "completion"
    MAINTENANCE = "maintenance"
    DECOMMISSIONING = "decommissioning"
    DECOMMISSIONED = "decommissioned"
    CANCELLED = "cancelled"


class DocumentType(StrEnum):
    """Evidence types: OC4IDS documentType codes, plus DREAM's photo kinds (illustration*)."""

    NEEDS_ASSESSMENT = "needsAssessment"
    ILLUSTRATION_DAMAGED = "illustrationDamaged"
    ILLUSTRATION_BEFORE = "illustrationBefore"
    ILLUSTRATION_IN_PROGRESS = "illustrationInProgress"
    ILLUSTRATION_COMPLETE = "illustrationComplete"
    FEASIBILITY_STUDY = "feasibilityStudy"
    PROJECT_PLAN = "projectPlan"
    PROJECT_SCOPE = "projectScope"
    BUDGET_APPROVAL = "budgetApproval"
    HEARING_NOTICE = "hearingNotice"
    MINUTES = "minutes"
    ENVIRONMENTAL_IMPACT = "environmentalImpact"
    SOCIAL_IMPACT = "socialImpact"
    LAND_AND_SETTLEMENT_IMPACT = "landAndSettlementImpact"
    RISK_PROVISIONS = "riskProvisions"
    DESIGN_REPORT = "designReport"
    PERMISSION_DOCUMENT = "permissionDocument"
    PROCUREMENT_PLAN = "procurementPlan"
    TENDER_NOTICE = "tenderNotice"
    CONTRACT_SIGNED = "contractSigned"
    CONTRACT_AMENDMENT = "contractAmendment"
    PAYMENT_CERTIFICATE = "paymentCertificate"
    PHYSICAL_PROGRESS_REPORT = "physicalProgressReport"
    FINANCIAL_PROGRESS_REPORT = "financialProgressReport"
    COMPLETION_CERTIFICATE = "completionCertificate"
    FINANCIAL_AUDIT_REPORT = "financialAuditReport"
    TECHNICAL_AUDIT_REPORT = "technicalAuditReport"
    PROJECT_EVALUATION = "projectEvaluation"
    FINANCIAL_AGREEMENT = "financialAgreement"


# The auditor's workspace.
class MarkVerdict(StrEnum):
    """An auditor's verdict on a manual checklist item."""

    PASS = "pass"  # noqa: S105  (a verdict, not a password)
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


class FindingSeverity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class FindingStatus(StrEnum):
    """open → answered (by the planner) → resolved or risk_accepted (by the auditor) → closed."""

    OPEN = "open"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    RISK_ACCEPTED = "risk_accepted"
    CLOSED = "closed"


# Citizens' voice (``tracker/voice``): what a citizen says about a public project, and how it is moderated.
class VoiceKind(StrEnum):
    QUESTION = "question"
    COMMENT = "comment"
    COMPLAINT = "complaint"
    PHOTO = "photo"


#: Kinds the law on citizens' appeals gives a due date for an answer.
KINDS_WITH_DUE_DATE = frozenset({VoiceKind.QUESTION, VoiceKind.COMPLAINT})


class ComplaintCategory(StrEnum):
    QUALITY = "quality"
    DELAY = "delay"
    COST = "cost"
    SUSPECTED_CORRUPTION = "suspected_corruption"
    SAFETY = "safety"
    ACCESSIBILITY = "accessibility"
    OTHER = "other"


class PhotoPhase(StrEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


class VoiceState(StrEnum):
    UNCONFIRMED = "unconfirmed"  # waiting for the author's link from the e-mail
    AWAITING_MODERATION = "awaiting_moderation"
    PUBLISHED = "published"
    HIDDEN = "hidden"  # shown publicly as its reason only; nothing is ever deleted


class HideReason(StrEnum):
    PERSONAL_DATA = "personal_data"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    SPAM = "spam"

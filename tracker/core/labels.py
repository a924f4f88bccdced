"""Translated labels for the closed vocabularies, for templates and form choices."""
from __future__ import annotations

from flask import Flask

from tracker.core.i18n import lazy_gettext as _l
from tracker.core.i18n import lazy_pgettext
from tracker.core.vocab import FundingSource

LABELS: dict[str, dict[str, object]] = {
    "stage": {
        "needs_assessment": _l("Needs assessment"),
        "planning": _l("Planning"),
        "implementation": _l("Implementation"),
        "completed": _l("Completed"),
    },
    "state": {
        "active": _l("Active"),
        "suspended": _l("Suspended"),
        "cancelled": _l("Cancelled"),
    },
    "sector": {
        "education": _l("Education"),
        "health": _l("Health"),
        "energy": _l("Energy"),
        "energy.solar": _l("Solar energy"),
        "communications": _l("Communications"),
        "waterAndWaste": _l("Water and waste"),
        "governance": _l("Governance"),
        "economy": _l("Economy"),
        "cultureSportsAndRecreation": _l("Culture, sports and recreation"),
        "transport": _l("Transport"),
        "transport.rail": _l("Rail transport"),
        "transport.road": _l("Roads and bridges"),
        "transport.urban": _l("Urban transport"),
        "socialHousing": _l("Housing"),
        "naturalResources.floodProtection": _l("Flood protection"),
    },
    "project_type": {
        "construction": _l("New construction"),
        "rehabilitation": _l("Rehabilitation"),
        "replacement": _l("Replacement"),
        "expansion": _l("Expansion"),
        "decommissioning": _l("Decommissioning"),
    },
    "purpose": {
        "restoration": _l("Restoration"),
        "development": _l("Development"),
    },
    "level": {
        "national": _l("National"),
        "oblast": _l("Oblast"),
        "raion": _l("Raion"),
        "hromada": _l("Hromada"),
        "settlement": _l("Settlement"),
        "city_district": _l("City district"),
    },
    "funding_source": {
        "local_budget": _l("Local budget"),
        "oblast_budget": _l("Oblast budget"),
        "state_budget": _l("State budget"),
        "eu": _l("European Union"),
        "international_financier": _l("International financier"),
        "donor": _l("Donor"),
        "private": _l("Private"),
    },
    "funding_level": {
        "local": _l("Local"),
        "regional": _l("Regional"),
        "national": _l("National"),
        "international": _l("International"),
        "private": _l("Private"),
    },
    "party_role": {
        "owner": _l("Owner"),
        "co_financer": _l("Co-financer"),
        "implementer": _l("Implementer"),
        "beneficiary": _l("Beneficiary"),
        "twinning_partner": _l("Twinning partner"),
        "technical_assistance": _l("Technical assistance"),
    },
    "role": {
        "admin": _l("Administrator"),
        "planner": _l("Planner"),
        "auditor": _l("Auditor"),
        "partner": _l("EU partner"),
        "moderator": _l("Moderator"),
    },
    # Citizens' voice.
    "voice_kind": {
        "question": _l("Question"),
        "comment": _l("Comment"),
        "complaint": _l("Complaint"),
        "photo": _l("Photo of the site"),
    },
    "complaint_category": {
        "quality": _l("Quality of works"),
        "delay": _l("Delay"),
        "cost": _l("Cost"),
        "suspected_corruption": _l("Suspected corruption"),
        "safety": _l("Safety"),
        "accessibility": _l("Accessibility"),
        "other": _l("Other"),
    },
    "photo_phase": {
        "before": _l("Before the works"),
        "during": _l("During the works"),
        "after": _l("After the works"),
    },
    "voice_state": {
        "unconfirmed": _l("Not confirmed by its author"),
        "awaiting_moderation": _l("Awaiting moderation"),
        "published": _l("Published"),
        "hidden": _l("Hidden by the moderator"),
    },
    "hide_reason": {
        "personal_data": _l("Contained personal data"),
        "abuse": _l("Abusive"),
        "off_topic": _l("Off topic"),
        "duplicate": _l("Duplicate"),
        "spam": _l("Spam or advertising"),
    },
    "organisation_kind": {
        "eu_city": _l("EU city"),
        "eu_region": _l("EU region"),
        "association": _l("Association"),
        "international_financier": _l("International financier"),
        "donor": _l("Donor"),
        "contractor": _l("Contractor"),
        "civil_society": _l("Civil society"),
        "other": _l("Other"),
    },
    # The engagement mechanism (EU partners).
    "help_kind": {
        "funds": _l("Funds"),
        "expertise": _l("Expertise"),
        "equipment": _l("Equipment"),
        "peer_exchange": _l("Peer exchange"),
    },
    "capacity_area": {
        "procurement": _l("Public procurement"),
        "energy_efficiency": _l("Energy efficiency"),
        "e_government": _l("E-government"),
        "spatial_planning": _l("Spatial planning"),
        "public_finance": _l("Public finance"),
        "water_and_waste": _l("Water and waste services"),
        "social_services": _l("Social services"),
        "other": _l("Other capacity"),
    },
    # Contexts keep the statuses apart from each other and from the "Open" link (Ukrainian inflects by gender).
    "need_status": {
        "open": lazy_pgettext("need status", "Open"),
        "fulfilled": _l("Fulfilled"),
        "closed": lazy_pgettext("need status", "Closed"),
    },
    "offer_status": {
        "pending": _l("Awaiting an answer"),
        "accepted": _l("Accepted"),
        "declined": _l("Declined"),
        "withdrawn": _l("Withdrawn"),
    },
    "partnership_kind": {
        "one_to_one": _l("One to one"),
        "cluster": _l("Cluster"),
    },
    "activity_kind": {
        "peer_exchange": _l("Peer exchange"),
        "training": _l("Training"),
        "visit": _l("Visit"),
        "workshop": _l("Workshop"),
        "other": _l("Other"),
    },
    "language": {
        "uk": _l("Ukrainian"), "en": _l("English"), "de": _l("German"), "fr": _l("French"), "pl": _l("Polish"),
        "it": _l("Italian"), "es": _l("Spanish"), "nl": _l("Dutch"), "cs": _l("Czech"), "sk": _l("Slovak"),
        "lt": _l("Lithuanian"), "lv": _l("Latvian"), "et": _l("Estonian"), "ro": _l("Romanian"),
        "sv": _l("Swedish"), "da": _l("Danish"), "fi": _l("Finnish"), "pt": _l("Portuguese"),
        "hu": _l("Hungarian"),
    },
    "country": {
        "AT": _l("Austria"), "BE": _l("Belgium"), "BG": _l("Bulgaria"), "HR": _l("Croatia"), "CY": _l("Cyprus"),
        "CZ": _l("Czechia"), "DK": _l("Denmark"), "EE": _l("Estonia"), "FI": _l("Finland"), "FR": _l("France"),
        "DE": _l("Germany"), "GR": _l("Greece"), "HU": _l("Hungary"), "IE": _l("Ireland"), "IT": _l("Italy"),
        "LV": _l("Latvia"), "LT": _l("Lithuania"), "LU": _l("Luxembourg"), "MT": _l("Malta"),
        "NL": _l("Netherlands"), "PL": _l("Poland"), "PT": _l("Portugal"), "RO": _l("Romania"),
        "SK": _l("Slovakia"), "SI": _l("Slovenia"), "ES": _l("Spain"), "SE": _l("Sweden"), "IS": _l("Iceland"),
        "LI": _l("Liechtenstein"), "NO": _l("Norway"), "CH": _l("Switzerland"), "GB": _l("United Kingdom"),
        "MD": _l("Moldova"),
    },
    "match_criterion": {
        "help_kind": _l("Kind of help"),
        "sector": _l("Sector"),
        "language": _l("Working language"),
        "ties": _l("Existing ties"),
    },
    # The planner workflow: stage data.
    "rdna_sector": {
        "housing": _l("Housing"),
        "education": _l("Education"),
        "health": _l("Health"),
        "social_protection": _l("Social protection"),
        "culture": _l("Culture"),
        "energy": _l("Energy"),
        "transport": _l("Transport"),
        "telecommunications": _l("Telecommunications"),
        "water_sanitation": _l("Water supply and sanitation"),
        "municipal_services": _l("Municipal services"),
        "agriculture": _l("Agriculture"),
        "commerce_industry": _l("Commerce and industry"),
        "environment": _l("Environment"),
        "emergency_response": _l("Emergency response"),
        "public_administration": _l("Justice and public administration"),
        "explosive_hazards": _l("Explosive hazard management"),
    },
    "urgency": {
        "critical": _l("Critical"),
        "high": _l("High"),
        "medium": _l("Medium"),
        "low": _l("Low"),
    },
    "consequence_class": {
        "CC1": _l("CC1 (minor consequences)"),
        "CC2": _l("CC2 (medium consequences)"),
        "CC3": _l("CC3 (significant consequences)"),
    },
    "procurement_method": {
        "open_tender": _l("Open tender"),
        "open_tender_eu": _l("Open tender with publication in English"),
        "simplified": _l("Simplified procurement"),
        "competitive_dialogue": _l("Competitive dialogue"),
        "framework_agreement": _l("Framework agreement"),
        "catalogue": _l("Prozorro Market catalogue"),
        "negotiated": _l("Negotiated procedure"),
        "direct": _l("Direct contract"),
    },
    "contract_subject": {
        "goods": _l("Goods"),
        "services": _l("Services"),
        "works": _l("Works"),
    },
    "contract_status": {
        "planned": _l("Planned"),
        "active": _l("In force"),
        "completed": _l("Completed"),
        "terminated": _l("Terminated"),
        "cancelled": _l("Cancelled"),
    },
    "contract_type": {
        "lump_sum": _l("Lump sum"),
        "unit_price": _l("Unit price"),
        "design_build": _l("Design and build"),
        "framework": _l("Framework"),
        "other": _l("Other"),
    },
    "project_status": {
        "identification": _l("Identification"),
        "preparation": _l("Preparation"),
        "implementation": _l("Implementation"),
        "completion": _l("Completion"),
        "maintenance": _l("Maintenance"),
        "decommissioning": _l("Decommissioning"),
        "decommissioned": _l("Decommissioned"),
        "cancelled": _l("Cancelled"),
    },
    "document_type": {
        "needsAssessment": _l("Needs assessment"),
        "illustrationDamaged": _l("Photo of the damage"),
        "illustrationBefore": _l("Photo before the works"),
        "illustrationInProgress": _l("Photo of the works in progress"),
        "illustrationComplete": _l("Photo of the completed works"),
        "feasibilityStudy": _l("Feasibility study"),
        "projectPlan": _l("Project plan"),
        "projectScope": _l("Project scope"),
        "budgetApproval": _l("Budget approval"),
        "hearingNotice": _l("Public hearing notice"),
        "minutes": _l("Minutes"),
        "environmentalImpact": _l("Environmental impact assessment"),
        "socialImpact": _l("Social impact assessment"),
        "landAndSettlementImpact": _l("Land and settlement impact assessment"),
        "riskProvisions": _l("Risk assessment"),
        "designReport": _l("Design documentation"),
        "permissionDocument": _l("Permit"),
        "procurementPlan": _l("Procurement plan"),
        "tenderNotice": _l("Tender notice"),
        "contractSigned": _l("Signed contract"),
        "contractAmendment": _l("Contract amendment"),
        "paymentCertificate": _l("Payment certificate"),
        "physicalProgressReport": _l("Physical progress report"),
        "financialProgressReport": _l("Financial progress report"),
        "completionCertificate": _l("Acceptance certificate"),
        "financialAuditReport": _l("Financial audit report"),
        "technicalAuditReport": _l("Technical audit report"),
        "projectEvaluation": _l("Evaluation report"),
        "financialAgreement": _l("Financial agreement"),
    },
    "change_action": {
        "create": _l("added"),
        "update": _l("changed"),
        "delete": _l("removed"),
    },
    # The auditor's workspace.
    "mark_verdict": {
        "pass": _l("Passes"),
        "fail": _l("Fails"),
        "not_applicable": _l("Does not apply"),
    },
    "finding_severity": {
        "low": _l("Low"),
        "medium": _l("Medium"),
        "high": _l("High"),
        "critical": _l("Critical"),
    },
    "finding_status": {
        "open": lazy_pgettext("finding status", "Open"),
        "answered": _l("Answered"),
        "resolved": _l("Resolved"),
        "risk_accepted": _l("Risk accepted"),
        "closed": lazy_pgettext("finding status", "Closed"),
    },
    "finding_action": {
        "raise": _l("raised"),
        "answer": _l("answered"),
        "return": _l("returned for more work"),
        "resolve": _l("resolved"),
        "accept_risk": _l("accepted as a risk"),
        "close": _l("closed"),
        "publish": _l("made public"),
        "unpublish": _l("withdrawn from the public"),
    },
    "finding_step": {
        "answer": _l("Send the answer"),
        "return": _l("Return for more work"),
        "resolve": _l("Mark resolved"),
        "accept_risk": _l("Accept the risk"),
        "close": _l("Close the finding"),
    },
}


#: What a change-history entry is about, by table: registered by the registry of project tables
#: (``planning.registry``), which is where a project's tables are declared.
LABELS["record"] = {}


#: Vocabularies of the fields whose values are codes, for showing history entries in words.
_FIELD_VOCABULARY = {"stage": "stage", "state": "state", "sector": "sector", "project_type": "project_type",
                     "purpose": "purpose", "source": "funding_source", "role": "party_role"}


def history_value(entity: str, field: str | None, value: str | None) -> str:
    """A history entry's value in words where it is a code (a stage, a sector, a funding source…)."""
    if value is None:
        return "—"
    vocabulary = _FIELD_VOCABULARY.get(field or _SUMMARY_FIELD.get(entity, ""))
    if vocabulary == "stage" and value in LABELS["state"]:
        vocabulary = "state"
    return label(vocabulary, value) if vocabulary else value


#: The field that names a created or deleted row in the history, by table (registered with the record labels).
_SUMMARY_FIELD: dict[str, str] = {}


#: Each project table's fields in words, by (table, field): registered by the forms that edit them, where the
#: words are (``planning.forms``), so the change history says "Project manager", not ``project_manager_name``.
_FIELD_LABELS: dict[tuple[str, str], object] = {}
#: Fields no form edits, in words.
_OTHER_FIELDS = {"stage": _l("Stage"), "state": _l("State"), "parent_id": _l("Part of programme"),
                 "authority_id": _l("Authority")}


def register_field_labels(field_labels: dict[tuple[str, str], object]) -> None:
    _FIELD_LABELS.update(field_labels)


def history_field(entity: str, field: str | None) -> str:
    """A changed field in words; a field nobody labelled is named in words too ("budget capex"), never as a
    column name."""
    if not field:
        return ""
    found = _FIELD_LABELS.get((entity, field)) or _OTHER_FIELDS.get(field)
    return str(found) if found is not None else field.replace("_", " ")


def register_records(record_labels: dict, summary_fields: dict[str, str]) -> None:
    """Take the project tables' labels and naming columns from the one registry of them."""
    LABELS["record"].update(record_labels)
    _SUMMARY_FIELD.update(summary_fields)


def label(vocabulary: str, value: str | None) -> str:
    """The translated label of ``value``, or the value itself when the vocabulary lacks it."""
    if value is None:
        return ""
    return str(LABELS.get(vocabulary, {}).get(value, value))


def choices(vocabulary: str) -> list[tuple[str, object]]:
    return list(LABELS[vocabulary].items())


def move_label(value: str | None) -> str:
    """A stage history entry holds a stage, or a state for suspensions and cancellations."""
    return label("stage" if value in LABELS["stage"] else "state", value)


def funding_level(source: str) -> str:
    return FundingSource(source).level


def init_app(app: Flask) -> None:
    app.add_template_global(label)
    app.add_template_global(move_label)
    app.add_template_global(history_value)
    app.add_template_global(history_field)
    app.add_template_filter(funding_level)

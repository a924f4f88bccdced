"""Translated labels for the closed vocabularies, for templates and form choices."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models.vocab import FundingSource

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
}


def label(vocabulary: str, value: str | None) -> str:
    """The translated label of ``value``, or the value itself when the vocabulary lacks it."""
    if value is None:
        return ""
    return str(LABELS.get(vocabulary, {}).get(value, value))


def choices(vocabulary: str) -> list[tuple[str, object]]:
    return list(LABELS[vocabulary].items())


def funding_level(source: str) -> str:
    return FundingSource(source).level


def init_app(app: Flask) -> None:
    app.add_template_global(label)
    app.add_template_filter(funding_level)

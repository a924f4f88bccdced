"""Closed vocabularies of the domain, as string enums stored by value.

Values follow OC4IDS and DREAM codes where those exist, so exports need no translation tables.
Labels for people live in ``tracker.web.labels`` (translated), not here.
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

"""Public model variants: what may leave the system about a project, an authority or a portfolio.

Public pages, reports, the JSON API and the OC4IDS export are all built from these frozen dataclasses and
never from table rows, so a field that is not declared here (a restricted document, a funding note, who
made a change, a non-public project) cannot reach a citizen by a template forgetting to hide it.
``tracker.publishing.read_models`` fills them from the database; they hold plain values only.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tracker.rules import Scorecard


@dataclass(frozen=True)
class PublicAuthority:
    id: int
    code: str | None
    level: str
    name_uk: str
    name_en: str | None

    def name(self, locale: str) -> str:
        return (self.name_en or self.name_uk) if locale == "en" else self.name_uk


@dataclass(frozen=True)
class Money:
    """Committed and disbursed amounts in one currency."""

    currency: str
    committed: Decimal
    disbursed: Decimal

    @property
    def disbursed_share(self) -> Decimal | None:
        return (self.disbursed / self.committed) if self.committed else None


@dataclass(frozen=True)
class ComplianceSummary:
    """The counts of the latest stored evaluation (what lists and the OC4IDS export show)."""

    evaluated_at: datetime
    passed: int
    failed: int
    errors: int
    failing_blockers: int


@dataclass(frozen=True)
class PublicProjectSummary:
    """A public project as a list row, an API item and an authority report line show it."""

    reference: str
    title_uk: str
    title_en: str | None
    sector: str
    project_type: str
    purpose: str
    stage: str
    state: str
    authority: PublicAuthority
    location_code: str | None
    updated_at: datetime
    money: tuple[Money, ...] = ()
    physical_progress: int | None = None
    compliance: ComplianceSummary | None = None

    def title(self, locale: str) -> str:
        return (self.title_en or self.title_uk) if locale == "en" else self.title_uk

    def money_in(self, currency: str) -> Money | None:
        return next((item for item in self.money if item.currency == currency), None)


@dataclass(frozen=True)
class PublicFunding:
    source: str
    level: str
    financier_uk: str | None
    financier_en: str | None
    currency: str
    committed: Decimal
    disbursed: Decimal
    financier_identifier: str | None = None
    financier_country: str | None = None

    def financier(self, locale: str) -> str | None:
        return (self.financier_en or self.financier_uk) if locale == "en" else (self.financier_uk or self.financier_en)


@dataclass(frozen=True)
class PublicParty:
    role: str
    name_uk: str
    name_en: str | None
    country: str
    authority_id: int | None = None
    organisation_id: int | None = None
    identifier: str | None = None

    def name(self, locale: str) -> str:
        return (self.name_en or self.name_uk) if locale == "en" else self.name_uk


@dataclass(frozen=True)
class PublicContract:
    title: str
    subject: str
    status: str
    procurement_method: str
    tender_id: str | None
    tenderers: int | None
    procuring_entity: str | None
    supplier_name: str
    supplier_edrpou: str
    signed_price: Decimal
    current_price: Decimal
    signed_date: date | None
    start_date: date | None
    duration_days: int | None


@dataclass(frozen=True)
class PublicDocument:
    """A public document only: restricted ones are never turned into this class."""

    id: int
    document_type: str
    title: str
    media_type: str
    uploaded_at: datetime

    @property
    def is_photo(self) -> bool:
        return self.document_type.startswith("illustration") and self.media_type.startswith("image/")


@dataclass(frozen=True)
class TimelineEvent:
    """One dated step from the need to the result; ``kind`` picks the translated label."""

    on: date
    kind: str
    detail: str | None = None


@dataclass(frozen=True)
class PublicChange:
    """A change of a public field; who made it stays out of public view."""

    changed_at: datetime
    entity: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class PublicResult:
    rule_id: str
    rule_set_id: str
    outcome: str
    severity: str
    principles: tuple[str, ...]
    title_uk: str
    title_en: str
    explanation_uk: str
    explanation_en: str


@dataclass(frozen=True)
class RuleSetVersion:
    id: str
    version: str
    sha256: str


@dataclass(frozen=True)
class PublicCompliance:
    """The latest stored evaluation as the public sees it: when, which rule set versions, what result."""

    evaluated_at: datetime
    stage: str
    rule_sets: tuple[RuleSetVersion, ...]
    passed: int
    failed: int
    errors: int
    failing_blockers: int
    scorecard: Scorecard
    results: tuple[PublicResult, ...]

    def by_principle(self, code: str) -> list[PublicResult]:
        return [result for result in self.results if code in result.principles]


@dataclass(frozen=True)
class PublicFinding:
    """A finding an auditor chose to publish: what, how grave, what to do, by when, where it stands."""

    severity: str
    principle: str | None
    title: str
    recommendation: str
    status: str
    due_date: date
    raised_on: date


@dataclass(frozen=True)
class PublicFindings:
    """The published findings of a project (unpublished ones have no field here)."""

    open: int
    closed: int
    items: tuple[PublicFinding, ...]


@dataclass(frozen=True)
class PublicProject:
    """Everything the public project page and the project report show."""

    summary: PublicProjectSummary
    description_uk: str | None
    description_en: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    dream_code: str | None
    created_at: datetime
    authority_chain: tuple[PublicAuthority, ...]
    funding: tuple[PublicFunding, ...] = ()
    parties: tuple[PublicParty, ...] = ()
    contracts: tuple[PublicContract, ...] = ()
    documents: tuple[PublicDocument, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    progress: tuple[tuple[date, int], ...] = ()
    changes: tuple[PublicChange, ...] = ()
    budget_total: Decimal | None = None
    beneficiaries: int | None = None
    completion_date: date | None = None
    final_cost: Decimal | None = None
    compliance: PublicCompliance | None = None
    findings: PublicFindings | None = None

    def description(self, locale: str) -> str | None:
        return (self.description_en or self.description_uk) if locale == "en" else self.description_uk

    def funding_by_level(self, currency: str = "UAH") -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.funding:
            if line.currency == currency:
                totals[line.level] = totals.get(line.level, Decimal(0)) + line.committed
        return totals


@dataclass(frozen=True)
class PortfolioFigures:
    """Headline figures of a set of public projects."""

    projects: int
    by_stage: dict[str, int]
    money: tuple[Money, ...]
    committed_uah_by_level: dict[str, Decimal]
    committed_uah_by_source: dict[str, Decimal]
    scorecard: Scorecard
    evaluated: int
    #: The distinct rule set versions the evaluations behind the scorecard used, and the latest of them.
    rule_sets: tuple[RuleSetVersion, ...] = ()
    last_evaluated_at: datetime | None = None


@dataclass(frozen=True)
class RegionRow:
    authority: PublicAuthority
    projects: int
    committed_uah: Decimal


@dataclass(frozen=True)
class PublicPortfolio:
    figures: PortfolioFigures
    regions: tuple[RegionRow, ...] = ()


@dataclass(frozen=True)
class PublicAuthorityReport:
    authority: PublicAuthority
    chain: tuple[PublicAuthority, ...]
    figures: PortfolioFigures
    projects: tuple[PublicProjectSummary, ...] = field(default=())


def plain(value: Any) -> Any:
    """JSON-ready structure of a public model (Decimal and dates as strings), for the API and cache keys."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value

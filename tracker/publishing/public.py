"""Public model variants: what may leave the system about a project, an authority or a portfolio.

Public pages, reports, the JSON API and the OC4IDS export are all built from these frozen pydantic models
and never from table rows, so a field that is not declared here (a restricted document, a funding note, who
made a change, a non-public project) cannot reach a citizen by a template forgetting to hide it.
``tracker.publishing.read_models`` fills them from the database; they hold plain values only.

They are also the API's contract: its JSON is their ``model_dump(mode="json")`` and the OpenAPI description
their ``model_json_schema()`` (``tracker.publishing.openapi``), so a field added here appears in both, and
one removed from here leaves both. Plain ``pydantic.BaseModel`` rather than SQLModel: none of them is a
table or shares a table's fields (they deliberately differ from the rows), and SQLModel adds nothing but
its table machinery to a frozen model.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

from tracker.core.i18n import localized
from tracker.governance.rule_context import in_uah
from tracker.rules import Scorecard

#: ``str(Decimal)`` of a finite amount, which is how pydantic writes one: "1500000.00", "0", "-1.5", "1E+3".
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?(E[+-]\d+)?$"
#: ``datetime.isoformat()``; the offset is missing where the database keeps none (SQLite), so this is not
#: JSON Schema's "date-time" format, which requires one.
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?([+-]\d{2}:\d{2}(:\d{2}(\.\d{6})?)?)?$"

#: An amount: a Decimal, written in JSON as its ``str()`` (never a float, which would round it).
Amount = Annotated[Decimal, WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN})]
#: A moment, written as ``isoformat()`` (an aware UTC one ends "+00:00", as it always has, not pydantic's "Z").
Timestamp = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
                      WithJsonSchema({"type": "string", "pattern": DATETIME_PATTERN})]


class PublicVariant(BaseModel):
    """The base of every public variant: immutable, no undeclared field, every field in every answer.

    ``json_schema_serialization_defaults_required``: ``model_dump`` writes each field, defaults included, so
    the schema of an answer requires each one; ``extra="forbid"`` refuses an undeclared field on
    construction and says ``additionalProperties: false`` in the schema (properties are not fields).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


class PublicAuthority(PublicVariant):
    id: int
    code: str | None
    level: str
    name_uk: str
    name_en: str | None

    def name(self, locale: str) -> str:
        return localized(self, "name", locale)


class Money(PublicVariant):
    """Committed and disbursed amounts in one currency."""

    currency: str
    committed: Amount
    disbursed: Amount

    @property
    def disbursed_share(self) -> Decimal | None:
        return (self.disbursed / self.committed) if self.committed else None


class ComplianceSummary(PublicVariant):
    """The counts of the latest stored evaluation (what lists and the OC4IDS export show)."""

    evaluated_at: Timestamp
    passed: int
    failed: int
    errors: int
    failing_blockers: int


class PublicProjectSummary(PublicVariant):
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
    updated_at: Timestamp
    money: tuple[Money, ...] = ()
    physical_progress: int | None = None
    compliance: ComplianceSummary | None = None

    def title(self, locale: str) -> str:
        return localized(self, "title", locale)

    def money_in(self, currency: str) -> Money | None:
        return next((item for item in self.money if item.currency == currency), None)

    def in_hryvnias(self, rates: dict[str, Decimal]) -> Money | None:
        """Every currency's money converted at ``rates`` (UAH per unit) and added up; None without any money."""
        counted = [item for item in self.money if item.currency in rates]
        if not counted:
            return None
        return Money(currency="UAH",
                     committed=sum((in_uah(item.committed, item.currency, rates) for item in counted), Decimal(0)),
                     disbursed=sum((in_uah(item.disbursed, item.currency, rates) for item in counted), Decimal(0)))

    def rates_used(self, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        """The rates of the foreign currencies this project's money is in (what its pages state)."""
        return {item.currency: rates[item.currency] for item in self.money
                if item.currency != "UAH" and item.currency in rates}


class PublicFunding(PublicVariant):
    source: str
    level: str
    financier_uk: str | None
    financier_en: str | None
    currency: str
    committed: Amount
    disbursed: Amount
    financier_identifier: str | None = None
    financier_country: str | None = None

    def financier(self, locale: str) -> str | None:
        return localized(self, "financier", locale)


class PublicParty(PublicVariant):
    role: str
    name_uk: str
    name_en: str | None
    country: str
    authority_id: int | None = None
    organisation_id: int | None = None
    identifier: str | None = None

    def name(self, locale: str) -> str:
        return localized(self, "name", locale)


class PublicContract(PublicVariant):
    title: str
    subject: str
    status: str
    procurement_method: str
    tender_id: str | None
    tenderers: int | None
    procuring_entity: str | None
    supplier_name: str
    supplier_edrpou: str
    signed_price: Amount
    current_price: Amount
    signed_date: date | None
    start_date: date | None
    duration_days: int | None


class PublicDocument(PublicVariant):
    """A public document only: restricted ones are never turned into this class."""

    id: int
    document_type: str
    title: str
    media_type: str
    uploaded_at: Timestamp

    @property
    def is_photo(self) -> bool:
        return self.document_type.startswith("illustration") and self.media_type.startswith("image/")


class TimelineEvent(PublicVariant):
    """One dated step from the need to the result; ``kind`` picks the translated label."""

    on: date
    kind: str
    detail: str | None = None


class PublicChange(PublicVariant):
    """A change of a public field; who made it stays out of public view."""

    changed_at: Timestamp
    entity: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


class PublicResult(PublicVariant):
    rule_id: str
    rule_set_id: str
    outcome: str
    severity: str
    principles: tuple[str, ...]
    title_uk: str
    title_en: str
    explanation_uk: str
    explanation_en: str


class RuleSetVersion(PublicVariant):
    id: str
    version: str
    sha256: str


class PublicCompliance(PublicVariant):
    """The latest stored evaluation as the public sees it: when, which rule set versions, what result."""

    evaluated_at: Timestamp
    stage: str
    rule_sets: tuple[RuleSetVersion, ...]
    passed: int
    failed: int
    errors: int
    failing_blockers: int
    #: The rules package's own frozen dataclass: pydantic takes it as it is and writes its fields.
    scorecard: Scorecard
    results: tuple[PublicResult, ...]

    def by_principle(self, code: str) -> list[PublicResult]:
        return [result for result in self.results if code in result.principles]


class PublicFinding(PublicVariant):
    """A finding an auditor chose to publish: what, how grave, what to do, by when, where it stands."""

    severity: str
    principle: str | None
    title: str
    recommendation: str
    status: str
    due_date: date
    raised_on: date


class PublicSignoff(PublicVariant):
    """An auditor's sign-off of a stage's checklist, as the public sees it: which stage, in which role, on which
    day. The signer's name and address and their written statement stay in the auditors' workspace
    (``audit.policy``: sign-offs are the auditors' record; the public learns that one was made, and when)."""

    stage: str
    signer_role: str
    signed_on: date


class PublicFindings(PublicVariant):
    """The published findings of a project (unpublished ones have no field here)."""

    #: Not settled yet: open, or answered by the planner and waiting for the auditor.
    open: int
    #: Settled by the auditor: resolved, risk accepted or closed.
    closed: int
    #: The count in each state that has any, in the order of the workflow.
    by_status: dict[str, int]
    items: tuple[PublicFinding, ...]


class PublicCitizensVoice(PublicVariant):
    """Citizens' items on a project in figures (no text, no author): published, hidden by a moderator, answered,
    past their due date without an answer, and the share of questions and complaints answered on time."""

    published: int
    hidden: int
    answered: int
    overdue: int
    answered_on_time_percent: float | None


class PublicSitePhoto(PublicVariant):
    """A citizen's photo of the site from a published item: the phase of the works, its files (served at
    ``/voice/photos/<name>``), the day it shows (else the day it was sent) and the place its author gave."""

    phase: str
    image: str
    thumbnail: str
    observed_on: date | None
    submitted_on: date
    latitude: float | None
    longitude: float | None


class PublicProject(PublicVariant):
    """Everything the public project page and the project report show."""

    summary: PublicProjectSummary
    description_uk: str | None
    description_en: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    dream_code: str | None
    created_at: Timestamp
    authority_chain: tuple[PublicAuthority, ...]
    funding: tuple[PublicFunding, ...] = ()
    parties: tuple[PublicParty, ...] = ()
    contracts: tuple[PublicContract, ...] = ()
    documents: tuple[PublicDocument, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    progress: tuple[tuple[date, int], ...] = ()
    changes: tuple[PublicChange, ...] = ()
    budget_total: Amount | None = None
    beneficiaries: int | None = None
    completion_date: date | None = None
    final_cost: Amount | None = None
    compliance: PublicCompliance | None = None
    findings: PublicFindings | None = None
    citizens: PublicCitizensVoice | None = None
    signoffs: tuple[PublicSignoff, ...] = ()
    #: Citizens' photos of published items, before / during / after, the newest of each phase (a project shown
    #: in full: the API's project, its report).
    photos: tuple[PublicSitePhoto, ...] = ()

    def description(self, locale: str) -> str | None:
        return localized(self, "description", locale)

    def photos_of(self, phase: str) -> list[PublicSitePhoto]:
        return [photo for photo in self.photos if photo.phase == phase]

    def funding_by_level(self, currency: str = "UAH") -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.funding:
            if line.currency == currency:
                totals[line.level] = totals.get(line.level, Decimal(0)) + line.committed
        return totals

    def funding_by_level_in_hryvnias(self, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        """Committed money per level of government, every line in hryvnias at ``rates``."""
        totals: dict[str, Decimal] = {}
        for line in self.funding:
            if line.currency in rates:
                totals[line.level] = totals.get(line.level, Decimal(0)) + in_uah(line.committed, line.currency, rates)
        return totals


class PortfolioFigures(PublicVariant):
    """Headline figures of a set of public projects."""

    projects: int
    by_stage: dict[str, int]
    money: tuple[Money, ...]
    #: Committed money in hryvnias, lines in other currencies converted at ``rates``.
    committed_uah_by_level: dict[str, Amount]
    committed_uah_by_source: dict[str, Amount]
    scorecard: Scorecard
    evaluated: int
    #: The distinct rule set versions the evaluations behind the scorecard used, and the latest of them.
    rule_sets: tuple[RuleSetVersion, ...] = ()
    last_evaluated_at: Timestamp | None = None
    #: UAH per unit of each foreign currency converted into the hryvnia figures above.
    rates: dict[str, Amount] = {}
    #: Citizens' items on these projects in figures (no text, no author).
    citizens: PublicCitizensVoice | None = None


class RegionRow(PublicVariant):
    authority: PublicAuthority
    projects: int
    committed_uah: Amount


class MapPoint(PublicVariant):
    """Where public projects lie, for a server-drawn map: a place (the mean of its projects' points, grouped
    about 10 km apart) and how many projects are there."""

    latitude: float
    longitude: float
    projects: int


class PublicPortfolio(PublicVariant):
    figures: PortfolioFigures
    regions: tuple[RegionRow, ...] = ()
    points: tuple[MapPoint, ...] = ()


class PublicAuthorityReport(PublicVariant):
    authority: PublicAuthority
    chain: tuple[PublicAuthority, ...]
    figures: PortfolioFigures
    projects: tuple[PublicProjectSummary, ...] = ()
    points: tuple[MapPoint, ...] = ()


def plain(value: Any) -> Any:
    """JSON-ready structure of public data (Decimal and dates as strings), for cache keys and tests.

    A public variant is its ``model_dump(mode="json")``, exactly what the API writes; dicts, lists and tuples
    around them (a report's data with its date and title) are walked.
    """
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value

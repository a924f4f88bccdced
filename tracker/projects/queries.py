"""Read models for lists and pages: filtered project lists, headline figures, one project's page.

Each function issues a fixed number of queries whatever the number of rows (no N+1).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ColumnElement, false, func
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.core.data_version import memoized
from tracker.core.hierarchy import ancestors
from tracker.core.models import Authority, Organisation
from tracker.core.paging import Page
from tracker.core.vocab import FundingSource
from tracker.projects import search
from tracker.projects.models import FundingLine, Project, ProjectParty, ProjectSearch, StageHistory


@dataclass(frozen=True)
class ProjectFilters:
    text: str = ""
    authority_path: str | None = None
    sector: str | None = None
    stage: str | None = None
    #: A FundingSource value: projects with at least one funding line from it.
    funding_source: str | None = None
    #: By the latest stored evaluation: "failing" (a blocker fails), "passing" (nothing fails or lacks
    #: data), "unchecked" (never evaluated). Other values are ignored.
    compliance: str | None = None


#: Named conditions on a project's latest stored evaluation ("failing", "passing", "unchecked"), registered by
#: governance, which owns evaluations (``register_compliance_filter``); the list offers whatever is registered.
COMPLIANCE_FILTERS: dict[str, Callable[[], ColumnElement[bool]]] = {}


def register_compliance_filter(name: str, condition: Callable[[], ColumnElement[bool]]) -> None:
    COMPLIANCE_FILTERS[name] = condition


#: The orders a list offers besides the newest first and by name, each as the terms of its ``ORDER BY`` (ties go
#: newest first), registered by the feature that owns the figure (planning: budget and progress; governance:
#: compliance). A sort the lists do not know reads as the default.
SORTS: dict[str, Callable[[], list]] = {}


def register_sort(name: str, order: Callable[[], list]) -> None:
    SORTS[name] = order


#: What a list may be sorted by, in the order the form offers them. "relevance" applies to a text search only.
SORT_NAMES = ("relevance", "newest", "name", "budget", "progress", "compliance")


def sort_of(requested: str | None, filters: ProjectFilters) -> str:
    """The sort a list uses: the one asked for when it is known, else relevance for a text search, else newest."""
    searching = bool(filters.text.strip())
    if requested in ("newest", "name", *SORTS) or (requested == "relevance" and searching):
        return requested
    return "relevance" if searching else "newest"


def _ordered(ids, sort: str, filters: ProjectFilters, language: str):
    """The ids query put in the list's order: its ``ORDER BY`` terms, then newest first."""
    if sort == "relevance" and (rank := search.rank(filters.text)) is not None:
        ids = ids.outerjoin(ProjectSearch, ProjectSearch.project_id == Project.id)
        return ids.order_by(rank.desc(), *LISTING_ORDER)
    if sort == "name":
        ids = ids.outerjoin(ProjectSearch, ProjectSearch.project_id == Project.id)
        return ids.order_by(search.name_code(language), Project.id)
    if sort in SORTS:
        return ids.order_by(*SORTS[sort](), *LISTING_ORDER)
    return ids.order_by(*LISTING_ORDER)


def list_projects(*, session: Session, filters: ProjectFilters, visible, page: int = 1,
                  per_page: int = 25, count_key: Hashable | None = None, sort: str = "newest",
                  language: str = "uk") -> Page:
    """Projects with their authority, filtered, sorted (``sort_of``) and paginated (two queries).

    A page past the last shows the last. Deep pages stay cheap: the offset is taken over project ids alone,
    read in order from the listing index (``ix_project_listing`` / ``ix_project_public_listing``), and only
    the page's own rows are then joined and loaded; offsetting the full join would build every skipped row.
    ``count_key`` names the visibility when it is the same for many readers (``"public"``): the total, which
    costs a pass over every matching project, is then counted once per data version (``memoized``).
    """
    ids = listing_ids(filters, visible)
    total = memoized(session, ("list_total", count_key, filters) if count_key else None,
                     lambda: session.exec(select(func.count()).select_from(ids.subquery())).one())
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    if filters.authority_path and total <= SPARSE_SUBTREE:
        # A small subtree (a hromada's few projects) would be found by walking the whole listing index: start
        # from its authorities instead and sort its few projects.
        ids = listing_ids(filters, visible, subtree_first=True)
    if total == 0:  # nothing matches: do not walk the whole index to find so (a filter nobody meets)
        return Page(rows=[], total=0, page=1, per_page=per_page)
    page_ids = _ordered(ids, sort, filters, language).offset((page - 1) * per_page).limit(per_page)
    if sort == "newest":
        rows = session.exec(select(Project, Authority).join(Authority, Authority.id == Project.authority_id)
                            .where(Project.id.in_(page_ids.scalar_subquery())).order_by(*LISTING_ORDER)).all()
    else:
        # The page's ids in their order first (the order's terms need not be selectable with the rows).
        order = list(session.exec(page_ids).all())
        loaded = {project.id: (project, authority) for project, authority in session.exec(
            select(Project, Authority).join(Authority, Authority.id == Project.authority_id)
            .where(Project.id.in_(order)))}
        rows = [loaded[project_id] for project_id in order if project_id in loaded]
    return Page(rows=list(rows), total=total, page=page, per_page=per_page)


#: Newest first; ``ix_project_listing`` and ``ix_project_public_listing`` hold exactly this order.
LISTING_ORDER = (Project.created_at.desc(), Project.id.desc())


#: Up to this many projects in an authority's subtree, its list is read from its authorities rather than
#: along the listing index (which finds a sparse subtree's projects only after walking most of the index).
SPARSE_SUBTREE = 2000


def listing_ids(filters: ProjectFilters, visible, *, subtree_first: bool = False):
    """The ids of the projects a list shows (unordered): what is counted and paged. ``subtree_first`` states
    the authority filter as "authority among the subtree's ids", which planners read from the authorities."""
    conditions = _list_conditions(filters, visible, subtree_first)
    ids = select(Project.id)
    # The authority is joined only when a condition needs it (a planner's scope, an oblast filter): every
    # project has one, so the join changes no count, and without it the ids come from the index alone.
    if any(Authority.__table__ in find_tables(condition, check_columns=True) for condition in conditions):
        ids = ids.join(Authority, Authority.id == Project.authority_id)
    return ids.where(*conditions)


def _list_conditions(filters: ProjectFilters, visible, subtree_first: bool = False) -> list:
    conditions = []
    if visible is not None:
        conditions.append(visible)
    if filters.text.strip():
        # Every word in any of its forms, whatever the case or apostrophe (``projects.search``); a query of no
        # words at all (punctuation) finds nothing, as before.
        found = search.matching(filters.text)
        conditions.append(found if found is not None else false())
    if filters.authority_path:
        in_subtree = Authority.path.startswith(filters.authority_path, autoescape=True)
        conditions.append(Project.authority_id.in_(select(Authority.id).where(in_subtree)) if subtree_first
                          else in_subtree)
    if filters.sector:
        conditions.append(Project.sector == filters.sector)
    if filters.stage:
        conditions.append(Project.stage == filters.stage)
    if filters.funding_source:
        conditions.append(select(FundingLine.id).where(FundingLine.project_id == Project.id,
                                                       FundingLine.source == filters.funding_source).exists())
    if filters.compliance in COMPLIANCE_FILTERS:
        conditions.append(COMPLIANCE_FILTERS[filters.compliance]())
    return conditions


@dataclass
class Headline:
    projects: int
    by_stage: dict[str, int]
    committed_by_currency: dict[str, Decimal]
    disbursed_by_currency: dict[str, Decimal]
    committed_uah_by_level: dict[str, Decimal]
    #: UAH per unit of each foreign currency converted into ``committed_uah_by_level`` (the rates the page states).
    rates: dict[str, Decimal] = field(default_factory=dict)


def headline_figures(*, session: Session, visible, rates: dict[str, Decimal] | None = None) -> Headline:
    """Counts by stage and money by currency and by level of government (three queries).

    The levels are in hryvnias: a line in another currency is converted at ``rates`` (UAH per unit), and left
    out of them only when no rate is known for it."""
    # Both join the authority because a planner's visibility filter is on the authority's path.
    stage_query = (select(Project.stage, func.count())
                   .join(Authority, Authority.id == Project.authority_id).group_by(Project.stage))
    money_query = (select(FundingLine.source, FundingLine.currency, func.sum(FundingLine.amount_committed),
                          func.sum(FundingLine.amount_disbursed))
                   .join(Project, Project.id == FundingLine.project_id)
                   .join(Authority, Authority.id == Project.authority_id)
                   .group_by(FundingLine.source, FundingLine.currency))
    if visible is not None:
        stage_query = stage_query.where(visible)
        money_query = money_query.where(visible)
    by_stage = {stage: count for stage, count in session.exec(stage_query)}
    committed: dict[str, Decimal] = defaultdict(Decimal)
    disbursed: dict[str, Decimal] = defaultdict(Decimal)
    uah_by_level: dict[str, Decimal] = defaultdict(Decimal)
    used: dict[str, Decimal] = {}
    for source, currency, committed_sum, disbursed_sum in session.exec(money_query):
        committed[currency] += Decimal(committed_sum or 0)
        disbursed[currency] += Decimal(disbursed_sum or 0)
        rate = Decimal(1) if currency == "UAH" else (rates or {}).get(currency)
        if rate is not None:
            uah_by_level[FundingSource(source).level] += (Decimal(committed_sum or 0) * rate).quantize(Decimal("0.01"))
            if currency != "UAH":
                used[currency] = rate
    return Headline(projects=sum(by_stage.values()), by_stage=by_stage, committed_by_currency=dict(committed),
                    disbursed_by_currency=dict(disbursed), committed_uah_by_level=dict(uah_by_level), rates=used)


@dataclass
class PartyView:
    role: str
    authority: Authority | None
    organisation: Organisation | None


@dataclass
class FundingView:
    line: FundingLine
    financier_name_uk: str | None
    financier_name_en: str | None
    #: Who finances the line, when it is recorded: an organisation or a Ukrainian authority.
    organisation: Organisation | None = None
    authority: Authority | None = None


@dataclass
class ProjectPage:
    project: Project
    authority: Authority
    authority_chain: list[Authority]
    parties: list[PartyView] = field(default_factory=list)
    funding: list[FundingView] = field(default_factory=list)
    history: list[tuple[StageHistory, str | None]] = field(default_factory=list)

    def totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Committed and disbursed per currency."""
        sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for view in self.funding:
            sums[view.line.currency][0] += view.line.amount_committed
            sums[view.line.currency][1] += view.line.amount_disbursed
        return {currency: (c, d) for currency, (c, d) in sums.items()}


def financier_names(organisation: Organisation | None,
                    authority: Authority | None) -> tuple[str | None, str | None]:
    """The financier's name in Ukrainian and in English: the organisation's, else the authority's."""
    if organisation is not None:
        return organisation.name_uk or organisation.name, organisation.name_en or organisation.name
    if authority is not None:
        return authority.name_uk, authority.name_en
    return None, None


def funding_views(*, session: Session, project_ids: Sequence[int]) -> list[FundingView]:
    """The projects' funding lines in the order they were added, each with its financier (one query)."""
    query = (select(FundingLine, Organisation, Authority)
             .outerjoin(Organisation, Organisation.id == FundingLine.financier_organisation_id)
             .outerjoin(Authority, Authority.id == FundingLine.financier_authority_id)
             .where(FundingLine.project_id.in_(project_ids)).order_by(FundingLine.id))
    return [FundingView(line, *financier_names(org, auth), organisation=org, authority=auth)
            for line, org, auth in session.exec(query)]


def party_rows(*, session: Session,
               project_ids: Sequence[int]) -> list[tuple[ProjectParty, Authority | None, Organisation | None]]:
    """The projects' parties in the order they were linked, each with its authority or organisation (one query)."""
    return list(session.exec(
        select(ProjectParty, Authority, Organisation)
        .outerjoin(Authority, Authority.id == ProjectParty.authority_id)
        .outerjoin(Organisation, Organisation.id == ProjectParty.organisation_id)
        .where(ProjectParty.project_id.in_(project_ids)).order_by(ProjectParty.id)))


def project_page(*, session: Session, project: Project) -> ProjectPage:
    """The project's owner chain, parties, funding and stage moves, in four queries."""
    authority = session.get(Authority, project.authority_id)
    parties = [PartyView(party.role, a, o) for party, a, o in party_rows(session=session, project_ids=[project.id])]
    history = list(session.exec(
        select(StageHistory, User.name).outerjoin(User, User.id == StageHistory.moved_by_id)
        .where(StageHistory.project_id == project.id).order_by(StageHistory.moved_at, StageHistory.id)))
    return ProjectPage(project=project, authority=authority,
                       authority_chain=ancestors(session=session, authority=authority), parties=parties,
                       funding=funding_views(session=session, project_ids=[project.id]), history=history)

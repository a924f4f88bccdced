"""Pages everyone can read: home, project list and page, the authority tree."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from sqlmodel import select

from tracker.accounts.views import current_scope_paths, user_or_none
from tracker.core import hierarchy as authority_service
from tracker.core.collation import by_name
from tracker.core.data_version import memoized
from tracker.core.db import get_session
from tracker.core.i18n import current_language, localized
from tracker.core.i18n import gettext as _
from tracker.core.labels import choices
from tracker.core.models import Authority
from tracker.core.vocab import AuthorityLevel
from tracker.core.web_input import id_arg, page_arg
from tracker.engagement.forms import FollowForm
from tracker.governance.compliance import authority_scorecard
from tracker.planning.listing import row_figures
from tracker.projects import queries as portfolio
from tracker.projects.loaders import authority_by_id, project_for_view
from tracker.projects.policy import can_edit_project, can_view_restricted, visible_projects
from tracker.publishing import read_models as public_views
from tracker.publishing.dossier import project_dossier
from tracker.publishing.report_views import portfolio_filters

bp = Blueprint("portal", __name__)
PER_PAGE = 25


def _visible():
    return visible_projects(user_or_none(), current_scope_paths())


def _shared_view() -> str | None:
    """``"public"`` when the reader sees what everyone sees (not signed in): figures and counts of such a view
    are computed once per data version; a signed-in reader's own view is computed for them."""
    return "public" if user_or_none() is None else None


@bp.get("/")
def home():
    """Headline figures and the newest projects."""
    session = get_session()
    shared = _shared_view()
    figures = memoized(session, shared and ("headline", shared),
                       lambda: portfolio.headline_figures(session=session, visible=_visible(),
                                                          rates=public_views.exchange_rates()))
    newest = portfolio.list_projects(session=session, filters=portfolio.ProjectFilters(), visible=_visible(),
                                     per_page=6, count_key=shared)
    public = public_views.portfolio_figures(session=session)
    return render_template("portal/home.html", figures=figures, newest=newest, public=public)


@bp.get("/projects")
def project_list():
    """Search and filter projects, 25 a page."""
    filters = portfolio_filters(request.args)
    sort = portfolio.sort_of(request.args.get("sort"), filters)
    session = get_session()
    page = portfolio.list_projects(session=session, filters=filters, visible=_visible(), page=page_arg(),
                                   per_page=PER_PAGE, count_key=_shared_view(), sort=sort,
                                   language=current_language())
    figures = row_figures(session=session, project_ids=[project.id for project, _authority in page.rows])
    return render_template("portal/projects.html", page=page, filters=filters, figures=figures,
                           sort=sort, sorts=_sorts(filters), **filter_choices(filters))


def _sorts(filters: portfolio.ProjectFilters) -> list[tuple[str, str]]:
    """The orders the list offers, each with its label (relevance only for a text search)."""
    labels = {"relevance": _("Best match"), "newest": _("Newest first"), "name": _("Name, A to Z"),
              "budget": _("Budget, largest first"), "progress": _("Progress, furthest first"),
              "compliance": _("Compliance, weakest first")}
    return [(name, labels[name]) for name in portfolio.SORT_NAMES
            if name != "relevance" or filters.text.strip()]


def filter_choices(filters: portfolio.ProjectFilters) -> dict:
    """What the search filters offer (the list page and the map share the form), with the chosen authority."""
    authority_id = id_arg("authority")
    authority = get_session().get(Authority, authority_id) if authority_id else None
    return {"authority": authority, "sectors": choices("sector"), "stages": choices("stage"),
            "oblasts": _oblasts(), "sources": choices("funding_source")}


@bp.get("/projects/<reference>")
def project_detail(reference: str):
    """One project: who owns it, who pays, where it stands."""
    project, authority = project_for_view(reference)
    user, scope_paths = user_or_none(), current_scope_paths()
    can_edit = can_edit_project(user, authority, scope_paths)
    # Restricted documents, and the history of changes to them, for admins, auditors and the project's planners.
    dossier = project_dossier(session=get_session(), project=project,
                              include_restricted=can_view_restricted(user, authority, scope_paths))
    return render_template("portal/project.html", dossier=dossier, can_edit=can_edit, follow_form=FollowForm())


@bp.get("/authorities")
def authority_tree():
    """The national root and the oblasts beneath it."""
    session = get_session()
    roots = authority_service.children(session=session, authority=None)
    oblasts = [child for root in roots
               for child in authority_service.children(session=session, authority=root)]
    return render_template("portal/authorities.html", roots=roots, oblasts=oblasts)


@bp.get("/authorities/<int:authority_id>")
def authority_detail(authority_id: int):
    """An authority: its place in the hierarchy, the units beneath it, the projects in its subtree."""
    session = get_session()
    authority = authority_by_id(authority_id)
    chain = authority_service.ancestors(session=session, authority=authority)
    units = ([] if authority.level in (AuthorityLevel.HROMADA, AuthorityLevel.SETTLEMENT)
             else authority_service.children(session=session, authority=authority))
    shared = _shared_view()
    projects = portfolio.list_projects(
        session=session, filters=portfolio.ProjectFilters(authority_path=authority.path), visible=_visible(),
        page=page_arg(), per_page=PER_PAGE, count_key=shared)
    scorecard, evaluated = memoized(
        session, shared and ("authority_scorecard", authority.id, shared),
        lambda: authority_scorecard(session=session, authority=authority, visible=_visible()))
    money = public_views.portfolio_figures(session=session, authority=authority, with_scorecard=False)
    points = public_views.map_points(session=session, authority=authority)
    return render_template("portal/authority.html", authority=authority, chain=chain, units=units,
                           projects=projects, scorecard=scorecard, evaluated=evaluated, money=money, points=points)


@dataclass(frozen=True)
class OblastChoice:
    """An oblast as the list's filter offers it (kept between requests, so plain values, not a row)."""

    id: int
    name_uk: str
    name_en: str | None

    def name(self, locale: str) -> str:
        return localized(self, "name", locale)


def _oblasts() -> list[OblastChoice]:
    """The oblasts for the filter, read once a data version (every list page offers them)."""
    session = get_session()
    query = (select(Authority.id, Authority.name_uk, Authority.name_en)
             .where(Authority.level == AuthorityLevel.OBLAST))
    language = current_language()
    return memoized(session, ("oblast choices", language),
                    lambda: by_name([OblastChoice(*row) for row in session.exec(query)], language))

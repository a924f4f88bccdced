"""The needs board: what Ukrainian authorities ask EU partners for, public and searchable."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_
from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.core.errors import NotFound, ServiceError, StateConflict
from tracker.core.fields import check_values
from tracker.core.i18n import gettext as _
from tracker.core.locking import lock_for_decision
from tracker.core.models import Authority
from tracker.core.vocab import (
    Currency,
    NeedStatus,
    ProjectState,
    Stage,
    WorkingLanguage,
)
from tracker.engagement.models import Need, join_codes
from tracker.projects.models import Project
from tracker.projects.policy import public_condition
from tracker.projects.queries import Page

#: Needs can be posted while the project is still being shaped; later, partners come through procurement.
OPEN_STAGES = (Stage.NEEDS_ASSESSMENT, Stage.PLANNING)


@dataclass(frozen=True)
class NeedCreate:
    """What a planner supplies to publish a need."""

    help_kind: str
    title_uk: str
    title_en: str | None = None
    description_uk: str | None = None
    description_en: str | None = None
    capacity_area: str | None = None
    sector: str | None = None
    amount: Decimal | None = None
    currency: str = Currency.EUR
    effort_days: int | None = None
    needed_by: date | None = None
    languages: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class NeedFilters:
    text: str = ""
    help_kind: str | None = None
    sector: str | None = None
    capacity_area: str | None = None
    authority_path: str | None = None
    status: str | None = NeedStatus.OPEN
    project_id: int | None = None


def create_need(*, session: Session, authority: Authority, data: NeedCreate, actor: User,
                project: Project | None = None) -> Need:
    """Publish a need of ``authority``, tied to one of its projects or to a capacity it wants to build."""
    check_values(Need, {"help_kind": data.help_kind, "currency": data.currency,
                        "capacity_area": data.capacity_area or None, "sector": data.sector or None,
                        "title_uk": (data.title_uk or "").strip(), "title_en": data.title_en,
                        "description_uk": data.description_uk, "description_en": data.description_en,
                        "amount": data.amount, "effort_days": data.effort_days})
    for language in data.languages:
        _check(language, WorkingLanguage, "languages")
    if project is None and not data.capacity_area:
        raise ServiceError(_("a need is for a project or for a capacity: choose one"), field="project")
    if project is not None:
        _check_project(project, authority)
    need = Need(authority_id=authority.id, project_id=project.id if project else None,
                capacity_area=data.capacity_area or None, sector=(project.sector if project else data.sector) or None,
                help_kind=data.help_kind, title_uk=data.title_uk.strip(), title_en=_clean(data.title_en),
                description_uk=_clean(data.description_uk), description_en=_clean(data.description_en),
                amount=data.amount, currency=data.currency, effort_days=data.effort_days, needed_by=data.needed_by,
                languages=join_codes(data.languages), status=NeedStatus.OPEN, created_by_id=actor.id)
    session.add(need)
    session.flush()
    return need


def _check_project(project: Project, authority: Authority) -> None:
    if project.authority_id != authority.id:
        raise ServiceError(_("the project belongs to another authority"), field="project")
    if project.stage not in OPEN_STAGES or project.state != ProjectState.ACTIVE:
        raise ServiceError(_("needs can be published only for active projects in needs assessment or planning"),
                           field="project")
    if not project.is_public:
        raise ServiceError(_("publish the project before asking partners for help with it"), field="project")


def _check(value: str, vocabulary, field_name: str) -> None:
    if value not in set(vocabulary):
        raise ServiceError(_("“%(code)s” is not a choice of this list", code=value), field=field_name)


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def get_need(*, session: Session, need_id: int) -> Need:
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(_("no need %(need_id)s", need_id=need_id))
    return need


def list_needs(*, session: Session, filters: NeedFilters, include_hidden: bool = False, page: int = 1,
               per_page: int = 25) -> Page:
    """Needs with their authority and project, soonest deadline first (two queries)."""
    query = (select(Need, Authority, Project).join(Authority, Authority.id == Need.authority_id)
             .outerjoin(Project, Project.id == Need.project_id))
    if not include_hidden:
        query = query.where(Need.is_hidden.is_(False))
    if filters.text:
        pattern = f"%{filters.text.strip()}%"
        query = query.where(or_(Need.title_uk.ilike(pattern), Need.title_en.ilike(pattern),
                                Need.description_uk.ilike(pattern), Need.description_en.ilike(pattern),
                                Authority.name_uk.ilike(pattern), Authority.name_en.ilike(pattern)))
    for column, value in ((Need.help_kind, filters.help_kind), (Need.sector, filters.sector),
                          (Need.capacity_area, filters.capacity_area), (Need.status, filters.status),
                          (Need.project_id, filters.project_id)):
        if value:
            query = query.where(column == value)
    if filters.authority_path:
        query = query.where(Authority.path.startswith(filters.authority_path, autoescape=True))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = min(max(1, page), max(1, -(-total // per_page)))  # a page past the last shows the last
    rows = session.exec(query.order_by(Need.needed_by.is_(None), Need.needed_by, Need.id.desc())
                        .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(rows=list(rows), total=total, page=page, per_page=per_page)


def set_need_hidden(*, session: Session, need: Need, hidden: bool) -> Need:
    """Admins hide needs that abuse the board; hidden needs leave every public list."""
    lock_for_decision(session, need)
    if need.is_hidden == hidden:
        raise StateConflict(_("Another administrator already hid this need.") if hidden
                            else _("Another administrator already made this need visible again."), field="status")
    need.is_hidden = hidden
    session.add(need)
    session.flush()
    return need


#: Where a need may go from each status: an open need is fulfilled or closed; either is reopened.
NEXT_STATUSES = {
    NeedStatus.OPEN: (NeedStatus.FULFILLED, NeedStatus.CLOSED),
    NeedStatus.FULFILLED: (NeedStatus.OPEN,),
    NeedStatus.CLOSED: (NeedStatus.OPEN,),
}


def set_need_status(*, session: Session, need: Need, status: str) -> Need:
    """Close, fulfil or reopen a need; decided on the need read under its lock, so of two people closing it
    at once one closes it and the other is told it already is."""
    _check(status, NeedStatus, "status")
    lock_for_decision(session, need)
    if status not in NEXT_STATUSES[NeedStatus(need.status)]:
        raise StateConflict(_already(need.status), field="status")
    need.status = status
    session.add(need)
    session.flush()
    return need


def _already(status: str) -> str:
    if status == NeedStatus.OPEN:
        return _("The need is already open.")
    if status == NeedStatus.FULFILLED:
        return _("The need was already marked fulfilled; reopen it first.")
    return _("The need was already closed; reopen it first.")


def projects_open_for_needs(*, session: Session, authority_filter) -> list[tuple[Project, Authority]]:
    """Projects a planner may attach a need to: public, active, in needs assessment or planning."""
    query = (select(Project, Authority).join(Authority, Authority.id == Project.authority_id)
             .where(Project.stage.in_(OPEN_STAGES), Project.state == ProjectState.ACTIVE,
                    public_condition()))
    if authority_filter is not None:
        query = query.where(authority_filter)
    return list(session.exec(query.order_by(Project.reference)))

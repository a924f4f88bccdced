"""What the public sees of citizens' items: frozen variants with no field for the author's address.

The project page reads a project's items and their photos in one query (``project_voice``), whatever their
number. A hidden item shows only that it was hidden and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Integer, and_, case, func, or_
from sqlmodel import Session, col, select

from tracker.core.models import Authority
from tracker.core.vocab import PhotoPhase, VoiceState
from tracker.projects.models import Project
from tracker.projects.policy import public_condition
from tracker.voice import policy
from tracker.voice.models import CitizenItem, CitizenPhoto


@dataclass(frozen=True)
class PublicPhoto:
    id: int
    phase: str
    storage_name: str
    thumb_name: str
    width: int
    height: int


@dataclass(frozen=True)
class PublicItem:
    id: int
    kind: str
    state: str
    created_at: datetime
    hidden_reason: str | None = None
    category: str | None = None
    body: str | None = None
    author_name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    observed_on: date | None = None
    due_on: date | None = None
    is_overdue: bool = False
    answer: str | None = None
    answered_at: datetime | None = None
    photos: tuple[PublicPhoto, ...] = ()
    #: The audit finding raised from it (the page links to it for auditors and admins only).
    finding_id: int | None = None

    @property
    def is_hidden(self) -> bool:
        return self.state == VoiceState.HIDDEN


@dataclass(frozen=True)
class VoiceCounts:
    """What may be said publicly in figures: published and hidden items, questions and complaints answered,
    overdue, and the share answered on time of those whose timeliness is known (None when none is)."""

    published: int = 0
    hidden: int = 0
    answered: int = 0
    overdue: int = 0
    answered_on_time_percent: float | None = None


def _percent(on_time: int, due: int) -> float | None:
    return round(100 * on_time / due, 1) if due else None


@dataclass(frozen=True)
class ProjectVoice:
    items: list[PublicItem]
    gallery: dict[str, list[PublicPhoto]] = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.is_overdue)

    def counts(self, today: date | None = None) -> VoiceCounts:
        """The figures of ``public_counts`` from the items already read (no query)."""
        today = today or date.today()
        shown = [item for item in self.items if not item.is_hidden]
        due = [item for item in shown if item.due_on is not None
               and (item.answered_at is not None or item.due_on < today)]
        on_time = [item for item in due if item.answered_at is not None and item.answered_at.date() <= item.due_on]
        return VoiceCounts(published=len(shown), hidden=len(self.items) - len(shown),
                           answered=sum(1 for item in shown if item.answered_at is not None),
                           overdue=sum(1 for item in shown if item.is_overdue),
                           answered_on_time_percent=_percent(len(on_time), len(due)))


def public_item(item: CitizenItem, photos: list[CitizenPhoto], today: date) -> PublicItem:
    if item.state == VoiceState.HIDDEN:
        return PublicItem(id=item.id, kind=item.kind, state=item.state, created_at=item.created_at,
                          hidden_reason=item.hidden_reason)
    return PublicItem(
        id=item.id, kind=item.kind, state=item.state, created_at=item.created_at, category=item.category,
        body=item.body, author_name=item.author_name, latitude=item.latitude, longitude=item.longitude,
        observed_on=item.observed_on, due_on=item.due_on, is_overdue=item.is_overdue(today), answer=item.answer,
        answered_at=item.answered_at, finding_id=item.finding_id,
        photos=tuple(PublicPhoto(id=p.id, phase=p.phase, storage_name=p.storage_name, thumb_name=p.thumb_name,
                                 width=p.width, height=p.height) for p in photos))


def project_voice(*, session: Session, project_id: int, today: date | None = None) -> ProjectVoice:
    """A public project's published and hidden items, newest first, and the gallery by phase (one query)."""
    today = today or date.today()
    rows = session.exec(select(CitizenItem, CitizenPhoto)
                        .outerjoin(CitizenPhoto, CitizenPhoto.item_id == CitizenItem.id)
                        .where(CitizenItem.project_id == project_id, policy.public_items())
                        .order_by(CitizenItem.created_at.desc(), CitizenItem.id.desc(), CitizenPhoto.id)).all()
    grouped: dict[int, tuple[CitizenItem, list[CitizenPhoto]]] = {}
    for item, photo in rows:
        entry = grouped.setdefault(item.id, (item, []))
        if photo is not None:
            entry[1].append(photo)
    items = [public_item(item, photos, today) for item, photos in grouped.values()]
    gallery: dict[str, list[PublicPhoto]] = {phase.value: [] for phase in PhotoPhase}
    for item in items:
        for photo in item.photos:
            gallery[photo.phase].append(photo)
    return ProjectVoice(items=items, gallery={phase: photos for phase, photos in gallery.items() if photos})


#: The report shows at most this many photos of each phase, the newest (the project page shows them all).
REPORT_PHOTOS_PER_PHASE = 12


@dataclass(frozen=True)
class SitePhoto:
    """A published item's photo for the report: phase, file names, when it was seen and sent, and the place the
    author gave (shown on the project page too); nothing of its author."""

    phase: str
    storage_name: str
    thumb_name: str
    observed_on: date | None
    submitted_on: date
    latitude: float | None
    longitude: float | None


def site_photos(*, session: Session, project_id: int,
                per_phase: int = REPORT_PHOTOS_PER_PHASE) -> list[SitePhoto]:
    """The photos of a project's published items by phase (before, during, after), the newest ``per_phase`` of
    each; hidden, waiting and unconfirmed items' photos never (one query)."""
    rows = session.exec(select(CitizenPhoto, CitizenItem.observed_on, CitizenItem.created_at, CitizenItem.latitude,
                               CitizenItem.longitude)
                        .join(CitizenItem, CitizenItem.id == CitizenPhoto.item_id)
                        .where(CitizenItem.project_id == project_id, CitizenItem.state == VoiceState.PUBLISHED.value)
                        .order_by(CitizenItem.created_at.desc(), CitizenPhoto.id.desc())).all()
    by_phase: dict[str, list[SitePhoto]] = {phase.value: [] for phase in PhotoPhase}
    for photo, observed_on, created_at, latitude, longitude in rows:
        shown = by_phase.setdefault(photo.phase, [])
        if len(shown) < per_phase:
            shown.append(SitePhoto(phase=photo.phase, storage_name=photo.storage_name, thumb_name=photo.thumb_name,
                                   observed_on=observed_on, submitted_on=created_at.date(), latitude=latitude,
                                   longitude=longitude))
    return [photo for photos in by_phase.values() for photo in photos]


def public_counts(*, session: Session, project_ids: list[int], today: date | None = None) -> dict[int, VoiceCounts]:
    """``ProjectVoice.counts`` of many projects in one query (the API, reports); projects without items get
    zeros."""
    today = today or date.today()
    item = CitizenItem
    answered = col(item.answered_at).is_not(None)
    shown = item.state == VoiceState.PUBLISHED.value
    due = and_(shown, col(item.due_on).is_not(None), or_(answered, item.due_on < today))
    rows = session.exec(
        select(item.project_id, _sum(shown), _sum(item.state == VoiceState.HIDDEN.value), _sum(and_(shown, answered)),
               _sum(and_(shown, ~answered, col(item.due_on).is_not(None), item.due_on < today)), _sum(due),
               _sum(and_(due, answered, func.date(item.answered_at) <= item.due_on)))
        .where(col(item.project_id).in_(project_ids), policy.public_items()).group_by(item.project_id))
    counts = {pid: VoiceCounts() for pid in project_ids}
    for pid, published, hidden, answered_count, overdue, due_count, on_time in rows:
        counts[pid] = VoiceCounts(published=int(published or 0), hidden=int(hidden or 0),
                                  answered=int(answered_count or 0), overdue=int(overdue or 0),
                                  answered_on_time_percent=_percent(int(on_time or 0), int(due_count or 0)))
    return counts


def subtree_counts(*, session: Session, authority_path: str | None, today: date | None = None) -> VoiceCounts:
    """``public_counts`` added up over the public projects of an authority's subtree (all when None): one query."""
    today = today or date.today()
    item = CitizenItem
    answered = col(item.answered_at).is_not(None)
    shown = item.state == VoiceState.PUBLISHED.value
    due = and_(shown, col(item.due_on).is_not(None), or_(answered, item.due_on < today))
    query = (select(_sum(shown), _sum(item.state == VoiceState.HIDDEN.value), _sum(and_(shown, answered)),
                    _sum(and_(shown, ~answered, col(item.due_on).is_not(None), item.due_on < today)), _sum(due),
                    _sum(and_(due, answered, func.date(item.answered_at) <= item.due_on)))
             .join(Project, Project.id == item.project_id).join(Authority, Authority.id == Project.authority_id)
             .where(policy.public_items(), public_condition()))
    if authority_path:
        query = query.where(col(Authority.path).startswith(authority_path, autoescape=True))
    published, hidden, answered_count, overdue, due_count, on_time = (int(v or 0) for v in session.exec(query).one())
    return VoiceCounts(published=published, hidden=hidden, answered=answered_count, overdue=overdue,
                       answered_on_time_percent=_percent(on_time, due_count))


def _sum(condition):
    return func.sum(case((condition, 1), else_=0)).cast(Integer)

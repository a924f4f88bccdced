"""What the public sees of citizens' items: frozen variants with no field for the author's address.

The project page reads a project's items and their photos in one query (``project_voice``), whatever their
number. A hidden item shows only that it was hidden and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from tracker.core.vocab import PhotoPhase, VoiceState
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

    @property
    def is_hidden(self) -> bool:
        return self.state == VoiceState.HIDDEN


@dataclass(frozen=True)
class ProjectVoice:
    items: list[PublicItem]
    gallery: dict[str, list[PublicPhoto]] = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.is_overdue)


def public_item(item: CitizenItem, photos: list[CitizenPhoto], today: date) -> PublicItem:
    if item.state == VoiceState.HIDDEN:
        return PublicItem(id=item.id, kind=item.kind, state=item.state, created_at=item.created_at,
                          hidden_reason=item.hidden_reason)
    return PublicItem(
        id=item.id, kind=item.kind, state=item.state, created_at=item.created_at, category=item.category,
        body=item.body, author_name=item.author_name, latitude=item.latitude, longitude=item.longitude,
        observed_on=item.observed_on, due_on=item.due_on, is_overdue=item.is_overdue(today), answer=item.answer,
        answered_at=item.answered_at,
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

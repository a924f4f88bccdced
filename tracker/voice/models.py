"""A citizen's item on a public project and the photos it carries.

The author's e-mail address is kept only to confirm the item and to send the answer: no public variant has a
field for it (``voice/read_models.py``), so no page, export or API answer can show it.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, code_field, long_text_field, utcnow
from tracker.core.vocab import ComplaintCategory, HideReason, PhotoPhase, VoiceKind, VoiceState

BODY_MAX = 5000
ANSWER_MAX = 10_000
NAME_MAX = 100


class CitizenItemBase(SQLModel):
    """What the author writes: the declarations forms and services derive their limits from."""

    kind: VoiceKind = code_field(VoiceKind, 20)
    category: Optional[ComplaintCategory] = code_field(ComplaintCategory, 30, default=None)
    body: Optional[str] = long_text_field(BODY_MAX)
    latitude: Optional[float] = Field(default=None, ge=44.0, le=53.0)  # Ukraine's extent, with a margin
    longitude: Optional[float] = Field(default=None, ge=22.0, le=41.0)
    observed_on: Optional[date] = None
    #: Shown with the item; None publishes it anonymously.
    author_name: Optional[str] = Field(default=None, max_length=NAME_MAX)


class CitizenItem(CitizenItemBase, table=True):
    """A question, comment, complaint or set of photos about one public project."""

    __tablename__ = "citizen_item"
    __table_args__ = (Index("ix_citizen_item_project_state", "project_id", "state"),
                      Index("ix_citizen_item_state_created", "state", "created_at"))

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    #: Never shown, never exported: only the confirmation link and the answer are sent to it.
    author_email: str = Field(max_length=255, index=True)
    locale: str = Field(default="uk", max_length=5)
    state: VoiceState = code_field(VoiceState, 30, default=VoiceState.UNCONFIRMED)
    hidden_reason: Optional[HideReason] = code_field(HideReason, 30, default=None)
    decided_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    decided_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    confirmed_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    #: Questions and complaints: the confirmation day plus ``VOICE_ANSWER_DAYS``.
    due_on: Optional[date] = None
    answer: Optional[str] = long_text_field(ANSWER_MAX)
    answered_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    answered_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    #: The audit finding an auditor raised from this complaint (its description links back here).
    finding_id: Optional[int] = Field(default=None, foreign_key="audit_finding.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    def is_overdue(self, today: date) -> bool:
        """Due, unanswered, and the day has passed."""
        return self.due_on is not None and self.answered_at is None and today > self.due_on


class CitizenPhoto(SQLModel, table=True):
    """A photo of the site, re-encoded without metadata (GPS kept only when the author shared the place)."""

    __tablename__ = "citizen_photo"

    id: Optional[int] = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="citizen_item.id", index=True)
    phase: PhotoPhase = code_field(PhotoPhase, 10)
    storage_name: str = Field(max_length=64, unique=True)
    thumb_name: str = Field(max_length=64, unique=True)
    width: int
    height: int
    size: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

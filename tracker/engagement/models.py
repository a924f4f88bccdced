"""The engagement mechanism: needs Ukrainian authorities publish, EU partners and their offers,
twinning partnerships with their activities, project followers, the mail outbox and rate-limit events.

Lists of codes (languages, sectors, kinds of help) are stored as comma-separated text so that both
SQLite and PostgreSQL keep them in a plain column; ``codes()`` and ``join_codes()`` convert.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, code_field, long_text_field, money_field, utcnow
from tracker.core.i18n import localized
from tracker.core.models import RateLimitEvent  # noqa: F401  (moved to core: the sign-in brake counts with it)
from tracker.core.vocab import (
    ActivityKind,
    CapacityArea,
    Currency,
    HelpKind,
    NeedStatus,
    OfferStatus,
    PartnershipKind,
    PartyRole,
    Sector,
)


def codes(text: str | None) -> list[str]:
    """The codes in a comma-separated column, in stored order."""
    return [part for part in (text or "").split(",") if part]


def join_codes(values: Iterable[str]) -> str:
    """Codes to store: unique, in the given order."""
    return ",".join(dict.fromkeys(value.strip() for value in values if value and value.strip()))


class PartnerProfile(SQLModel, table=True):
    """An EU city, region or association's account: the user who speaks for an organisation.

    Until an admin confirms it (``confirmed_at``) the partner can sign in and read but not act.
    """

    __tablename__ = "partner_profile"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    languages: str = Field(default="", max_length=200, description="ISO 639-1 codes, comma-separated")
    sectors: str = Field(default="", max_length=500, description="OC4IDS sector codes, comma-separated")
    help_kinds: str = Field(default="", max_length=200, description="HelpKind codes, comma-separated")
    about: Optional[str] = long_text_field(5000)
    confirmed_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    confirmed_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    is_hidden: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Need(SQLModel, table=True):
    """Help a Ukrainian authority seeks: for a project in needs assessment or planning, or to build a capacity."""

    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="ck_need_amount"),
        CheckConstraint("effort_days IS NULL OR effort_days >= 0", name="ck_need_effort"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    authority_id: int = Field(foreign_key="authority.id", index=True)
    project_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True)
    capacity_area: Optional[CapacityArea] = code_field(CapacityArea, 40, default=None)
    sector: Optional[Sector] = code_field(Sector, 60, default=None, index=True)
    help_kind: HelpKind = code_field(HelpKind, 20, index=True)
    title_uk: str = Field(max_length=300)
    title_en: Optional[str] = Field(default=None, max_length=300)
    description_uk: Optional[str] = long_text_field(10_000)
    description_en: Optional[str] = long_text_field(10_000)
    amount: Optional[Decimal] = money_field(None)
    currency: Currency = code_field(Currency, 3, default=Currency.EUR)
    effort_days: Optional[int] = Field(default=None, ge=0, le=10_000)
    needed_by: Optional[date] = None
    languages: str = Field(default="", max_length=200, description="Working languages, comma-separated")
    status: NeedStatus = code_field(NeedStatus, 20, default=NeedStatus.OPEN, index=True)
    is_hidden: bool = Field(default=False)
    created_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    def title(self, locale: str) -> str:
        return localized(self, "title", locale)

    def description(self, locale: str) -> Optional[str]:
        return localized(self, "description", locale)


class Offer(SQLModel, table=True):
    """A partner's offer on a need, answered by the authority in a thread."""

    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="ck_offer_amount"),
        CheckConstraint("effort_days IS NULL OR effort_days >= 0", name="ck_offer_effort"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    partner_id: int = Field(foreign_key="partner_profile.id", index=True)
    kind: HelpKind = code_field(HelpKind, 20)
    amount: Optional[Decimal] = money_field(None)
    currency: Currency = code_field(Currency, 3, default=Currency.EUR)
    effort_days: Optional[int] = Field(default=None, ge=0, le=10_000)
    period_start: Optional[date] = None
    period_end: Optional[date] = None
    message: str = Field(max_length=5000, sa_type=Text)
    status: OfferStatus = code_field(OfferStatus, 20, default=OfferStatus.PENDING, index=True)
    is_hidden: bool = Field(default=False)
    created_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    answered_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    answered_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")


class OfferMessage(SQLModel, table=True):
    """One message in an offer's thread: a question, an answer, a note with a decision."""

    __tablename__ = "offer_message"

    id: Optional[int] = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    author_id: int = Field(foreign_key="user_account.id")
    body: str = Field(max_length=5000, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class Partnership(SQLModel, table=True):
    """A twinning or assistance partnership: EU organisations with Ukrainian authorities, one to one or a cluster."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    kind: PartnershipKind = code_field(PartnershipKind, 20, default=PartnershipKind.ONE_TO_ONE)
    role: PartyRole = code_field(PartyRole, 30, description="twinning_partner, co_financer or technical_assistance")
    project_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True)
    offer_id: Optional[int] = Field(default=None, foreign_key="offer.id", unique=True)
    amount: Optional[Decimal] = money_field(None)
    currency: Optional[Currency] = code_field(Currency, 3, default=None)
    started_on: Optional[date] = None
    created_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class PartnershipMember(SQLModel, table=True):
    """One side of a partnership: an EU organisation or a Ukrainian authority (exactly one is set)."""

    __tablename__ = "partnership_member"
    __table_args__ = (
        CheckConstraint("(authority_id IS NULL) <> (organisation_id IS NULL)", name="ck_member_one_of"),
        UniqueConstraint("partnership_id", "authority_id", "organisation_id", name="uq_partnership_member"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    authority_id: Optional[int] = Field(default=None, foreign_key="authority.id", index=True)
    organisation_id: Optional[int] = Field(default=None, foreign_key="organisation.id", index=True)


class PartnershipActivity(SQLModel, table=True):
    """Something the partners did together (exchange, training, visit) and what came of it."""

    __tablename__ = "partnership_activity"

    id: Optional[int] = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    kind: ActivityKind = code_field(ActivityKind, 20)
    title: str = Field(max_length=300)
    held_on: date
    participants: Optional[int] = Field(default=None, ge=0, le=100_000)
    outcome: Optional[str] = long_text_field(10_000)
    created_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class ProjectFollower(SQLModel, table=True):
    """A person who asked to hear when a project changes stage; mails go only after the address is confirmed."""

    __tablename__ = "project_follower"
    __table_args__ = (UniqueConstraint("project_id", "email", name="uq_project_follower"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    email: str = Field(max_length=255)
    locale: str = Field(default="uk", max_length=5)
    #: Random, stored: lets a follower stop the mails from any message without signing in.
    unsubscribe_token: str = Field(max_length=64, unique=True)
    confirmed_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

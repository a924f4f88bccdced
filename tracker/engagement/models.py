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

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.core.columns import MONEY, TIMESTAMP, utcnow


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
    about: Optional[str] = Field(default=None, sa_type=Text)
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
    capacity_area: Optional[str] = Field(default=None, max_length=40)
    sector: Optional[str] = Field(default=None, max_length=60, index=True)
    help_kind: str = Field(max_length=20, index=True)
    title_uk: str = Field(max_length=300)
    title_en: Optional[str] = Field(default=None, max_length=300)
    description_uk: Optional[str] = Field(default=None, sa_type=Text)
    description_en: Optional[str] = Field(default=None, sa_type=Text)
    amount: Optional[Decimal] = Field(default=None, sa_type=MONEY)
    currency: str = Field(default="EUR", max_length=3)
    effort_days: Optional[int] = None
    needed_by: Optional[date] = None
    languages: str = Field(default="", max_length=200, description="Working languages, comma-separated")
    status: str = Field(default="open", max_length=20, index=True)
    is_hidden: bool = Field(default=False)
    created_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    def title(self, locale: str) -> str:
        return (self.title_en or self.title_uk) if locale == "en" else self.title_uk

    def description(self, locale: str) -> Optional[str]:
        return (self.description_en or self.description_uk) if locale == "en" else self.description_uk


class Offer(SQLModel, table=True):
    """A partner's offer on a need, answered by the authority in a thread."""

    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="ck_offer_amount"),
        CheckConstraint("effort_days IS NULL OR effort_days >= 0", name="ck_offer_effort"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    partner_id: int = Field(foreign_key="partner_profile.id", index=True)
    kind: str = Field(max_length=20)
    amount: Optional[Decimal] = Field(default=None, sa_type=MONEY)
    currency: str = Field(default="EUR", max_length=3)
    effort_days: Optional[int] = None
    period_start: Optional[date] = None
    period_end: Optional[date] = None
    message: str = Field(sa_type=Text)
    status: str = Field(default="pending", max_length=20, index=True)
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
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class Partnership(SQLModel, table=True):
    """A twinning or assistance partnership: EU organisations with Ukrainian authorities, one to one or a cluster."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    kind: str = Field(default="one_to_one", max_length=20)
    role: str = Field(max_length=30, description="PartyRole: twinning_partner, co_financer, technical_assistance")
    project_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True)
    offer_id: Optional[int] = Field(default=None, foreign_key="offer.id", unique=True)
    amount: Optional[Decimal] = Field(default=None, sa_type=MONEY)
    currency: Optional[str] = Field(default=None, max_length=3)
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
    kind: str = Field(max_length=20)
    title: str = Field(max_length=300)
    held_on: date
    participants: Optional[int] = None
    outcome: Optional[str] = Field(default=None, sa_type=Text)
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


class RateLimitEvent(SQLModel, table=True):
    """One counted action (a registration from an address, an offer by a partner) for the rate limits.

    Kept in the database so every app worker counts the same events.
    """

    __tablename__ = "rate_limit_event"
    __table_args__ = (Index("ix_rate_limit_lookup", "action", "key", "created_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    action: str = Field(max_length=40)
    key: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

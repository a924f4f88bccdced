"""Authorities (the Ukrainian public-sector hierarchy) and organisations (everyone else)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, utcnow
from tracker.core.i18n import localized
from tracker.core.identifiers import KATOTTG_CODE


class AuthorityBase(SQLModel):
    code: Optional[str] = Field(default=None, max_length=19, unique=True, index=True,
                                schema_extra={"pattern": KATOTTG_CODE.pattern},
                                description="KATOTTG code, e.g. UA63000000000041885")
    level: str = Field(max_length=20, index=True)
    category: Optional[str] = Field(default=None, max_length=1, description="KATOTTG category letter")
    name_uk: str = Field(max_length=255)
    name_en: Optional[str] = Field(default=None, max_length=255)


class Authority(AuthorityBase, table=True):
    """A body of government at one level: national, oblast, raion, hromada, or a settlement.

    ``path`` is the materialised chain of ids from the root (``/1/7/42/``) so that "this authority and
    everything beneath it" is one indexed prefix query, at any depth and for 30,000 units.
    """

    # PostgreSQL uses an index for LIKE 'prefix%' only with the pattern operator class.
    __table_args__ = (Index("ix_authority_path_prefix", "path", postgresql_ops={"path": "varchar_pattern_ops"}),)

    id: Optional[int] = Field(default=None, primary_key=True)
    parent_id: Optional[int] = Field(default=None, foreign_key="authority.id", index=True)
    path: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    def name(self, locale: str) -> str:
        return localized(self, "name", locale)


class OrganisationBase(SQLModel):
    name: str = Field(max_length=255, description="Name in its own language")
    name_uk: Optional[str] = Field(default=None, max_length=255)
    name_en: Optional[str] = Field(default=None, max_length=255)
    kind: str = Field(max_length=40, index=True)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    identifier: Optional[str] = Field(default=None, max_length=64,
                                      description="Registry id, e.g. EDRPOU for Ukrainian companies")
    website: Optional[str] = Field(default=None, max_length=255)


class Organisation(OrganisationBase, table=True):
    """A party that is not a Ukrainian public authority: EU cities and regions, financiers, contractors."""

    id: Optional[int] = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    def display_name(self, locale: str) -> str:
        preferred = self.name_en if locale == "en" else self.name_uk
        return preferred or self.name


class OutboxMessage(SQLModel, table=True):
    """An e-mail written in the same transaction as the change it reports; sent after that commits."""

    __tablename__ = "mail_outbox"

    id: Optional[int] = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=255)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    sent_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP, index=True)
    attempts: int = Field(default=0)
    last_error: Optional[str] = Field(default=None, max_length=500)
    #: The worker sending it now (a token) and since when: see ``core.mail.deliver``.
    claimed_by: Optional[str] = Field(default=None, max_length=40)
    claimed_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)


class RateLimitEvent(SQLModel, table=True):
    """One counted action (a registration from an address, an offer by a partner, a failed sign-in) for the
    rate limits and the sign-in brake.

    Kept in the database so every app worker counts the same events.
    """

    __tablename__ = "rate_limit_event"
    __table_args__ = (Index("ix_rate_limit_lookup", "action", "key", "created_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    action: str = Field(max_length=40)
    key: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

"""Projects, the parties linked to them, their funding, and their stage history."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Column, Integer, Text
from sqlmodel import Field, SQLModel

from tracker.core.columns import MONEY, TIMESTAMP, utcnow


class ProjectBase(SQLModel):
    title_uk: str = Field(max_length=500)
    title_en: Optional[str] = Field(default=None, max_length=500)
    description_uk: Optional[str] = Field(default=None, sa_type=Text)
    description_en: Optional[str] = Field(default=None, sa_type=Text)
    sector: str = Field(max_length=60, index=True, description="OC4IDS projectSector code")
    subsector: Optional[str] = Field(default=None, max_length=200,
                                     description="What exactly is built: school, bridge, boiler house… (CoST IDS 3)")
    project_type: str = Field(max_length=30, description="OC4IDS projectType code")
    purpose: str = Field(max_length=20, description="restoration or development (DREAM)")
    location_code: Optional[str] = Field(default=None, max_length=19, description="KATOTTG code of the site")
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    address: Optional[str] = Field(default=None, max_length=500)
    is_public: bool = Field(default=True, index=True)
    dream_code: Optional[str] = Field(default=None, max_length=40,
                                      description="The project's id in DREAM, when it is also there")


#: Optimistic locking: SQLAlchemy writes every UPDATE of a project as ``… WHERE version = <loaded>`` and
#: raises the number by one, so a save based on an older version matches no row and is refused.
_VERSION_COLUMN = Column("version", Integer, nullable=False, default=1)


class Project(ProjectBase, table=True):
    """A reconstruction project of one owning authority, from the need to the result."""

    __mapper_args__ = {"version_id_col": _VERSION_COLUMN}

    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="ck_project_latitude"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="ck_project_longitude"),
        CheckConstraint("version >= 1", name="ck_project_version"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True, index=True, description="Stable public id, VID-2026-000123")
    authority_id: int = Field(foreign_key="authority.id", index=True)
    parent_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True,
                                     description="The programme this project belongs to")
    stage: str = Field(default="needs_assessment", max_length=20, index=True)
    state: str = Field(default="active", max_length=20, index=True)
    #: Raised by one on every change; a write that expected another number is refused (optimistic locking).
    version: int = Field(default=1, sa_column=_VERSION_COLUMN)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    def title(self, locale: str) -> str:
        return (self.title_en or self.title_uk) if locale == "en" else self.title_uk

    def description(self, locale: str) -> Optional[str]:
        return (self.description_en or self.description_uk) if locale == "en" else self.description_uk


class ProjectParty(SQLModel, table=True):
    """A role another authority or an organisation plays in a project; exactly one of the two is set."""

    __tablename__ = "project_party"
    __table_args__ = (
        CheckConstraint("(authority_id IS NULL) <> (organisation_id IS NULL)", name="ck_party_one_of"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    role: str = Field(max_length=30)
    authority_id: Optional[int] = Field(default=None, foreign_key="authority.id", index=True)
    organisation_id: Optional[int] = Field(default=None, foreign_key="organisation.id", index=True)


class FundingLineBase(SQLModel):
    source: str = Field(max_length=30, description="local_budget, oblast_budget, state_budget, eu, ...")
    amount_committed: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    amount_disbursed: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    currency: str = Field(default="UAH", max_length=3)
    note: Optional[str] = Field(default=None, max_length=500)


class FundingLine(FundingLineBase, table=True):
    """Money one source commits to a project, and how much of it has been paid out."""

    __tablename__ = "funding_line"
    __table_args__ = (
        CheckConstraint("amount_committed >= 0", name="ck_funding_committed"),
        CheckConstraint("amount_disbursed >= 0", name="ck_funding_disbursed"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    financier_organisation_id: Optional[int] = Field(default=None, foreign_key="organisation.id")
    financier_authority_id: Optional[int] = Field(default=None, foreign_key="authority.id")


class StageHistory(SQLModel, table=True):
    """One move of a project from a stage or state to another: who, when, why."""

    __tablename__ = "stage_history"

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    from_stage: Optional[str] = Field(default=None, max_length=20)
    to_stage: str = Field(max_length=20)
    moved_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    moved_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    note: Optional[str] = Field(default=None, sa_type=Text)
    #: The gate evaluation the move passed (or was allowed past).
    evaluation_id: Optional[int] = Field(default=None, foreign_key="evaluation.id")
    #: Set when failing blockers were overridden: the written reason, shown to auditors and the public.
    override_justification: Optional[str] = Field(default=None, sa_type=Text)

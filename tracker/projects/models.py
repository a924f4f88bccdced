"""Projects, the parties linked to them, their funding, and their stage history."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Column, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, code_field, long_text_field, money_field, utcnow
from tracker.core.i18n import localized
from tracker.core.identifiers import KATOTTG_CODE
from tracker.core.vocab import Currency, FundingSource, PartyRole, ProjectState, ProjectType, Purpose, Sector, Stage


class ProjectBase(SQLModel):
    """A project's general data: each field's limits and vocabulary are declared here, once.

    Forms, CSV columns and the services derive their checks from these declarations (``tracker.core.fields``).
    """

    title_uk: str = Field(max_length=500)
    title_en: Optional[str] = Field(default=None, max_length=500)
    description_uk: Optional[str] = long_text_field()
    description_en: Optional[str] = long_text_field()
    sector: Sector = code_field(Sector, 60, index=True, description="OC4IDS projectSector code")
    subsector: Optional[str] = Field(default=None, max_length=200,
                                     description="What exactly is built: school, bridge, boiler house… (CoST IDS 3)")
    project_type: ProjectType = code_field(ProjectType, 30, description="OC4IDS projectType code")
    purpose: Purpose = code_field(Purpose, 20, description="restoration or development (DREAM)")
    location_code: Optional[str] = Field(default=None, max_length=19, schema_extra={"pattern": KATOTTG_CODE.pattern},
                                         description="KATOTTG code of the site")
    latitude: Optional[float] = Field(default=None, ge=-90, le=90)
    longitude: Optional[float] = Field(default=None, ge=-180, le=180)
    address: Optional[str] = Field(default=None, max_length=500)
    is_public: bool = Field(default=True)  # served by the partial ix_project_public_listing
    dream_code: Optional[str] = Field(default=None, max_length=40,
                                      description="The project's id in DREAM, when it is also there")
    owner_contact: Optional[str] = Field(default=None, max_length=300,
                                         description="How the public reaches the owner about the project: the "
                                                     "office's address, phone or e-mail (CoST IDS 11)")


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
        # The lists' order (newest first), for everyone and for the public (partial: public rows only; the
        # predicate is written per backend as ``policy.public_condition`` renders it there).
        Index("ix_project_listing", "created_at", "id"),
        Index("ix_project_public_listing", "created_at", "id",
              postgresql_where=text("is_public"), sqlite_where=text("is_public = 1")),
        # The map's views: the projects inside a latitude and longitude range (``maps.service.points_in_view``).
        Index("ix_project_location", "latitude", "longitude"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True, index=True, description="Stable public id, VID-2026-000123")
    authority_id: int = Field(foreign_key="authority.id", index=True)
    parent_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True,
                                     description="The programme this project belongs to")
    stage: Stage = code_field(Stage, 20, default=Stage.NEEDS_ASSESSMENT, index=True)
    state: ProjectState = code_field(ProjectState, 20, default=ProjectState.ACTIVE, index=True)
    #: Raised by one on every change; a write that expected another number is refused (optimistic locking).
    version: int = Field(default=1, sa_column=_VERSION_COLUMN)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    def title(self, locale: str) -> str:
        return localized(self, "title", locale)

    def description(self, locale: str) -> Optional[str]:
        return localized(self, "description", locale)


class ProjectParty(SQLModel, table=True):
    """A role another authority or an organisation plays in a project; exactly one of the two is set."""

    __tablename__ = "project_party"
    __table_args__ = (
        CheckConstraint("(authority_id IS NULL) <> (organisation_id IS NULL)", name="ck_party_one_of"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    role: PartyRole = code_field(PartyRole, 30)
    authority_id: Optional[int] = Field(default=None, foreign_key="authority.id", index=True)
    organisation_id: Optional[int] = Field(default=None, foreign_key="organisation.id", index=True)


class FundingLineBase(SQLModel):
    source: FundingSource = code_field(FundingSource, 30, description="Who pays: local_budget, state_budget, eu…")
    amount_committed: Decimal = money_field(Decimal("0"))
    amount_disbursed: Decimal = money_field(Decimal("0"))
    currency: Currency = code_field(Currency, 3, default=Currency.UAH)
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
    #: A stage, or a state for suspensions and cancellations (so plain text, not one enum).
    from_stage: Optional[str] = Field(default=None, max_length=20)
    to_stage: str = Field(max_length=20)
    moved_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    moved_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    note: Optional[str] = Field(default=None, sa_type=Text)
    #: The gate evaluation the move passed (or was allowed past).
    evaluation_id: Optional[int] = Field(default=None, foreign_key="evaluation.id")
    #: Set when failing blockers were overridden: the written reason, shown to auditors and the public.
    override_justification: Optional[str] = Field(default=None, sa_type=Text)


class ProjectSearch(SQLModel, table=True):
    """A project's words as search compares them (``core.search_text.document``): its titles, descriptions and
    its authority's names, kept by ``projects.search`` whenever one of them is written."""

    __tablename__ = "project_search"

    __table_args__ = (
        # Sorting the lists by name: the code of the title in the reader's language (``core.collation.sort_code``).
        Index("ix_project_search_name_uk", "name_code_uk", "project_id"),
        Index("ix_project_search_name_en", "name_code_en", "project_id"),
    )

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    #: Every searched word: titles, descriptions, the authority's names, and what ``search.register_source``
    #: adds (contracts: their titles, tender ids and contractors; the parties' organisations).
    words: str = Field(default=" ", sa_type=Text)
    #: The titles' words alone: a query word found here ranks the project higher.
    title_words: str = Field(default=" ", sa_type=Text)
    name_code_uk: str = Field(default="", max_length=160)
    name_code_en: str = Field(default="", max_length=160)

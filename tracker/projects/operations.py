"""Creating, reading and changing projects; every write checks the caller's scope and version."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Optional
from uuid import uuid4

from pydantic import field_validator
from sqlalchemy import Table, delete, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, select

from tracker.core import bulk, geo
from tracker.core.columns import utcnow
from tracker.core.errors import NotFound, ServiceError
from tracker.core.fields import check_values, validated
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority, Organisation
from tracker.core.versioning import save_from_version
from tracker.core.vocab import Currency, ProjectState, ProjectType, Purpose, Sector, Stage
from tracker.projects.models import FundingLine, Project, ProjectBase, ProjectParty, StageHistory

REFERENCE_PREFIX = "VID"


class ProjectCreate(ProjectBase):
    """What a planner supplies to register a project; the base class declares every field's limits."""

    @field_validator("title_uk")
    @classmethod
    def _title_present(cls, value: str) -> str:
        if not value or not value.strip():
            raise ValueError("the Ukrainian title is required")
        return value.strip()


class ProjectUpdate(SQLModel):
    """The editable general fields; ``None`` leaves a field as it is (checked against ``ProjectBase`` on save)."""

    title_uk: Optional[str] = None
    title_en: Optional[str] = None
    description_uk: Optional[str] = None
    description_en: Optional[str] = None
    sector: Optional[Sector] = None
    subsector: Optional[str] = None
    project_type: Optional[ProjectType] = None
    purpose: Optional[Purpose] = None
    location_code: Optional[str] = None
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    address: Optional[str] = None
    dream_code: Optional[str] = None
    owner_contact: Optional[str] = None
    is_public: Optional[bool] = None


def project_data(values: dict) -> ProjectCreate:
    """``values`` checked as a project's general data; a ``ServiceError`` names the first field that is wrong."""
    return validated(ProjectCreate, values)


def project_changes(values: dict) -> ProjectUpdate:
    """``values`` as changes to a project's general data, each checked for its type (``ServiceError`` if not)."""
    return validated(ProjectUpdate, values)


def check_location(data: ProjectBase) -> None:
    """Refuse a point outside Ukraine, or outside the oblast of the project's KATOTTG code, naming the oblast
    the point lies in (``core.geo``). A missing point is accepted here: the data-quality rule reports it."""
    check = geo.check_location(data.location_code, data.latitude, data.longitude)
    if check.status == "outside_ukraine":
        raise ServiceError(_("The point %(lat)s, %(lon)s lies outside Ukraine.", lat=data.latitude,
                             lon=data.longitude), field="latitude")
    if check.status == "outside_oblast" and check.point_oblast and check.code_oblast:
        locale = current_language()
        raise ServiceError(_("The point lies in %(found)s, not in %(expected)s, the oblast of the KATOTTG code "
                             "%(code)s.", found=check.point_oblast.name(locale),
                             expected=check.code_oblast.name(locale), code=data.location_code), field="latitude")


def make_reference(project_id: int, year: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{project_id:06d}"


def create_project(*, session: Session, authority: Authority, data: ProjectCreate,
                   actor_id: int | None = None, stage: str = Stage.NEEDS_ASSESSMENT,
                   created_at: datetime | None = None) -> Project:
    """Register a project under ``authority``; its reference derives from its id and year."""
    check_values(Project, {"stage": stage})
    check_location(data)
    created_at = created_at or utcnow()
    project = Project.model_validate(data, update={
        "authority_id": authority.id, "stage": stage, "state": ProjectState.ACTIVE,
        # The reference needs the id, which needs a row: insert under a unique placeholder first.
        "reference": f"new-{uuid4().hex[:16]}", "created_at": created_at, "updated_at": created_at,
    })
    session.add(project)
    session.flush()
    # Written outside the ORM's unit of work so that naming the new row does not count as a new version.
    reference = make_reference(project.id, created_at.year)
    session.execute(update(Project).where(Project.id == project.id).values(reference=reference))
    set_committed_value(project, "reference", reference)
    session.add(StageHistory(project_id=project.id, from_stage=None, to_stage=stage,
                             moved_by_id=actor_id, moved_at=created_at))
    session.flush()
    return project


@dataclass(frozen=True)
class NewProject:
    """One project of a bulk creation: its owner, its checked data and, optionally, its programme."""

    authority_id: int
    data: ProjectCreate
    parent_id: int | None = None


def create_projects(*, session: Session, projects: Sequence[NewProject], actor_id: int | None = None,
                    created_at: datetime | None = None) -> list[int]:
    """Register many projects at once (``create_project``'s rows, in multi-row statements); their ids in order.

    Audited and recorded in the change history like single creations (``core.bulk`` tells both).
    """
    if not projects:
        return []
    created_at = created_at or utcnow()
    ids = bulk.insert_rows(session, Project, [
        {**item.data.model_dump(), "authority_id": item.authority_id, "parent_id": item.parent_id,
         "stage": Stage.NEEDS_ASSESSMENT, "state": ProjectState.ACTIVE, "reference": f"new-{uuid4().hex[:16]}",
         "created_at": created_at, "updated_at": created_at, "version": 1}
        for item in projects], named=lambda project_id: {"reference": make_reference(project_id, created_at.year)})
    bulk.insert_rows(session, StageHistory, [
        {"project_id": project_id, "from_stage": None, "to_stage": Stage.NEEDS_ASSESSMENT,
         "moved_by_id": actor_id, "moved_at": created_at} for project_id in ids])
    return ids


def delete_projects(*, session: Session, project_ids: Sequence[int]) -> None:
    """Remove projects and every row that depends on them, in any table (taking back an import that failed).

    Through the session, so the audit trail logs every row removed; a programme whose project goes keeps its
    other children, which stand alone again.
    """
    ids = sorted(set(project_ids))
    if not ids:
        return
    table: Table = Project.__table__  # type: ignore[attr-defined]
    session.execute(update(table).where(table.c.parent_id.in_(ids), table.c.id.not_in(ids)).values(parent_id=None))
    _delete_dependents(session, table, table.c.id.in_(ids))
    session.execute(delete(table).where(table.c.id.in_(ids)))


def _delete_dependents(session: Session, table: Table, chosen: Any, depth: int = 0) -> None:
    """Delete, deepest first, the rows of every other table that point at the ``chosen`` rows of ``table``."""
    if depth > 5:  # the schema nests three deep; deeper means a cycle
        raise RuntimeError(f"rows depending on {table.name} nest too deep to delete")
    for dependent in reversed(table.metadata.sorted_tables):
        for key in dependent.foreign_keys:
            if key.column.table is not table or dependent is table:
                continue
            pointing = key.parent.in_(select(key.column).where(chosen))
            _delete_dependents(session, dependent, pointing, depth + 1)
            session.execute(delete(dependent).where(pointing))


def get_project(*, session: Session, reference: str) -> Project:
    project = session.exec(select(Project).where(Project.reference == reference)).first()
    if project is None:
        raise NotFound(_("no project “%(reference)s”", reference=reference))
    return project


def update_project(*, session: Session, project: Project, changes: ProjectUpdate, expected_version: int,
                   locate: bool = True) -> dict[str, tuple[Any, Any]]:
    """Apply ``changes`` if nobody saved since ``expected_version``; return {field: (old, new)}.

    A changed point or KATOTTG code is checked (``check_location``) unless ``locate`` is false: an import keeps
    the rows it is given, and the data-quality rule reports an inconsistent location there.

    On a conflict nothing is written and ``Conflict.changes`` names each field whose saved value
    differs from the submitted one: {field: (saved, submitted)}.
    """
    values = changes.model_dump(exclude_unset=True)
    validated = project_data({**project.model_dump(), **values})
    values = {name: getattr(validated, name) for name in values}
    if locate and {"location_code", "latitude", "longitude"} & {name for name in values
                                                                if getattr(project, name) != values[name]}:
        check_location(validated)
    changed = {name: (getattr(project, name), new) for name, new in values.items()
               if getattr(project, name) != new}
    if not changed and project.version == expected_version:
        return {}  # nothing to write, and nobody wrote since: no new version

    def stored_differences() -> dict:
        session.refresh(project)  # drops this save's pending values: compare with what is stored
        return {name: (getattr(project, name), value) for name, value in values.items()
                if getattr(project, name) != value}

    for name, (_old, new) in changed.items():
        setattr(project, name, new)
    save_from_version(session=session, project=project, expected_version=expected_version,
                      differences=stored_differences)
    return changed


def add_funding_line(*, session: Session, project: Project, source: str, amount_committed: Decimal,
                     amount_disbursed: Decimal = Decimal("0"), currency: str = Currency.UAH,
                     financier_organisation: Organisation | None = None,
                     financier_authority: Authority | None = None, note: str | None = None) -> FundingLine:
    """Record money a source commits to the project; disbursed may not exceed committed."""
    check_values(FundingLine, {"source": source, "currency": currency, "amount_committed": amount_committed,
                               "amount_disbursed": amount_disbursed, "note": note})
    line = FundingLine(project_id=project.id, source=source, amount_committed=amount_committed,
                       amount_disbursed=amount_disbursed, currency=currency, note=note,
                       financier_organisation_id=financier_organisation.id if financier_organisation else None,
                       financier_authority_id=financier_authority.id if financier_authority else None)
    session.add(line)
    session.flush()
    return line


def link_party(*, session: Session, project: Project, role: str, authority: Authority | None = None,
               organisation: Organisation | None = None) -> ProjectParty:
    """Link another authority or an organisation to the project in a role."""
    check_values(ProjectParty, {"role": role})
    if (authority is None) == (organisation is None):
        raise ServiceError(_("a party is either an authority or an organisation"), field="party")
    party = ProjectParty(project_id=project.id, role=role,
                         authority_id=authority.id if authority else None,
                         organisation_id=organisation.id if organisation else None)
    session.add(party)
    session.flush()
    return party


def count_by_stage(*, session: Session, project_filter=None) -> dict[str, int]:
    query = select(Project.stage, func.count()).group_by(Project.stage)
    if project_filter is not None:
        query = query.where(project_filter)
    return {stage: count for stage, count in session.exec(query)}

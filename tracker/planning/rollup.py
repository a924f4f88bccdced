"""Programmes and their sub-projects: weighted progress rolled up from the children.

A child's progress is its latest physical-progress observation (100 once completed, 0 before any).
Weights: the children's explicit ``rollup_weight`` when every child has one; otherwise their
planned budgets when every child has one; otherwise equal shares. A child that is itself a programme
contributes its own roll-up. One set of queries per level of the hierarchy, whatever its width.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from tracker.core.errors import ServiceError
from tracker.core.i18n import gettext as _
from tracker.core.vocab import Stage
from tracker.planning.listing import latest_progress
from tracker.planning.models import ProjectImplementation, ProjectPlan
from tracker.projects.models import Project

MAX_DEPTH = 10


@dataclass(frozen=True)
class Rollup:
    """A programme's progress and how it was weighed."""

    percent: Decimal
    children: int
    basis: str  # "weight", "budget" or "equal"


def programme_progress(*, session: Session, programme_ids: list[int]) -> dict[int, Rollup]:
    """The rolled-up physical progress of each programme that has sub-projects."""
    children = _children(session, programme_ids)
    child_ids = [child.id for kids in children.values() for child in kids]
    if not child_ids:
        return {}
    nested = programme_progress(session=session, programme_ids=child_ids)
    result = {}
    for programme_id, kids in children.items():
        progress = {kid.id: _child_progress(kid, nested) for kid in kids}
        share, basis = _weights(kids)
        total = sum(share.values(), Decimal("0"))
        percent = (sum(progress[k] * share[k] for k in share) / total) if total else Decimal("0")
        result[programme_id] = Rollup(percent.quantize(Decimal("0.1")), len(kids), basis)
    return result


@dataclass(frozen=True)
class _Child:
    """What the roll-up needs of one sub-project, read in one row."""

    id: int
    stage: Stage
    weight: Decimal | None
    budget: Decimal | None
    latest_percent: int | None


def _children(session: Session, parent_ids: list[int]) -> dict[int, list[_Child]]:
    """Each parent's sub-projects with their weight, planned budget and latest progress: one statement."""
    grouped: dict[int, list[_Child]] = defaultdict(list)
    if not parent_ids:
        return grouped
    latest = latest_progress()
    # project_implementation and project_plan hold at most one row a project (unique project_id).
    query = (select(Project.id, Project.parent_id, Project.stage, ProjectImplementation.rollup_weight,
                    ProjectPlan.budget_total, latest)
             .outerjoin(ProjectImplementation, ProjectImplementation.project_id == Project.id)
             .outerjoin(ProjectPlan, ProjectPlan.project_id == Project.id)
             .where(Project.parent_id.in_(parent_ids)).order_by(Project.id))
    for child_id, parent_id, stage, weight, budget, percent in session.exec(query):
        grouped[parent_id].append(_Child(child_id, stage, weight, budget, percent))
    return grouped


def _child_progress(child: _Child, nested: dict[int, Rollup]) -> Decimal:
    if child.id in nested:
        return nested[child.id].percent
    if child.stage == Stage.COMPLETED:
        return Decimal("100")
    return Decimal(child.latest_percent or 0)


def _weights(kids: list[_Child]) -> tuple[dict[int, Decimal], str]:
    if all(kid.weight is not None for kid in kids):
        return {kid.id: Decimal(kid.weight) for kid in kids}, "weight"
    if all(kid.budget for kid in kids):
        return {kid.id: Decimal(kid.budget) for kid in kids}, "budget"
    return {kid.id: Decimal("1") for kid in kids}, "equal"


def set_parent(*, session: Session, project: Project, parent: Project | None) -> None:
    """Make ``project`` a sub-project of ``parent`` (None: stand alone); refuses cycles."""
    if parent is not None:
        ancestor, depth = parent, 0
        while ancestor is not None:
            if ancestor.id == project.id:
                raise ServiceError(_("a project cannot be part of itself or of its own sub-project"), field="parent")
            depth += 1
            if depth > MAX_DEPTH:
                raise ServiceError(_("programmes nest at most ten levels deep"), field="parent")
            ancestor = session.get(Project, ancestor.parent_id) if ancestor.parent_id else None
    project.parent_id = parent.id if parent else None
    session.flush()

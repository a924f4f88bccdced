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
from tracker.core.vocab import Stage
from tracker.planning.models import ProgressObservation, ProjectImplementation, ProjectPlan
from tracker.planning.stage_data import one_per_project
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
    latest = _latest_progress(session, child_ids)
    records = one_per_project(session, ProjectImplementation, child_ids)
    weights = {pid: record.rollup_weight for pid, record in records.items()}
    budgets = {pid: plan.budget_total for pid, plan in one_per_project(session, ProjectPlan, child_ids).items()}
    result = {}
    for programme_id, kids in children.items():
        progress = {kid.id: _child_progress(kid, latest, nested) for kid in kids}
        share, basis = _weights([kid.id for kid in kids], weights, budgets)
        total = sum(share.values(), Decimal("0"))
        percent = (sum(progress[k] * share[k] for k in share) / total) if total else Decimal("0")
        result[programme_id] = Rollup(percent.quantize(Decimal("0.1")), len(kids), basis)
    return result


def _children(session: Session, parent_ids: list[int]) -> dict[int, list[Project]]:
    grouped: dict[int, list[Project]] = defaultdict(list)
    if parent_ids:
        for child in session.exec(select(Project).where(Project.parent_id.in_(parent_ids)).order_by(Project.id)):
            grouped[child.parent_id].append(child)
    return grouped


def _latest_progress(session: Session, project_ids: list[int]) -> dict[int, int]:
    latest: dict[int, int] = {}
    query = (select(ProgressObservation.project_id, ProgressObservation.physical_percent)
             .where(ProgressObservation.project_id.in_(project_ids))
             .order_by(ProgressObservation.observed_on, ProgressObservation.id))
    for project_id, percent in session.exec(query):
        latest[project_id] = percent  # ordered ascending: the last one wins
    return latest


def _child_progress(child: Project, latest: dict[int, int], nested: dict[int, Rollup]) -> Decimal:
    if child.id in nested:
        return nested[child.id].percent
    if child.stage == Stage.COMPLETED:
        return Decimal("100")
    return Decimal(latest.get(child.id, 0))


def _weights(ids: list[int], weights: dict, budgets: dict) -> tuple[dict[int, Decimal], str]:
    if all(weights.get(i) is not None for i in ids):
        return {i: Decimal(weights[i]) for i in ids}, "weight"
    if all(budgets.get(i) for i in ids):
        return {i: Decimal(budgets[i]) for i in ids}, "budget"
    return {i: Decimal("1") for i in ids}, "equal"


def set_parent(*, session: Session, project: Project, parent: Project | None) -> None:
    """Make ``project`` a sub-project of ``parent`` (None: stand alone); refuses cycles."""
    if parent is not None:
        ancestor, depth = parent, 0
        while ancestor is not None:
            if ancestor.id == project.id:
                raise ServiceError("a project cannot be part of itself or of its own sub-project", field="parent")
            depth += 1
            if depth > MAX_DEPTH:
                raise ServiceError("programmes nest at most ten levels deep", field="parent")
            ancestor = session.get(Project, ancestor.parent_id) if ancestor.parent_id else None
    project.parent_id = parent.id if parent else None
    session.flush()

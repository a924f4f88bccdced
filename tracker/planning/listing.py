"""What planning adds to the project lists: orders by budget and by progress, the figures a list row shows, and
contracts (titles, tender ids, contractors) among the words a project is found by."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from tracker.planning.models import Contract, ProgressObservation, ProjectPlan
from tracker.projects import queries, search
from tracker.projects.models import Project


def _budget():
    return select(ProjectPlan.budget_total).where(ProjectPlan.project_id == Project.id) \
        .correlate(Project).scalar_subquery()


def latest_progress():
    """A project's latest observed physical progress (percent), as a subquery correlated to ``Project``."""
    return (select(ProgressObservation.physical_percent).where(ProgressObservation.project_id == Project.id)
            .order_by(ProgressObservation.observed_on.desc(), ProgressObservation.id.desc())
            .limit(1).correlate(Project).scalar_subquery())


queries.register_sort("budget", lambda: [_budget().desc().nulls_last()])
queries.register_sort("progress", lambda: [latest_progress().desc().nulls_last()])


@dataclass(frozen=True)
class RowFigures:
    """What a list row shows beside the project: its planned budget (UAH) and its latest physical progress."""

    budget: Decimal | None = None
    progress: int | None = None


def row_figures(*, session: Session, project_ids: Sequence[int]) -> dict[int, RowFigures]:
    """Each project's budget and latest progress (one query, whatever the number of rows)."""
    if not project_ids:
        return {}
    rows = session.exec(select(Project.id, _budget(), latest_progress()).where(Project.id.in_(project_ids)))
    return {project_id: RowFigures(budget, progress) for project_id, budget, progress in rows}


def _contract_texts(connection, project_ids: list[int]) -> dict[int, list[str | None]]:
    table = Contract.__table__
    found: dict[int, list[str | None]] = defaultdict(list)
    for project_id, title, tender_id, supplier in connection.execute(
            select(table.c.project_id, table.c.title, table.c.tender_id, table.c.supplier_name)
            .where(table.c.project_id.in_(project_ids))):
        found[project_id] += [title, tender_id, supplier]
    return found


search.register_source(Contract, fields=("title", "tender_id", "supplier_name", "project_id"), texts=_contract_texts)

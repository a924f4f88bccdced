"""What planning adds to the project lists: contracts among a project's words, orders by budget and progress,
and the figures each row shows."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import select

from tests.factories import build_world
from tests.planner_factories import VALID_TENDER_ID, add, contract_values, plan_values, save
from tracker.planning import stage_edit
from tracker.planning.listing import RowFigures, row_figures
from tracker.planning.models import Contract
from tracker.projects.queries import ProjectFilters, list_projects, listing_ids


def _found(session, query: str) -> set[int]:
    return set(session.exec(listing_ids(ProjectFilters(text=query), None)).all())


def _order(session, sort: str) -> list[int]:
    page = list_projects(session=session, filters=ProjectFilters(), visible=None, sort=sort)
    return [project.id for project, _authority in page.rows]


def test_a_contract_finds_its_project_by_tender_id_contractor_and_title_until_it_is_removed(session):
    world = build_world(session)
    contract = add(session, world.bridge, "contract", contract_values(
        title="Будівництво прогонової будови", supplier_name="ТОВ «Мостобуд-Київ»"))
    session.flush()
    assert _found(session, VALID_TENDER_ID) == {world.bridge.id}
    assert _found(session, VALID_TENDER_ID.lower()) == {world.bridge.id}
    assert _found(session, "мостобуд") == {world.bridge.id}
    assert _found(session, "прогонова будова") == {world.bridge.id}
    stage_edit.delete_item(session=session, project=world.bridge, kind="contract", item_id=contract.id,
                           expected_version=world.bridge.version)
    session.flush()
    assert session.exec(select(Contract).where(Contract.project_id == world.bridge.id)).first() is None
    assert _found(session, "мостобуд") == set()


def test_budget_and_progress_orders_put_projects_without_the_figure_last(session):
    world = build_world(session)
    save(session, world.school, "planning", plan_values(budget_total=Decimal("14000000.00")))
    save(session, world.bridge, "planning", plan_values(budget_total=Decimal("98000000.00"), budget_capex=None))
    add(session, world.school, "observation", {"observed_on": date(2024, 1, 1), "physical_percent": 80})
    add(session, world.school, "observation", {"observed_on": date(2024, 6, 1), "physical_percent": 35})
    add(session, world.clinic, "observation", {"observed_on": date(2024, 2, 1), "physical_percent": 60})
    session.flush()
    assert _order(session, "budget") == [world.bridge.id, world.school.id, world.draft.id, world.clinic.id]
    # The latest observation counts (the school's 35 %, not its earlier 80 %).
    assert _order(session, "progress") == [world.clinic.id, world.school.id, world.bridge.id, world.draft.id]
    figures = row_figures(session=session, project_ids=[world.school.id, world.bridge.id, world.draft.id])
    assert figures[world.school.id] == RowFigures(Decimal("14000000.00"), 35)
    assert figures[world.bridge.id] == RowFigures(Decimal("98000000.00"), None)
    assert figures[world.draft.id] == RowFigures(None, None)
    assert row_figures(session=session, project_ids=[]) == {}

"""Programmes roll up their sub-projects' progress, weighted."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from tests.factories import build_world
from tests.planner_factories import add, save
from tracker.core.errors import ServiceError
from tracker.planning import rollup


def test_weighted_by_budget_then_by_explicit_weight(session):
    world = build_world(session)
    programme = world.school
    for child in (world.clinic, world.draft):
        rollup.set_parent(session=session, project=child, parent=programme)
    save(session, world.clinic, "planning", {"budget_total": Decimal("3000000.00")})
    save(session, world.draft, "planning", {"budget_total": Decimal("1000000.00")})
    add(session, world.clinic, "observation", {"observed_on": date(2024, 9, 1), "physical_percent": 40})
    add(session, world.draft, "observation", {"observed_on": date(2024, 9, 1), "physical_percent": 80})
    result = rollup.programme_progress(session=session, programme_ids=[programme.id])[programme.id]
    assert (result.percent, result.basis, result.children) == (Decimal("50.0"), "budget", 2)
    save(session, world.clinic, "implementation", {"rollup_weight": Decimal("1")})
    save(session, world.draft, "implementation", {"rollup_weight": Decimal("3")})
    result = rollup.programme_progress(session=session, programme_ids=[programme.id])[programme.id]
    assert (result.percent, result.basis) == (Decimal("70.0"), "weight")


def test_cycles_are_refused(session):
    world = build_world(session)
    rollup.set_parent(session=session, project=world.clinic, parent=world.school)
    with pytest.raises(ServiceError):
        rollup.set_parent(session=session, project=world.school, parent=world.clinic)


def test_the_latest_observation_counts_and_nested_programmes_roll_up_one_statement_a_level(session):
    world = build_world(session)
    rollup.set_parent(session=session, project=world.clinic, parent=world.school)
    rollup.set_parent(session=session, project=world.draft, parent=world.school)
    rollup.set_parent(session=session, project=world.bridge, parent=world.clinic)  # a programme inside
    # Recorded out of order: the latest observation by date wins, not the last one written.
    add(session, world.bridge, "observation", {"observed_on": date(2024, 10, 1), "physical_percent": 60})
    add(session, world.bridge, "observation", {"observed_on": date(2024, 9, 1), "physical_percent": 10})
    add(session, world.draft, "observation", {"observed_on": date(2024, 9, 1), "physical_percent": 20})
    session.flush()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = rollup.programme_progress(session=session, programme_ids=[world.school.id])
    finally:
        event.remove(engine, "before_cursor_execute", record)
    school = result[world.school.id]
    # The clinic has no observation of its own: it counts as its sub-project's 60 %; equal shares with the draft.
    assert (school.percent, school.basis, school.children) == (Decimal("40.0"), "equal", 2)
    # Three levels read: the school's children, the clinic's, the bridge's (none).
    assert len(statements) == 3, statements

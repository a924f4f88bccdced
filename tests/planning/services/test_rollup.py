"""Programmes roll up their sub-projects' progress, weighted."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

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

"""``stage_facts`` speaks the rules' vocabulary and costs a fixed number of queries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from tests.factories import build_world
from tests.planner_factories import add, contract_values, needs_values, plan_values, save
from tracker.planning.stage_data import stage_facts
from tracker.rules.vocabulary import normalise_facts


@pytest.fixture
def world(session):
    world = build_world(session)
    save(session, world.school, "needs", needs_values())
    save(session, world.school, "planning", plan_values())
    contract = add(session, world.school, "contract", contract_values())
    add(session, world.school, "variation", {"contract_id": contract.id, "agreed_date": date(2024, 9, 1),
                                             "price_change": Decimal("1180000.00"), "reason": "Roof"})
    add(session, world.school, "disbursement", {"paid_on": date(2024, 7, 1), "amount": Decimal("300000.00"),
                                                "source": "local_budget"})
    add(session, world.school, "observation", {"observed_on": date(2024, 8, 1), "physical_percent": 20})
    add(session, world.school, "observation", {"observed_on": date(2024, 9, 1), "physical_percent": 45})
    add(session, world.school, "permit", {"kind": "Construction permit", "ref": "KV-1234",
                                          "issued_date": date(2024, 5, 1)})
    add(session, world.school, "indicator", {"name": "Pupils", "unit": "persons", "baseline": Decimal("0"),
                                             "target": Decimal("640")})
    session.commit()
    return world


def test_facts_follow_the_vocabulary(session, world):
    facts = stage_facts(session=session, projects=[world.school, world.clinic])
    school = facts[world.school.id]
    normalised = normalise_facts(school)
    assert normalised.problems == ()
    assert normalised.get("needs.beneficiaries") == 640
    assert normalised.get("planning.council_decision.date") == date(2024, 4, 10)
    assert normalised.get("implementation.physical_progress") == 45
    contract = normalised.get("implementation.contracts")[0]
    assert contract["original_price"] == Decimal("11800000.00")
    assert contract["price"] == Decimal("12980000.00")
    assert contract["price_change_reason"] == "Roof"
    assert "funding" not in school["planning"]  # the lead's fact builder adds it from FundingLine
    # Nothing recorded: lists known to be empty, scalars unknown.
    clinic = facts[world.clinic.id]
    assert clinic["implementation"]["contracts"] == [] and "beneficiaries" not in clinic["needs"]


def test_query_count_does_not_grow_with_projects(session, engine, world):
    from sqlmodel import select

    from tracker.projects.models import Project

    projects = list(session.exec(select(Project)))
    counts = []
    for subset in (projects[:1], projects):
        statements: list[str] = []

        def listener(_conn, _cursor, statement, *_args, _seen=statements):
            _seen.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        stage_facts(session=session, projects=subset)
        event.remove(engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 14

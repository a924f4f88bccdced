"""Stage records and list items: happy paths, refusals, optimistic locking, concurrent saves."""
from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from tests.factories import build_world
from tests.planner_factories import add, contract_values, needs_values, plan_values, save
from tracker.core.errors import Conflict, NotFound, ServiceError
from tracker.planning import stage_edit
from tracker.planning.models import Contract, NeedsAssessment, ProgressObservation, ProjectPlan
from tracker.projects.models import FundingLine


@pytest.fixture
def world(session):
    return build_world(session)


def test_needs_saved_and_version_raised(session, world):
    project = world.school
    changed = save(session, project, "needs", needs_values())
    session.commit()
    record = session.exec(select(NeedsAssessment).where(NeedsAssessment.project_id == project.id)).one()
    assert record.beneficiaries == 640 and record.estimated_cost == Decimal("12500000.00")
    assert changed["urgency"] == (None, "high")
    assert project.version == 2


@pytest.mark.parametrize(("override", "field"), [
    ({"idp_beneficiaries": 700}, "idp_beneficiaries"),
    ({"assessment_date": date.today() + timedelta(days=3)}, "assessment_date"),
    ({"urgency": "someday"}, "urgency"),
    ({"rdna_sector": "space"}, "rdna_sector"),
])
def test_needs_refused(session, world, override, field):
    with pytest.raises(ServiceError) as refused:
        save(session, world.school, "needs", needs_values(**override))
    assert refused.value.field == field
    assert world.school.version == 1


@pytest.mark.parametrize(("override", "field"), [
    ({"budget_capex": Decimal("15000000.00")}, "budget_capex"),
    ({"consultation_end_date": date(2024, 2, 1)}, "consultation_end_date"),
    ({"consequence_class": "CC9"}, "consequence_class"),
    ({"expert_review_ref": None}, "expert_review_ref"),
])
def test_plan_refused(session, world, override, field):
    with pytest.raises(ServiceError) as refused:
        save(session, world.school, "planning", plan_values(**override))
    assert refused.value.field == field


def test_plan_and_completion_saved(session, world):
    save(session, world.school, "planning", plan_values())
    save(session, world.school, "completion", {"status": "completion", "completion_date": date(2025, 6, 1),
                                               "final_cost": Decimal("13900000.00")})
    session.commit()
    plan = session.exec(select(ProjectPlan)).one()
    assert plan.council_decision_number == "1234-VIII"
    assert world.school.version == 3


def test_stale_save_is_a_conflict_that_writes_nothing(session, world):
    save(session, world.school, "needs", needs_values())
    session.commit()
    with pytest.raises(Conflict) as conflict:
        stage_edit.save_stage(session=session, project=world.school, section="needs",
                              values=needs_values(beneficiaries=700), expected_version=1)
    assert conflict.value.current_version == 2
    assert conflict.value.changes == {"beneficiaries": (640, 700)}
    session.rollback()
    assert session.exec(select(NeedsAssessment)).one().beneficiaries == 640


@pytest.mark.parametrize(("override", "field"), [
    ({"tender_id": "UA-2024-13-01-000001-a"}, "tender_id"),
    ({"tender_id": "2024-000001"}, "tender_id"),
    ({"tender_id": None}, "tender_id"),
    ({"supplier_edrpou": "14360571"}, "supplier_edrpou"),
    ({"procurement_method": "auction"}, "procurement_method"),
    ({"start_date": date(2024, 5, 1)}, "start_date"),
])
def test_contract_refused(session, world, override, field):
    with pytest.raises(ServiceError) as refused:
        add(session, world.school, "contract", contract_values(**override))
    assert refused.value.field == field


def test_direct_contract_needs_no_tender_id(session, world):
    contract = add(session, world.school, "contract", contract_values(procurement_method="direct", tender_id=None))
    assert contract.id is not None


def test_variation_changes_the_current_price_and_is_kept_to_its_project(session, world):
    contract = add(session, world.school, "contract", contract_values())
    add(session, world.school, "variation", {"contract_id": contract.id, "agreed_date": date(2024, 9, 1),
                                             "price_change": Decimal("1180000.00"), "reason": "Extra roof repair"})
    with pytest.raises(ServiceError):
        add(session, world.clinic, "variation", {"contract_id": contract.id, "agreed_date": date(2024, 9, 1),
                                                 "price_change": Decimal("1"), "reason": "x"})
    with pytest.raises(ServiceError) as refused:
        add(session, world.school, "variation", {"contract_id": contract.id, "agreed_date": date(2024, 9, 1),
                                                 "reason": "nothing changes"})
    assert refused.value.field == "price_change"


def test_observation_range_and_update_and_delete(session, world):
    with pytest.raises(ServiceError):
        add(session, world.school, "observation", {"observed_on": date(2024, 9, 1), "physical_percent": 101})
    observation = add(session, world.school, "observation", {"observed_on": date(2024, 9, 1),
                                                             "physical_percent": 30})
    stage_edit.update_item(session=session, project=world.school, kind="observation", item_id=observation.id,
                           values={"physical_percent": 35}, expected_version=world.school.version)
    assert observation.physical_percent == 35
    with pytest.raises(NotFound):
        stage_edit.get_item(session=session, project=world.clinic, kind="observation", item_id=observation.id)
    stage_edit.delete_item(session=session, project=world.school, kind="observation", item_id=observation.id,
                           expected_version=world.school.version)
    assert session.exec(select(ProgressObservation)).all() == []


def test_funding_lines_edited_and_checked(session, world):
    line = add(session, world.clinic, "funding", {"source": "state_budget", "amount_committed": Decimal("500"),
                                                  "amount_disbursed": Decimal("0"), "currency": "UAH"})
    with pytest.raises(ServiceError) as refused:
        stage_edit.update_item(session=session, project=world.clinic, kind="funding", item_id=line.id,
                               values={"amount_committed": Decimal("500"), "amount_disbursed": Decimal("600")},
                               expected_version=world.clinic.version)
    assert refused.value.field == "amount_disbursed"
    stage_edit.delete_item(session=session, project=world.clinic, kind="funding", item_id=line.id,
                           expected_version=world.clinic.version)
    assert session.get(FundingLine, line.id) is None


def test_deleting_a_contract_takes_its_variations(session, world):
    contract = add(session, world.school, "contract", contract_values())
    add(session, world.school, "variation", {"contract_id": contract.id, "agreed_date": date(2024, 9, 1),
                                             "duration_change_days": 30, "reason": "Winter"})
    stage_edit.delete_item(session=session, project=world.school, kind="contract", item_id=contract.id,
                           expected_version=world.school.version)
    session.commit()
    assert session.exec(select(Contract)).all() == []


def test_concurrent_saves_on_postgresql_one_wins(backend, engine, session, world):
    """Two sessions load version 1; the second save waits for the first, then is refused."""
    if backend != "postgresql":
        pytest.skip("row locks and concurrent transactions are what PostgreSQL is for")
    session.commit()
    first, second = Session(engine, expire_on_commit=False), Session(engine, expire_on_commit=False)
    from tracker.projects.models import Project

    project_a, project_b = first.get(Project, world.school.id), second.get(Project, world.school.id)
    save(first, project_a, "needs", needs_values(beneficiaries=500))
    outcome = {}

    def second_save():
        try:
            stage_edit.save_stage(session=second, project=project_b, section="needs",
                                  values=needs_values(beneficiaries=900), expected_version=1)
            second.commit()
            outcome["result"] = "saved"
        except Conflict as conflict:
            outcome["result"] = conflict

    thread = threading.Thread(target=second_save)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive(), "the second save must wait for the first transaction's row lock"
    first.commit()
    thread.join(timeout=10)
    assert isinstance(outcome["result"], Conflict)
    assert outcome["result"].current_version == 2
    assert outcome["result"].changes["beneficiaries"] == (500, 900)
    first.close(), second.close()
    with Session(engine) as check:
        assert check.exec(select(NeedsAssessment)).one().beneficiaries == 500

"""Re-evaluation follows the registry of project tables: rows that are not project data store no evaluation,
a stage move stores exactly one (the gate's, which becomes the latest), and a blocked move evaluates once."""
from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.factories import build_world
from tracker.core.models import Organisation
from tracker.engagement import follows, needs, partnerships
from tracker.governance import evaluations, stages
from tracker.governance.models import Evaluation
from tracker.planning import registry
from tracker.projects.operations import ProjectUpdate, update_project


def _stored(session, project) -> int:
    return session.exec(select(func.count()).select_from(Evaluation)
                        .where(Evaluation.project_id == project.id)).one()


@pytest.fixture
def world(evaluated_session):
    world = build_world(evaluated_session)
    evaluated_session.commit()
    return world


def test_a_data_change_stores_one_evaluation(evaluated_session, world):
    before = _stored(evaluated_session, world.school)
    update_project(session=evaluated_session, project=world.school,
                   changes=ProjectUpdate(title_en="School No. 1, rebuilt"), expected_version=world.school.version)
    evaluated_session.commit()
    assert _stored(evaluated_session, world.school) == before + 1


def test_a_follow_stores_no_evaluation(app, evaluated_session, world):
    before = _stored(evaluated_session, world.school)
    with app.test_request_context():
        follower = follows.request_follow(session=evaluated_session, project=world.school, email="citizen@example.org",
                                          locale="uk", secret_key="k" * 32, rate_key="127.0.0.1", rate_limit=10)
        evaluated_session.commit()
        token = follows.confirmation_token(secret_key="k" * 32, follower=follower)
        follows.confirm_follow(session=evaluated_session, token=token, secret_key="k" * 32)
        evaluated_session.commit()
    assert _stored(evaluated_session, world.school) == before


def test_a_need_and_a_partnership_store_no_evaluation(app, evaluated_session, world):
    before = _stored(evaluated_session, world.school)
    city = Organisation(name="Stadt Wien", kind="eu_city", country="AT")
    evaluated_session.add(city)
    evaluated_session.flush()
    with app.test_request_context():
        need = needs.create_need(session=evaluated_session, authority=world.kharkiv_hromada,
                                 actor=world.kharkiv_planner, project=world.school,
                                 data=needs.NeedCreate(help_kind="expertise", title_uk="Потрібен інженер"))
        evaluated_session.commit()
        partnership = partnerships.create_partnership(
            session=evaluated_session, name="Kharkiv–Wien", kind="one_to_one", role="twinning_partner",
            organisations=[city], authorities=[world.kharkiv_hromada], actor=world.admin)
        evaluated_session.commit()
        partnerships.add_activity(session=evaluated_session, partnership=partnership, kind="peer_exchange",
                                  title="Site visit", held_on=world.school.created_at.date(), actor=world.admin)
        evaluated_session.commit()
    assert need.id is not None and partnership.id is not None
    assert _stored(evaluated_session, world.school) == before


def test_a_partnership_that_names_the_partner_on_the_project_is_a_data_change(app, evaluated_session, world):
    """Linking the project adds the partner to its parties, which the rules read: one evaluation, not more."""
    before = _stored(evaluated_session, world.school)
    city = Organisation(name="Stadt Graz", kind="eu_city", country="AT")
    evaluated_session.add(city)
    evaluated_session.flush()
    with app.test_request_context():
        partnerships.create_partnership(session=evaluated_session, name="Kharkiv–Graz", kind="one_to_one",
                                        role="twinning_partner", organisations=[city],
                                        authorities=[world.kharkiv_hromada], actor=world.admin, project=world.school)
        evaluated_session.commit()
    assert _stored(evaluated_session, world.school) == before + 1


def test_a_stage_move_stores_exactly_one_evaluation_which_becomes_the_latest(evaluated_session, context, world):
    update_project(session=evaluated_session, project=world.school,
                   changes=ProjectUpdate(location_code="UA63120270000096230"), expected_version=world.school.version)
    evaluated_session.commit()
    before = _stored(evaluated_session, world.school)
    move = stages.move_to_next_stage(session=evaluated_session, project=world.school, context=context,
                                     expected_version=world.school.version, actor=world.kharkiv_planner)
    evaluated_session.commit()
    assert _stored(evaluated_session, world.school) == before + 1
    [latest] = evaluated_session.exec(select(Evaluation).where(Evaluation.project_id == world.school.id,
                                                               Evaluation.is_latest.is_(True))).all()
    assert latest.id == move.evaluation_id
    assert (latest.trigger, latest.stage) == ("stage_gate", "planning")


def test_a_blocked_move_evaluates_once_and_stores_nothing(evaluated_session, context, world, monkeypatch):
    calls = []
    original = evaluations.evaluate_projects

    def counting(**kwargs):
        calls.append(kwargs.get("stage"))
        return original(**kwargs)

    monkeypatch.setattr(stages, "evaluate_projects", counting)
    before = _stored(evaluated_session, world.school)
    with pytest.raises(stages.GateBlocked) as blocked:
        stages.move_to_next_stage(session=evaluated_session, project=world.school, context=context,
                                  expected_version=world.school.version, actor=world.kharkiv_planner)
    evaluated_session.rollback()
    assert calls == ["planning"]
    assert blocked.value.preview.gate is blocked.value.gate  # the page reuses it instead of evaluating again
    assert _stored(evaluated_session, world.school) == before


def test_the_registry_names_every_table_with_project_data_once():
    names = [table.name for table in registry.PROJECT_TABLES]
    assert len(names) == len(set(names))
    assert {"project", "funding_line", "contract", "document"} <= set(names)
    assert not {"project_follower", "need", "partnership", "rate_limit_event", "evaluation"} & set(names)
    assert registry.PUBLIC_TABLES <= set(names)

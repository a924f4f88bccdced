"""The project lists' order by compliance: the weakest share of passing checks first, projects never checked last."""
from __future__ import annotations

from sqlmodel import select

from tests.factories import build_world
from tracker.governance.models import Evaluation
from tracker.projects.queries import ProjectFilters, list_projects


def test_the_weakest_share_of_passing_checks_comes_first(evaluated_session):
    world = build_world(evaluated_session)
    unchecked = world.draft.id
    # As if never checked: no latest evaluation (the lists read only the latest).
    evaluated_session.exec(Evaluation.__table__.update().where(Evaluation.project_id == unchecked)
                           .values(is_latest=False))
    evaluated_session.flush()
    shares = {project_id: passed / (passed + failed + errors)
              for project_id, passed, failed, errors in evaluated_session.exec(
                  select(Evaluation.project_id, Evaluation.passed, Evaluation.failed, Evaluation.errors)
                  .where(Evaluation.is_latest.is_(True)))}
    assert len(set(shares.values())) > 1, shares  # the test world's projects differ (the clinic lacks funding)
    page = list_projects(session=evaluated_session, filters=ProjectFilters(), visible=None, sort="compliance")
    order = [project.id for project, _authority in page.rows]
    assert order[-1] == unchecked
    assert [shares[project_id] for project_id in order[:-1]] == sorted(shares.values())

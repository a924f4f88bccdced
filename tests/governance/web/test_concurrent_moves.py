"""Twenty tabs moving (or suspending) one project at the same instant, through the web, on PostgreSQL.

Exactly one move is made and recorded in the stage history; every other tab gets 409 saying who moved the project
to what (or that someone changed it meanwhile), and no request fails with a server error.
"""
from __future__ import annotations

from sqlmodel import Session, select

from tests.concurrency import THREADS, postgresql_only, signed_in_tabs, statuses, together
from tracker.core.db import get_engine
from tracker.governance.models import Evaluation
from tracker.projects.models import Project, StageHistory

JUSTIFICATION = "Emergency repair ordered by the oblast military administration on 3 March."
REFUSALS = ("changed this project to", "Someone else changed this project meanwhile")


def _stored(app, project_id: int) -> tuple[Project, list[StageHistory], list[Evaluation]]:
    with Session(get_engine(app)) as session:
        project = session.get(Project, project_id)
        history = list(session.exec(select(StageHistory).where(StageHistory.project_id == project_id)
                                    .order_by(StageHistory.id)))
        latest = list(session.exec(select(Evaluation).where(Evaluation.project_id == project_id,
                                                            Evaluation.is_latest.is_(True))))
    return project, history, latest


def _refused_as_a_conflict(responses) -> None:
    for response in responses:
        if response.status_code == 409:
            page = response.get_data(as_text=True)
            assert any(refusal in page for refusal in REFUSALS), page


def test_twenty_tabs_overriding_one_gate_move_the_project_once(app, world, backend):
    """The clinic's gate is closed (no site code): the oblast planner overrides it from twenty tabs at once."""
    postgresql_only(backend)
    tabs = signed_in_tabs(app, world.kharkiv_planner)
    url = f"/manage/projects/{world.clinic.reference}/move"

    responses = together([
        (lambda tab=tab: tab.post(url, data={"version": "1", "justification": JUSTIFICATION})) for tab in tabs])

    assert statuses(responses) == {302: 1, 409: THREADS - 1}, statuses(responses)
    _refused_as_a_conflict(responses)
    project, history, latest = _stored(app, world.clinic.id)
    moves = [(move.from_stage, move.to_stage) for move in history]
    assert moves == [(None, "needs_assessment"), ("needs_assessment", "planning")]
    assert (project.stage, project.version) == ("planning", 2)  # the history and the row agree
    assert history[-1].override_justification == JUSTIFICATION
    # The move's gate evaluation is the one latest evaluation, and describes the project at its new stage.
    assert [(evaluation.id, evaluation.stage) for evaluation in latest] == [(history[-1].evaluation_id, "planning")]


def test_twenty_tabs_suspending_one_project_suspend_it_once(app, world, backend):
    postgresql_only(backend)
    tabs = signed_in_tabs(app, world.irpin_planner)
    url = f"/manage/projects/{world.bridge.reference}/state"

    responses = together([
        (lambda tab=tab, number=number: tab.post(url, data={"version": "1", "state": "suspended",
                                                            "note": f"Shelling near the site (tab {number})"}))
        for number, tab in enumerate(tabs)])

    assert statuses(responses) == {302: 1, 409: THREADS - 1}, statuses(responses)
    _refused_as_a_conflict(responses)
    project, history, _latest = _stored(app, world.bridge.id)
    assert [(move.from_stage, move.to_stage) for move in history][1:] == [("active", "suspended")]
    assert (project.state, project.version) == ("suspended", 2)
    winner = next(number for number, response in enumerate(responses) if response.status_code == 302)
    assert history[-1].note == f"Shelling near the site (tab {winner})"


def test_a_move_and_a_suspension_at_once_one_is_taken(app, world, backend):
    """Different decisions on one project: whichever comes first is taken, the other is refused naming it."""
    postgresql_only(backend)
    mover, suspender = signed_in_tabs(app, world.kharkiv_planner, count=2)
    responses = together([
        lambda: mover.post(f"/manage/projects/{world.clinic.reference}/move",
                           data={"version": "1", "justification": JUSTIFICATION}),
        lambda: suspender.post(f"/manage/projects/{world.clinic.reference}/state",
                               data={"version": "1", "state": "suspended", "note": "Shelling near the site"})])
    assert statuses(responses) == {302: 1, 409: 1}, statuses(responses)
    project, history, _latest = _stored(app, world.clinic.id)
    assert len(history) == 2 and project.version == 2
    assert (project.stage, project.state) in {("planning", "active"), ("needs_assessment", "suspended")}
    assert history[-1].to_stage in (project.stage, project.state)


def test_suspending_an_already_suspended_project_names_who_did(app, client, world, login):
    """A stale tab, on either database: the state form's second suspension is told who suspended it."""
    login(world.irpin_planner)
    client.get("/lang/en")
    url = f"/manage/projects/{world.bridge.reference}/state"
    assert client.post(url, data={"version": "1", "state": "suspended", "note": "Shelling"}).status_code == 302
    again = client.post(url, data={"version": "1", "state": "suspended", "note": "Shelling"})
    assert again.status_code == 409
    assert f"{world.irpin_planner.name} changed this project to “Suspended”" in again.get_data(as_text=True)
    _project, history, _latest = _stored(app, world.bridge.id)
    assert [move.to_stage for move in history] == ["needs_assessment", "suspended"]

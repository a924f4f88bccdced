"""Twenty tabs deciding on one finding or one checklist at the same instant, through the web, on PostgreSQL.

Exactly one decision is taken; every other tab gets 409 naming the decision taken first, nothing of theirs is
recorded, no request fails with a server error, and the final state is what the recorded history says.
"""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from tests.concurrency import THREADS, postgresql_only, signed_in_tabs, statuses, together
from tracker.audit import findings as finding_service
from tracker.audit import trail
from tracker.audit.marks import mark_item
from tracker.audit.models import AuditEntry, ChecklistSignoff, Finding, FindingEvent
from tracker.core.db import get_engine, session_scope

STATEMENT = "Site visited on 3 May; the works match contract 14/2024."
NOTES = {"accept_risk": "Replacing the roof costs more than the risk.", "return": "Send the amended schedule."}


def _finding(app, world, *, answered: bool) -> int:
    """A finding of the school raised by the auditor (and answered by the oblast planner)."""
    data = finding_service.FindingCreate(
        stage="needs_assessment", severity="high", principle="P11", rule_id="A-VISIT",
        title="Works do not match the contract", description="The roof differs from the design.",
        recommendation="Replace it or amend the contract.", due_date=date.today() + timedelta(days=20),
        responsible_authority_id=world.kharkiv_hromada.id)
    with app.app_context(), session_scope(app) as session:
        finding = finding_service.raise_finding(session=session, project=world.school, user=world.auditor,
                                                data=data)
        if answered:
            finding_service.take_step(session=session, finding=finding, action="answer", user=world.kharkiv_planner,
                                      note="The contractor replaces the roof by June.",
                                      scope_paths=[world.kharkiv_oblast.path])
        return finding.id


def _history(app, finding_id: int) -> tuple[Finding, list[FindingEvent], list[dict]]:
    """The finding, its events, and the audit trail's updates of its row (each as {column: [old, new]})."""
    with Session(get_engine(app)) as session:
        finding = session.get(Finding, finding_id)
        events = list(session.exec(select(FindingEvent).where(FindingEvent.finding_id == finding_id)
                                   .order_by(FindingEvent.id)))
        updates = [json.loads(entry.changes) for entry in session.exec(
            select(AuditEntry).where(AuditEntry.table_name == "audit_finding", AuditEntry.action == "update",
                                     AuditEntry.row_key == trail.canonical({"id": finding_id}))
            .order_by(AuditEntry.seq))]
        with get_engine(app).connect() as connection:
            assert trail.verify(connection).ok
    return finding, events, updates


@pytest.mark.parametrize("actions", [("resolve",), ("resolve", "accept_risk", "return")],
                         ids=["all-resolve", "three-different-decisions"])
def test_twenty_auditor_tabs_decide_one_finding_once(app, world, backend, actions):
    postgresql_only(backend)
    finding_id = _finding(app, world, answered=True)
    tabs = signed_in_tabs(app, world.auditor)
    url = f"/audit/findings/{finding_id}/step"
    chosen = [actions[index % len(actions)] for index in range(THREADS)]

    responses = together([
        (lambda tab=tab, action=action: tab.post(url, data={"action": action, "note": NOTES.get(action, "")}))
        for tab, action in zip(tabs, chosen, strict=True)])

    assert statuses(responses) == {302: 1, 409: THREADS - 1}, statuses(responses)
    finding, events, updates = _history(app, finding_id)
    assert [event.action for event in events][:2] == ["raise", "answer"] and len(events) == 3
    taken = events[-1]
    assert taken.action in actions and taken.from_status == "answered"
    assert finding.status == taken.to_status  # the final state is the one recorded decision
    # The audit trail saw the finding change twice (answered, then the one decision), never a losing tab's step.
    assert [update["status"] for update in updates] == [["open", "answered"], ["answered", taken.to_status]]
    for response in responses:
        if response.status_code == 409:
            page = response.get_data(as_text=True)
            assert "before your request" in page and "nothing was saved" in page
            assert 'data-testid="finding-status"' in page  # the finding as it now is


def test_twenty_tabs_sending_an_answer_record_it_once(app, world, backend):
    """The same answer from twenty tabs of the planner: one is recorded, the others are told it was given."""
    postgresql_only(backend)
    finding_id = _finding(app, world, answered=False)
    tabs = signed_in_tabs(app, world.kharkiv_planner)
    url = f"/audit/findings/{finding_id}/step"

    responses = together([
        (lambda tab=tab, number=number: tab.post(url, data={"action": "answer",
                                                            "note": f"The roof is replaced by June (tab {number})."}))
        for number, tab in enumerate(tabs)])

    assert statuses(responses) == {302: 1, 409: THREADS - 1}, statuses(responses)
    finding, events, updates = _history(app, finding_id)
    assert [event.action for event in events] == ["raise", "answer"]
    assert finding.status == "answered" and updates == [{"status": ["open", "answered"],
                                                          "updated_at": updates[0]["updated_at"]}]
    winner = next(number for number, response in enumerate(responses) if response.status_code == 302)
    assert events[-1].note == f"The roof is replaced by June (tab {winner})."
    refused = next(response for response in responses if response.status_code == 409).get_data(as_text=True)
    assert f"{world.kharkiv_planner.name} answered this finding at" in refused


def test_a_stale_tab_answering_again_is_told_the_answer_was_given(app, world, backend, client, login):
    """Sequentially too, on either database: a second answer from a page loaded before the first is refused."""
    finding_id = _finding(app, world, answered=False)
    login(world.kharkiv_planner)
    url = f"/audit/findings/{finding_id}/step"
    assert client.post(url, data={"action": "answer", "note": "Replaced by June."}).status_code == 302
    client.get("/lang/en")
    again = client.post(url, data={"action": "answer", "note": "Replaced by June."})
    assert again.status_code == 409
    assert "answered this finding at" in again.get_data(as_text=True)
    _finding_row, events, _updates = _history(app, finding_id)
    assert [event.action for event in events] == ["raise", "answer"]


def test_twenty_auditor_tabs_sign_one_checklist_off_once(app, world, backend):
    postgresql_only(backend)
    rules = app.extensions["tracker.rules"]
    with app.app_context(), session_scope(app) as session:
        mark_item(session=session, project=world.school, rule_id="A-VISIT", stage="needs_assessment",
                  verdict="pass", user=world.auditor, context=rules, comment="Visited on 3 May.")
    tabs = signed_in_tabs(app, world.auditor)
    url = f"/audit/projects/{world.school.reference}/signoff"

    responses = together([
        (lambda tab=tab: tab.post(url, data={"stage": "needs_assessment", "statement": STATEMENT}))
        for tab in tabs])

    assert statuses(responses) == {302: 1, 409: THREADS - 1}, statuses(responses)
    with Session(get_engine(app)) as session:
        signoffs = session.exec(select(ChecklistSignoff)).all()
    assert len(signoffs) == 1 and signoffs[0].signed_by_id == world.auditor.id
    refused = next(response for response in responses if response.status_code == 409).get_data(as_text=True)
    assert "already signed this checklist off" in refused


def test_signing_again_after_the_project_changed_is_allowed(app, world, backend, client, login):
    """The refusal is for the same checklist signed twice: once the data changed, a new signature is due."""
    rules = app.extensions["tracker.rules"]
    with app.app_context(), session_scope(app) as session:
        mark_item(session=session, project=world.school, rule_id="A-VISIT", stage="needs_assessment",
                  verdict="pass", user=world.auditor, context=rules, comment="Visited on 3 May.")
    login(world.auditor)
    url = f"/audit/projects/{world.school.reference}/signoff"
    data = {"stage": "needs_assessment", "statement": STATEMENT}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 409
    with app.app_context(), session_scope(app) as session:
        from tracker.projects.models import Project

        project = session.get(Project, world.school.id)
        project.location_code = "UA63120270000096230"
        session.add(project)
    assert client.post(url, data=data).status_code == 302
    with Session(get_engine(app)) as session:
        assert len(session.exec(select(ChecklistSignoff)).all()) == 2

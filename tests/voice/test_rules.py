"""Citizens' items as facts: a complaint past its due date without an answer turns the project's rules red."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import select

from tracker.core.db import session_scope
from tracker.governance import stored
from tracker.governance.evaluations import latest_evaluation
from tracker.rules import Outcome
from tracker.voice.facts import citizens_facts
from tracker.voice.models import CitizenItem


def _item(project_id, **values):
    defaults = dict(project_id=project_id, kind="complaint", category="delay", body="Late",
                    author_email="a@example.org", state="published", due_on=date.today() + timedelta(days=10))
    defaults.update(values)
    return CitizenItem(**defaults)


def _outcomes(app, project_id) -> dict[str, Outcome]:
    with app.app_context(), session_scope(app) as session:
        evaluation = latest_evaluation(session=session, project_id=project_id)
        return {item.rule_id: item.outcome for item in stored.outcomes(session, [evaluation])[evaluation.id]}


def test_facts_count_open_overdue_and_on_time(app, world):
    today = date(2026, 6, 1)
    with app.app_context(), session_scope(app) as session:
        pid = world.clinic.id
        answered = dict(answer="Done", answered_at=datetime(2026, 5, 1, 12))
        session.add_all([
            _item(pid, due_on=today - timedelta(days=1)),  # overdue
            _item(pid, category="suspected_corruption", due_on=today - timedelta(days=3)),  # overdue, corruption
            _item(pid, due_on=today + timedelta(days=3)),  # open, not yet due
            _item(pid, kind="question", category=None, due_on=date(2026, 5, 10), **answered),  # on time
            _item(pid, kind="question", category=None, due_on=date(2026, 4, 10), **answered),  # late
            _item(pid, state="hidden", due_on=today - timedelta(days=9)),  # hidden: not counted
            _item(pid, state="unconfirmed", due_on=None),  # unconfirmed: not counted
        ])
        session.flush()
        facts = citizens_facts(session, [pid, world.school.id], today=today)
    assert facts[world.school.id] == {"citizens": {
        "complaints_open": 0, "complaints_overdue": 0, "appeals_overdue": 0, "appeals_due": 0,
        "corruption_complaints_open": 0, "corruption_complaints_overdue": 0}}
    assert facts[world.clinic.id] == {"citizens": {
        "complaints_open": 3, "complaints_overdue": 2, "appeals_overdue": 2, "appeals_due": 4,
        "answered_on_time_percent": 25.0, "corruption_complaints_open": 1, "corruption_complaints_overdue": 1}}


def test_an_overdue_complaint_turns_the_rules_red_and_an_answer_green(app, world):
    assert _outcomes(app, world.clinic.id).get("OECD-P5-04") in (None, Outcome.PASS)
    with app.app_context(), session_scope(app) as session:
        session.add(_item(world.clinic.id, category="suspected_corruption", due_on=date.today() - timedelta(days=1)))
    outcomes = _outcomes(app, world.clinic.id)
    assert outcomes["OECD-P5-04"] is Outcome.FAIL and outcomes["OECD-P5-05"] is Outcome.FAIL
    with app.app_context(), session_scope(app) as session:
        item = session.exec(select(CitizenItem)).one()
        item.answer, item.answered_at = "Referred to the NABU", datetime.now()
        session.add(item)
    outcomes = _outcomes(app, world.clinic.id)
    assert outcomes["OECD-P5-04"] is Outcome.PASS and outcomes["OECD-P5-05"] is Outcome.PASS


def test_an_overdue_corruption_complaint_leads_the_auditors_portfolio(app, client, world, login):
    from tracker.audit.portfolio import PortfolioFilters, build_portfolio

    with app.app_context(), session_scope(app) as session:
        session.add(_item(world.clinic.id, category="suspected_corruption", due_on=date.today() - timedelta(days=2)))
    with app.app_context(), session_scope(app) as session:
        rows = build_portfolio(session=session, filters=PortfolioFilters()).rows
        assert rows[0].project.id == world.clinic.id
        assert "OECD-P5-05" in [outcome.rule_id for outcome in rows[0].red_flags]
    login(world.auditor)
    page = client.get("/audit/?rule=OECD-P5-04").get_data(as_text=True)
    assert world.clinic.reference in page and world.school.reference not in page

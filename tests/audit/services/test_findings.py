"""The findings lifecycle, with who may take each step, overdue findings, and the public summary."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.audit import findings as service
from tracker.audit.models import Finding
from tracker.core.errors import PermissionDenied, ServiceError
from tracker.publishing import read_models

DUE = date.today() + timedelta(days=30)


def _raise(session, world, **overrides):
    data = {"stage": "needs_assessment", "severity": "high", "principle": "P11", "rule_id": "A-VISIT",
            "title": "Works do not match the contract", "description": "The roof differs from the design.",
            "recommendation": "Have the contractor replace it or amend the contract.", "due_date": DUE,
            "responsible_authority_id": world.kharkiv_hromada.id, **overrides}
    finding = service.raise_finding(session=session, project=world.school, user=world.auditor,
                                    data=service.FindingCreate.model_validate(data))
    session.commit()
    return finding


def _scope(world, who):
    return {"kharkiv_planner": [world.kharkiv_oblast.path], "derhachi_planner": [world.derhachi_hromada.path],
            "irpin_planner": [world.irpin_hromada.path]}.get(who, [])


def _step(session, world, finding, action, who, note="Done as recommended."):
    event = service.take_step(session=session, finding=finding, action=action, user=getattr(world, who),
                              note=note, scope_paths=_scope(world, who))
    session.commit()
    return event


def test_the_whole_life_of_a_finding(session, world):
    finding = _raise(session, world)
    assert finding.status == "open" and not finding.is_public
    _step(session, world, finding, "answer", "kharkiv_planner", "The contractor replaces the roof by June.")
    assert finding.status == "answered"
    _step(session, world, finding, "return", "auditor", "Send the amended schedule too.")
    _step(session, world, finding, "answer", "kharkiv_planner", "Schedule attached to the contract file.")
    _step(session, world, finding, "resolve", "auditor", None)
    _step(session, world, finding, "close", "auditor", None)
    assert finding.status == "closed"
    history = [(event.action, event.from_status, event.to_status, event.actor_role)
               for event, _name in service.events(session=session, finding_id=finding.id)]
    assert history == [("raise", None, "open", "auditor"), ("answer", "open", "answered", "planner"),
                       ("return", "answered", "open", "auditor"), ("answer", "open", "answered", "planner"),
                       ("resolve", "answered", "resolved", "auditor"), ("close", "resolved", "closed", "auditor")]


def test_risk_accepted_needs_a_reason_then_closes(session, world):
    finding = _raise(session, world)
    _step(session, world, finding, "answer", "kharkiv_planner")
    with pytest.raises(ServiceError, match="why"):
        _step(session, world, finding, "accept_risk", "auditor", "  ")
    _step(session, world, finding, "accept_risk", "auditor", "Cost of replacement exceeds the risk.")
    _step(session, world, finding, "close", "auditor", None)
    assert finding.status == "closed"


# Who may take each step, from the status the step starts at.
PERMISSIONS = [
    # step, who, allowed
    ("answer", "kharkiv_planner", True),    # the oblast above the hromada
    ("answer", "admin", True),
    ("answer", "irpin_planner", False),     # another oblast
    ("answer", "derhachi_planner", False),  # a sibling hromada
    ("answer", "auditor", False),           # auditors do not answer their own findings
    ("resolve", "kharkiv_planner", False),  # planners never decide on findings
    ("resolve", "admin", False),
    ("resolve", "auditor", True),
    ("accept_risk", "kharkiv_planner", False),
    ("accept_risk", "auditor", True),
    ("return", "kharkiv_planner", False),
    ("return", "auditor", True),
    ("close", "kharkiv_planner", False),
    ("close", "admin", False),
    ("close", "auditor", True),
]
SETUP = {"answer": [], "resolve": ["answer"], "accept_risk": ["answer"], "return": ["answer"],
         "close": ["answer", "resolve"]}


@pytest.mark.parametrize(("action", "who", "allowed"), PERMISSIONS)
def test_who_may_take_each_step(session, world, action, who, allowed):
    finding = _raise(session, world)
    for before in SETUP[action]:
        _step(session, world, finding, before, "kharkiv_planner" if before == "answer" else "auditor")
    if allowed:
        _step(session, world, finding, action, who)
        assert finding.status == service.STEPS[action].target
    else:
        with pytest.raises(PermissionDenied):
            _step(session, world, finding, action, who)


@pytest.mark.parametrize("who", ["kharkiv_planner", "admin"])
def test_only_auditors_raise_and_publish(session, world, who):
    with pytest.raises(PermissionDenied):
        service.raise_finding(session=session, project=world.school, user=getattr(world, who),
                              data=service.FindingCreate(stage="planning", severity="low", title="Title",
                                                         description="Desc", recommendation="Reco", due_date=DUE,
                                                         responsible_authority_id=world.kharkiv_hromada.id))
    finding = _raise(session, world)
    with pytest.raises(PermissionDenied):
        service.set_visibility(session=session, finding=finding, user=getattr(world, who), is_public=True)


def test_steps_out_of_order_are_refused(session, world):
    finding = _raise(session, world)
    with pytest.raises(ServiceError, match="cannot be moved"):
        _step(session, world, finding, "close", "auditor")
    with pytest.raises(ServiceError, match="cannot be moved"):
        _step(session, world, finding, "resolve", "auditor")


def test_responsible_authority_planner_may_answer(session, world):
    """A finding on the school made the Irpin hromada's responsibility lets Irpin's planner answer."""
    finding = _raise(session, world, responsible_authority_id=world.irpin_hromada.id)
    _step(session, world, finding, "answer", "irpin_planner")
    assert finding.status == "answered"


@pytest.mark.parametrize(("field", "value"), [("severity", "dreadful"), ("principle", "P13"), ("stage", "x")])
def test_invalid_findings_are_refused(session, world, field, value):
    with pytest.raises(ValueError):
        _raise(session, world, **{field: value})


def test_a_past_due_date_is_refused_and_late_findings_are_overdue(session, world):
    with pytest.raises(ServiceError, match="past"):
        _raise(session, world, due_date=date.today() - timedelta(days=1))
    finding = _raise(session, world)
    finding.due_date = date.today() - timedelta(days=2)  # time passes
    session.add(finding)
    session.commit()
    assert service.is_overdue(finding)
    assert service.open_counts(session=session, project_ids=[world.school.id]) == {world.school.id: (1, 1)}
    _step(session, world, finding, "answer", "kharkiv_planner")
    _step(session, world, finding, "resolve", "auditor")
    assert not service.is_overdue(finding)


def test_planners_list_their_subtree_only(session, world):
    _raise(session, world)
    assert len(service.list_findings(session=session, scope_paths=[world.kharkiv_oblast.path])) == 1
    assert service.list_findings(session=session, scope_paths=[world.irpin_hromada.path]) == []
    assert len(service.list_findings(session=session, scope_paths=None)) == 1


def test_public_summary_shows_only_published_findings(session, world):
    hidden = _raise(session, world, title="Internal note")
    shown = _raise(session, world, title="Roof differs from the design")
    assert read_models.public_findings(session=session, project_id=world.school.id) is None
    service.set_visibility(session=session, finding=shown, user=world.auditor, is_public=True)
    session.commit()
    summary = read_models.public_findings(session=session, project_id=world.school.id)
    assert [item.title for item in summary.items] == ["Roof differs from the design"]
    assert (summary.open, summary.closed, summary.by_status) == (1, 0, {"open": 1})
    assert session.get(Finding, hidden.id).is_public is False


def test_public_counts_follow_the_real_states_a_resolved_finding_is_settled(session, world):
    finding = _raise(session, world)
    service.set_visibility(session=session, finding=finding, user=world.auditor, is_public=True)
    session.commit()
    _step(session, world, finding, "answer", "kharkiv_planner")
    summary = read_models.public_findings(session=session, project_id=world.school.id)
    assert (summary.open, summary.closed, summary.by_status) == (1, 0, {"answered": 1})
    _step(session, world, finding, "resolve", "auditor")
    summary = read_models.public_findings(session=session, project_id=world.school.id)
    assert (summary.open, summary.closed, summary.by_status) == (0, 1, {"resolved": 1})

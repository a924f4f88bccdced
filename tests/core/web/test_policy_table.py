"""The role × action table, built from the features' policies and checked cell by cell through the web.

Each cell's expected answer comes from the policy function that decides it; the request then shows whether
every layer (the role check, the loader, the form's choices, the service) agrees with that one answer.
"""
from __future__ import annotations

import pytest
from sqlmodel import select

from tracker.accounts import policy as account_policy
from tracker.audit import policy as audit_policy
from tracker.core.db import session_scope
from tracker.core.hierarchy import acts_for
from tracker.governance import policy as governance_policy
from tracker.projects import policy as project_policy
from tracker.projects.models import Project

ROLES = ["anonymous", "admin", "oblast_planner", "sibling_hromada_planner", "other_oblast_planner", "auditor"]
NEW_PROJECT = {"title_uk": "Нова амбулаторія", "title_en": "New outpatient clinic", "sector": "health",
               "project_type": "construction", "purpose": "restoration", "is_public": "y"}


def _user(world, role):
    return {"anonymous": None, "admin": world.admin, "oblast_planner": world.kharkiv_planner,
            "sibling_hromada_planner": world.derhachi_planner, "other_oblast_planner": world.irpin_planner,
            "auditor": world.auditor}[role]


def _scope(app, user):
    from tracker.accounts.operations import scope_paths

    if user is None:
        return []
    with app.app_context(), session_scope(app) as session:
        return scope_paths(session=session, user=user)


def _allowed(response) -> bool:
    """A page served (or a form answered) rather than refused, hidden or sent to sign in."""
    if response.status_code in (403, 404):
        return False
    return not (response.status_code == 302 and "/login" in response.headers.get("Location", ""))


# action -> (what the policies say, how the web is asked)
def _cells(world):
    school, draft, hromada = world.school, world.draft, world.kharkiv_hromada
    derhachi = world.derhachi_hromada
    return {
        "view public project": (lambda u, s: project_policy.can_view_project(u, school, hromada, s),
                                lambda c: c.get(f"/projects/{school.reference}")),
        "view unpublished project": (lambda u, s: project_policy.can_view_project(u, draft, derhachi, s),
                                     lambda c: c.get(f"/projects/{draft.reference}")),
        "edit project": (lambda u, s: project_policy.can_edit_project(u, hromada, s),
                         lambda c: c.get(f"/manage/projects/{school.reference}/edit")),
        "open planner workspace": (lambda u, s: project_policy.can_edit_project(u, hromada, s),
                                   lambda c: c.get(f"/manage/projects/{school.reference}")),
        "read the full change history": (lambda u, s: project_policy.can_view_restricted(u, hromada, s),
                                         lambda c: c.get(f"/manage/projects/{school.reference}/history")),
        "manage documents": (lambda u, s: project_policy.can_edit_project(u, hromada, s),
                             lambda c: c.get(f"/manage/projects/{school.reference}/documents")),
        "move through a gate": (lambda u, s: governance_policy.can_move_stage(u, hromada, s),
                                lambda c: c.get(f"/manage/projects/{school.reference}/move")),
        "open the audit workspace": (lambda u, s: audit_policy.is_auditor(u) or (u is not None and u.role == "admin"),
                                     lambda c: c.get("/audit/")),
        "list findings": (lambda u, s: audit_policy.can_follow_findings(u), lambda c: c.get("/audit/findings")),
        "manage accounts": (lambda u, s: account_policy.can_manage_users(u), lambda c: c.get("/manage/users/")),
        "change rule settings": (lambda u, s: governance_policy.can_change_rule_settings(u),
                                 lambda c: c.get(f"/manage/rules/settings/?authority={hromada.id}")),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_cell_of_the_table_holds_through_the_web(app, client, world, login, role):
    user = _user(world, role)
    if user is not None:
        login(user)
    scope = _scope(app, user)
    mismatches = []
    for action, (decide, ask) in _cells(world).items():
        expected, served = decide(user, scope), _allowed(ask(client))
        if expected != served:
            mismatches.append(f"{role} / {action}: policy says {expected}, the web says {served}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("role", ROLES)
def test_registering_a_project_follows_the_policy(app, client, world, login, role):
    """The create form offers only authorities in scope, and the view asks the policy again: nothing else lands."""
    user = _user(world, role)
    if user is not None:
        login(user)
    expected = project_policy.can_create_under(user, world.kharkiv_hromada, _scope(app, user))
    response = client.post("/manage/projects/new", data={**NEW_PROJECT, "authority_id": world.kharkiv_hromada.id})
    with app.app_context(), session_scope(app) as session:
        created = session.exec(select(Project).where(Project.title_uk == NEW_PROJECT["title_uk"])).first()
    assert (created is not None) == expected, (role, response.status_code)


def test_the_table_is_not_trivial(app, world):
    """Every role but the admin is refused something and allowed something: the table can fail."""
    for role in ROLES:
        user = _user(world, role)
        answers = {decide(user, _scope(app, user)) for decide, _ask in _cells(world).values()}
        assert answers == ({True} if role == "admin" else {True, False}), role
    assert acts_for(world.admin, world.kharkiv_hromada, [])
    assert not acts_for(world.auditor, world.kharkiv_hromada, [world.ukraine.path])

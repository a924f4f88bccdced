"""Loading what a route works on, with the access check folded in: the one place routes get a project."""
from __future__ import annotations

from flask import abort

from tracker.accounts.views import current_scope_paths, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import NotFound
from tracker.core.models import Authority
from tracker.projects import policy as access
from tracker.projects.models import Project
from tracker.projects.operations import get_project


def project_for_view(reference: str) -> tuple[Project, Authority]:
    """The project if this person may see it; 404 otherwise, so hidden projects stay unknown."""
    project, authority = _load(reference)
    if not access.can_view_project(user_or_none(), project, authority, current_scope_paths()):
        abort(404)
    return project, authority


def project_for_restricted_view(reference: str) -> tuple[Project, Authority]:
    """The project if this person may see what is not public about it (its full change history, restricted
    documents): admins, auditors and the planners of its authority; 404 when they may not even see the
    project, else 403. Seeing a public project is not enough: that is everyone's right."""
    project, authority = project_for_view(reference)
    if not access.can_view_restricted(user_or_none(), authority, current_scope_paths()):
        abort(403)
    return project, authority


def project_for_edit(reference: str) -> tuple[Project, Authority]:
    """The project if this person may change it: 404 when they may not even see it, else 403."""
    project, authority = project_for_view(reference)
    if not access.can_edit_project(user_or_none(), authority, current_scope_paths()):
        abort(403)
    return project, authority


def _load(reference: str) -> tuple[Project, Authority]:
    session = get_session()
    try:
        project = get_project(session=session, reference=reference)
    except NotFound:
        abort(404)
    return project, session.get(Authority, project.authority_id)


def authority_by_id(authority_id: int) -> Authority:
    authority = get_session().get(Authority, authority_id)
    if authority is None:
        abort(404)
    return authority

"""Who may see and change what. Pure decisions over a user, their scope paths and a project's authority."""
from __future__ import annotations

from collections.abc import Sequence

from tracker.accounts.models import User
from tracker.core.hierarchy import is_within
from tracker.core.models import Authority
from tracker.core.vocab import Role
from tracker.projects.models import Project


def can_view_project(user: User | None, project: Project, authority: Authority,
                     scope_paths: Sequence[str]) -> bool:
    """Public projects for everyone; the rest for admins, auditors and planners of its authority."""
    if project.is_public:
        return True
    if user is None:
        return False
    if user.role in (Role.ADMIN, Role.AUDITOR):
        return True
    return user.role == Role.PLANNER and is_within(authority, scope_paths)


def can_edit_project(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """Admins anywhere; planners within their authorities' subtrees; auditors and the public never."""
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.PLANNER and is_within(authority, scope_paths)


def can_create_under(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    return can_edit_project(user, authority, scope_paths)

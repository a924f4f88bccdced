"""Who may see and change a project: pure decisions over a user, their scope paths and a project's authority,
with the SQL twins the project lists use. Views, the API, the CLI and the services all ask these.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import col, select

from tracker.accounts.models import User
from tracker.core.hierarchy import acts_for, scope_filter
from tracker.core.models import Authority
from tracker.core.vocab import Role
from tracker.projects.models import Project

#: Roles that read every project, public or not (they change none: ``can_edit_project``).
READERS_OF_ALL = (Role.ADMIN, Role.AUDITOR)


def public_condition() -> ColumnElement[bool]:
    """The SQL condition "the project is public", written as the public indexes' predicate is.

    ``is_public = true`` (not ``IS true``): PostgreSQL folds it into the partial index's ``WHERE is_public`` and
    SQLite matches it with the index's ``WHERE is_public = 1``, so public lists read the index in order.
    """
    return col(Project.is_public) == true()


def can_view_project(user: User | None, project: Project, authority: Authority,
                     scope_paths: Sequence[str]) -> bool:
    """Public projects for everyone; the rest for admins, auditors and planners of its authority."""
    if project.is_public:
        return True
    return can_view_restricted(user, authority, scope_paths)


def can_view_restricted(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """What is not public about a project (restricted documents, drafts, the full change history): admins,
    auditors, its planners. Not every planner who may see the project: a public project is everyone's to see."""
    if user is not None and user.role in READERS_OF_ALL:
        return True
    return acts_for(user, authority, scope_paths)


def can_edit_project(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """Admins anywhere; planners within their authorities' subtrees; auditors and the public never."""
    return acts_for(user, authority, scope_paths)


def can_create_under(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """Registering a project for an authority is editing that authority's portfolio."""
    return can_edit_project(user, authority, scope_paths)


def visible_projects(user: User | None, scope_paths: Sequence[str]) -> ColumnElement[bool] | None:
    """``can_view_project`` in SQL over projects joined to their authority: None (all) for admins and auditors,
    public ones plus their own subtree for planners, public ones for everyone else."""
    if user is not None and user.role in READERS_OF_ALL:
        return None
    public = public_condition()
    scope = scope_filter(user, scope_paths)
    if user is not None and user.role == Role.PLANNER and scope_paths and scope is not None:
        return or_(public, scope)
    return public


def editable_projects(user: User | None, scope_paths: Sequence[str]) -> ColumnElement[bool] | None:
    """``can_edit_project`` in SQL: None (all) for admins, their subtrees' projects for planners."""
    scope = scope_filter(user, scope_paths)
    return None if scope is None else _in_authorities(scope)


def _in_authorities(scope: ColumnElement[bool] | None) -> ColumnElement[bool]:
    return col(Project.authority_id).in_(select(Authority.id).where(scope))

"""Separation of duties in the auditor's workspace: pure decisions over a user and a project's authority.

Auditors mark, sign, raise and decide findings but never edit project data (``services.access``);
planners answer findings of their subtree but never sign off or decide them; admins may answer as
any planner would, and everything anyone does lands in the audit trail.
"""
from __future__ import annotations

from collections.abc import Sequence

from tracker.accounts.models import User
from tracker.core.errors import PermissionDenied
from tracker.core.hierarchy import acts_for
from tracker.core.models import Authority
from tracker.core.vocab import Role

AUDITOR_ROLES = (Role.AUDITOR,)
WORKSPACE_ROLES = (Role.AUDITOR, Role.ADMIN)


def is_auditor(user: User | None) -> bool:
    return user is not None and user.role in AUDITOR_ROLES


def require_auditor(user: User | None, what: str) -> None:
    if not is_auditor(user):
        raise PermissionDenied(f"only an auditor may {what}")


def can_answer(user: User | None, authorities: Sequence[Authority], scope_paths: Sequence[str]) -> bool:
    """Planners of the project's or the responsible authority's subtree, and admins."""
    return any(acts_for(user, authority, scope_paths) for authority in authorities)


def can_follow_findings(user: User | None) -> bool:
    """Who has the findings list: auditors and admins (all), planners (their subtree)."""
    return user is not None and user.role in (Role.AUDITOR, Role.ADMIN, Role.PLANNER)

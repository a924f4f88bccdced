"""Who may manage accounts: administrators only, and never so that nobody is left to administer.

Pure decisions; the account operations (used by the ``/manage/users`` pages and ``vidnova user``), the pages'
loaders and the header's link all ask them.
"""
from __future__ import annotations

from tracker.accounts.models import User
from tracker.core.vocab import Role


def can_manage_users(user: User | None) -> bool:
    """Creating accounts, changing roles and scopes, (de)activating and resetting passwords: administrators."""
    return user is not None and user.is_active and user.role == Role.ADMIN


def leaves_an_administrator(target: User, *, active_admins: int, active: bool, role: str) -> bool:
    """Whether giving ``target`` this state and role still leaves at least one active administrator.

    ``active_admins`` counts the active administrators now, ``target`` included when it is one.
    """
    was_counted = target.is_active and target.role == Role.ADMIN
    is_counted = active and role == Role.ADMIN
    return active_admins - int(was_counted) + int(is_counted) >= 1


def may_deactivate(actor: User | None, target: User) -> bool:
    """Nobody deactivates their own account (they would lock themselves out mid-action)."""
    return actor is None or actor.id != target.id

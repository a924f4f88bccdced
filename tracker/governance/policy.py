"""Who may decide what in governance: overriding a stage gate, and setting an authority's rule parameters.

Pure decisions over the one scope predicate (``core.hierarchy``); the stage-move service and its page ask them.
"""
from __future__ import annotations

from collections.abc import Sequence

from tracker.accounts.models import User
from tracker.core.hierarchy import acts_above, acts_for
from tracker.core.models import Authority


def can_move_stage(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """Moving a project through a gate (or changing its state) is editing the project: its planners, admins."""
    return acts_for(user, authority, scope_paths)


def can_override_gate(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """Admins, and planners of a higher authority (an oblast for its hromadas), may override a gate."""
    return acts_above(user, authority, scope_paths)


def can_reevaluate_portfolio(user: User | None) -> bool:
    """Re-evaluating every project (after a rule set or a settings change) is the administrators' decision."""
    return user is not None and user.role == "admin"


def can_change_rule_settings(user: User | None) -> bool:
    """Setting or clearing an authority's rule parameters (``/manage/rules/settings``): administrators."""
    return user is not None and user.role == "admin"

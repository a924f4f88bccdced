"""Who may do what in the engagement mechanism: pure decisions over the one scope predicate (``core.hierarchy``),
and the SQL twin the offer list uses. Views and services both ask these.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement

from tracker.accounts.models import User
from tracker.core.hierarchy import acts_for, scope_filter
from tracker.core.models import Authority
from tracker.core.vocab import Role
from tracker.engagement.models import Need, Offer, PartnerProfile


def partner_can_act(profile: PartnerProfile | None) -> bool:
    """Only a partner an admin confirmed, and did not hide, may offer or write."""
    return profile is not None and profile.is_confirmed and not profile.is_hidden


def can_answer_for(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """Admins anywhere; planners for the authorities in their scope (needs, offers, partnerships)."""
    return acts_for(user, authority, scope_paths)


def can_set_up_partnership(user: User | None, authorities: Sequence[Authority], scope_paths: Sequence[str]) -> bool:
    """Admins; a planner only for authorities that are all within their scope."""
    return bool(authorities) and all(acts_for(user, authority, scope_paths) for authority in authorities)


def can_log_activity(user: User | None, member_authorities: Sequence[Authority], member_organisation_ids: set[int],
                     scope_paths: Sequence[str], profile: PartnerProfile | None) -> bool:
    """Members log a partnership's activities: planners of a member authority, the member partners, admins."""
    if user is None:
        return False
    if user.role in (Role.ADMIN, Role.PLANNER):
        return any(acts_for(user, authority, scope_paths) for authority in member_authorities)
    return partner_can_act(profile) and profile is not None and profile.organisation_id in member_organisation_ids


def offers_seen_by(user: User | None, scope_paths: Sequence[str]) -> ColumnElement[bool] | None:
    """Which authorities' offers a signed-in planner, admin or auditor lists: None (all) for admins and
    auditors, the planner's subtrees otherwise (``can_see_offer`` in SQL, hidden offers aside)."""
    if user is not None and user.role == Role.AUDITOR:
        return None
    return scope_filter(user, scope_paths)


def can_see_partner(user: User | None, profile: PartnerProfile) -> bool:
    """A partner's public page: confirmed and not hidden, unless an admin looks."""
    return (profile.is_confirmed and not profile.is_hidden) or (user is not None and user.role == Role.ADMIN)


def can_see_need(user: User | None, need: Need) -> bool:
    """Hidden needs are for admins only; every other need is public."""
    return not need.is_hidden or (user is not None and user.role == Role.ADMIN)


def can_see_offer(user: User | None, offer: Offer, authority: Authority, scope_paths: Sequence[str],
                  profile: PartnerProfile | None) -> bool:
    """An offer's thread: its partner, the planners of the need's authority, admins and auditors.

    A hidden offer (spam, abuse) stays visible to admins only.
    """
    if user is None:
        return False
    if user.role in (Role.ADMIN, Role.AUDITOR):
        return user.role == Role.ADMIN or not offer.is_hidden
    if offer.is_hidden:
        return False
    if user.role == Role.PARTNER:
        return profile is not None and profile.id == offer.partner_id
    return acts_for(user, authority, scope_paths)

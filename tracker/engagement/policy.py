"""Who may do what in the engagement mechanism. Pure decisions, no queries."""
from __future__ import annotations

from collections.abc import Sequence

from tracker.accounts.models import User
from tracker.core.hierarchy import is_within
from tracker.core.models import Authority
from tracker.core.vocab import Role
from tracker.engagement.models import Need, Offer, PartnerProfile


def partner_can_act(profile: PartnerProfile | None) -> bool:
    """Only a partner an admin confirmed, and did not hide, may offer or write."""
    return profile is not None and profile.is_confirmed and not profile.is_hidden


def can_answer_for(user: User | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """Admins anywhere; planners for the authorities in their scope (needs, offers, partnerships)."""
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.PLANNER and is_within(authority, scope_paths)


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
    return user.role == Role.PLANNER and is_within(authority, scope_paths)

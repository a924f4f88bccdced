"""Loading needs, offers, partners and partnerships with the access check folded in (404 unseen, 403 refused)."""
from __future__ import annotations

from flask import abort, current_app, request

from tracker.accounts.views import current_scope_paths, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import NotFound
from tracker.core.models import Authority
from tracker.engagement import needs as need_service
from tracker.engagement import offers as offer_service
from tracker.engagement import partners as partner_service
from tracker.engagement import partnerships as partnership_service
from tracker.engagement import policy
from tracker.engagement.models import Need, Offer, PartnerProfile, Partnership
from tracker.engagement.policy import can_answer_for, can_see_need, can_see_offer, partner_can_act


def current_partner() -> PartnerProfile | None:
    """The signed-in partner's profile, or None for everyone else."""
    return partner_service.profile_for_user(session=get_session(), user=user_or_none())


def acting_partner() -> PartnerProfile:
    """The signed-in partner if it may act; an unconfirmed or hidden partner is refused (403)."""
    profile = current_partner()
    if not partner_can_act(profile):
        abort(403)
    return profile


def need_for_view(need_id: int) -> tuple[Need, Authority]:
    try:
        need = need_service.get_need(session=get_session(), need_id=need_id)
    except NotFound:
        abort(404)
    if not can_see_need(user_or_none(), need):
        abort(404)
    return need, get_session().get(Authority, need.authority_id)


def offer_for_view(offer_id: int) -> tuple[Offer, Authority]:
    """An offer's thread: its partner, the planners in scope, admins and auditors; 404 for everyone else."""
    session = get_session()
    try:
        offer = offer_service.get_offer(session=session, offer_id=offer_id)
    except NotFound:
        abort(404)
    need = session.get(Need, offer.need_id)
    authority = session.get(Authority, need.authority_id)
    if not can_see_offer(user_or_none(), offer, authority, current_scope_paths(), current_partner()):
        abort(404)
    return offer, authority


def offer_for_answer(offer_id: int) -> tuple[Offer, Authority]:
    offer, authority = offer_for_view(offer_id)
    if not can_answer_for(user_or_none(), authority, current_scope_paths()):
        abort(403)
    return offer, authority


def partner_for_view(profile_id: int) -> PartnerProfile:
    """A partner's public page: confirmed and not hidden, unless an admin looks."""
    try:
        profile = partner_service.get_profile(session=get_session(), profile_id=profile_id)
    except NotFound:
        abort(404)
    user = user_or_none()
    if not policy.can_see_partner(user, profile):
        abort(404)
    return profile


def partnership_for_view(partnership_id: int) -> Partnership:
    try:
        return partnership_service.get_partnership(session=get_session(), partnership_id=partnership_id)
    except NotFound:
        abort(404)


def can_log_activity(summary: partnership_service.PartnershipSummary) -> bool:
    """The policy's answer for this request's person."""
    return policy.can_log_activity(user_or_none(), summary.authorities, {o.id for o in summary.organisations},
                                   current_scope_paths(), current_partner())


def client_key() -> str:
    """The client's address, for rate limits (behind a proxy, configure werkzeug's ProxyFix)."""
    return request.remote_addr or "unknown"


def setting(name: str):
    return current_app.config[name]

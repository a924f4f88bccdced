"""Offers: a confirmed partner offers help on a need; the authority asks, accepts or declines in a thread.

Every decision re-reads the rows it depends on under a lock (``core.locking.lock_for_decision``) before it
checks their state, in the one lock order: the project (an accepted offer adds a party and a funding line to
it), then the need, the partner, the offer. So of any number of concurrent decisions on one offer exactly one
wins and the others are refused with ``StateConflict`` naming what was decided, by whom and when.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.core.columns import utcnow
from tracker.core.errors import NotFound, PermissionDenied, ServiceError, StateConflict
from tracker.core.fields import check_values
from tracker.core.i18n import format_datetime
from tracker.core.i18n import gettext as _
from tracker.core.locking import lock_for_decision
from tracker.core.models import Authority, Organisation
from tracker.core.vocab import Currency, HelpKind, NeedStatus, OfferStatus, PartyRole
from tracker.engagement import notifications, rate_limits
from tracker.engagement.models import Need, Offer, OfferMessage, PartnerProfile, Partnership
from tracker.engagement.policy import partner_can_act
from tracker.projects.models import Project

#: The role an accepted offer gives the partner, unless the planner chooses another.
DEFAULT_ROLE = {
    HelpKind.FUNDS: PartyRole.CO_FINANCER,
    HelpKind.EXPERTISE: PartyRole.TECHNICAL_ASSISTANCE,
    HelpKind.EQUIPMENT: PartyRole.TECHNICAL_ASSISTANCE,
    HelpKind.PEER_EXCHANGE: PartyRole.TWINNING_PARTNER,
}
PARTNERSHIP_ROLES = (PartyRole.TWINNING_PARTNER, PartyRole.CO_FINANCER, PartyRole.TECHNICAL_ASSISTANCE)


@dataclass(frozen=True)
class OfferCreate:
    kind: str
    message: str
    amount: Decimal | None = None
    currency: str = Currency.EUR
    effort_days: int | None = None
    period_start: date | None = None
    period_end: date | None = None


def make_offer(*, session: Session, need: Need, profile: PartnerProfile, user: User, data: OfferCreate,
               rate_limit: int) -> Offer:
    """Offer help on an open need; tells the authority's planners. Counted against the partner's rate limit.

    The need and the partner are read under their locks: an offer never lands on a need closed, or from a
    partner hidden, meanwhile, and a double submission makes one offer.
    """
    if not partner_can_act(profile) or profile.user_id != user.id:
        raise PermissionDenied(_("only a confirmed partner can make offers"), field="partner")
    _check_offer(data)
    lock_for_decision(session, need)
    lock_for_decision(session, profile)
    if not partner_can_act(profile):
        raise PermissionDenied(_("only a confirmed partner can make offers"), field="partner")
    _check_need_takes_offers(need)
    pending = session.exec(select(Offer.id).where(Offer.need_id == need.id, Offer.partner_id == profile.id,
                                                  Offer.status == OfferStatus.PENDING)).first()
    if pending is not None:
        raise ServiceError(_("you already have an open offer on this need; write in its thread instead"),
                           field="need")
    rate_limits.hit(session=session, action="offer", key=f"partner:{profile.id}", limit=rate_limit)
    offer = Offer(need_id=need.id, partner_id=profile.id, kind=data.kind, amount=data.amount,
                  currency=data.currency, effort_days=data.effort_days, period_start=data.period_start,
                  period_end=data.period_end, message=data.message.strip(), created_by_id=user.id)
    session.add(offer)
    session.flush()
    notifications.offer_received(session=session, offer=offer, need=need,
                                 organisation=session.get(Organisation, profile.organisation_id),
                                 authority=session.get(Authority, need.authority_id))
    return offer


def _check_need_takes_offers(need: Need) -> None:
    if need.is_hidden:
        raise StateConflict(_("An administrator hid this need; it takes no offers."), field="need")
    if need.status == NeedStatus.FULFILLED:
        raise StateConflict(_("This need is already fulfilled and takes no more offers."), field="need")
    if need.status != NeedStatus.OPEN:
        raise StateConflict(_("This need was closed and takes no more offers."), field="need")


def _check_offer(data: OfferCreate) -> None:
    if not data.message or not data.message.strip():
        raise ServiceError(_("say what you offer in the message"), field="message")
    check_values(Offer, {"kind": data.kind, "currency": data.currency, "amount": data.amount,
                         "effort_days": data.effort_days, "message": data.message})
    if data.kind == HelpKind.FUNDS and not data.amount:
        raise ServiceError(_("an offer of funds states the amount"), field="amount")
    if data.period_start and data.period_end and data.period_end < data.period_start:
        raise ServiceError(_("the period ends before it starts"), field="period_end")


def get_offer(*, session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(_("no offer %(offer_id)s", offer_id=offer_id))
    return offer


def post_message(*, session: Session, offer: Offer, author: User, body: str) -> OfferMessage:
    """Add to the thread (a question, an answer) and tell the other side."""
    if not body or not body.strip():
        raise ServiceError(_("the message is empty"), field="body")
    lock_for_decision(session, offer)
    if offer.status == OfferStatus.WITHDRAWN:
        raise StateConflict(_("The partner withdrew this offer; its thread takes no more messages."),
                            field="offer")
    message = OfferMessage(offer_id=offer.id, author_id=author.id, body=body.strip())
    session.add(message)
    session.flush()
    need = session.get(Need, offer.need_id)
    profile = session.get(PartnerProfile, offer.partner_id)
    if author.id == profile.user_id:
        recipients = notifications.planners_for(session=session, authority=session.get(Authority, need.authority_id))
    else:
        recipients = [session.get(User, profile.user_id)]
    notifications.offer_message(session=session, offer=offer, need=need, author=author, body=message.body,
                                recipients=recipients)
    return message


def accept_offer(*, session: Session, offer: Offer, actor: User, role: str | None = None,
                 close_need: bool = True, note: str | None = None) -> Partnership:
    """Accept: in one transaction, the partnership, the party link to the project and, for money, a funding line.

    Locks the project, the need, the partner and the offer (the lock order) before checking that the offer
    is still pending, so of concurrent answers exactly one is recorded.
    """
    from tracker.engagement.partnerships import create_partnership_from_offer

    role = role or DEFAULT_ROLE[HelpKind(offer.kind)]
    if role not in PARTNERSHIP_ROLES:
        raise ServiceError(_("a partner is a twinning partner, co-financer or technical assistance, not “%(role)s”",
                             role=role),
                           field="role")
    need = session.get(Need, offer.need_id)
    profile = session.get(PartnerProfile, offer.partner_id)
    if need.project_id is not None:
        lock_for_decision(session, session.get(Project, need.project_id))
    lock_for_decision(session, need)
    lock_for_decision(session, profile)
    lock_for_decision(session, offer)
    _check_pending(session, offer)
    if not partner_can_act(profile):
        raise StateConflict(_("This partner can no longer act: an administrator hid it or it is not confirmed."),
                            field="partner")
    partnership = create_partnership_from_offer(session=session, offer=offer, need=need, profile=profile,
                                                role=role, actor=actor)
    _answer(session, offer, actor, OfferStatus.ACCEPTED, note)
    if close_need:
        need.status = NeedStatus.FULFILLED
        session.add(need)
    session.flush()
    notifications.offer_decided(session=session, offer=offer, need=need, accepted=True, note=note,
                                partner_user=session.get(User, profile.user_id))
    return partnership


def decline_offer(*, session: Session, offer: Offer, actor: User, note: str | None = None) -> Offer:
    lock_for_decision(session, offer)
    _check_pending(session, offer)
    _answer(session, offer, actor, OfferStatus.DECLINED, note)
    profile = session.get(PartnerProfile, offer.partner_id)
    notifications.offer_decided(session=session, offer=offer, need=session.get(Need, offer.need_id),
                                accepted=False, note=note, partner_user=session.get(User, profile.user_id))
    return offer


def withdraw_offer(*, session: Session, offer: Offer, user: User) -> Offer:
    """The partner takes back an offer not yet answered (recorded as its answer: when, by whom)."""
    profile = session.get(PartnerProfile, offer.partner_id)
    if profile.user_id != user.id:
        raise PermissionDenied(_("only the partner who made an offer can withdraw it"))
    lock_for_decision(session, offer)
    _check_pending(session, offer)
    _answer(session, offer, user, OfferStatus.WITHDRAWN, None)
    return offer


def set_offer_hidden(*, session: Session, offer: Offer, hidden: bool) -> Offer:
    """Admins hide abusive offers: they leave every list and thread except the admin's."""
    lock_for_decision(session, offer)
    if offer.is_hidden == hidden:
        raise StateConflict(_("Another administrator already hid this offer.") if hidden
                            else _("Another administrator already made this offer visible again."), field="status")
    offer.is_hidden = hidden
    session.add(offer)
    session.flush()
    return offer


def _check_pending(session: Session, offer: Offer) -> None:
    """Refuse to decide on an offer no longer pending, naming who decided it and when (read under its lock)."""
    if offer.status != OfferStatus.PENDING:
        answerer = session.get(User, offer.answered_by_id) if offer.answered_by_id else None
        values = {"name": answerer.name if answerer else _("someone"), "when": _moment(offer.answered_at)}
        if offer.status == OfferStatus.ACCEPTED:
            message = _("The offer was already accepted by %(name)s at %(when)s.", **values)
        elif offer.status == OfferStatus.DECLINED:
            message = _("The offer was already declined by %(name)s at %(when)s.", **values)
        else:
            message = _("The partner withdrew this offer at %(when)s.", **values)
        raise StateConflict(message, field="status")
    if offer.is_hidden:
        raise StateConflict(_("An administrator hid this offer; it can no longer be answered."), field="status")


def _moment(moment) -> str:
    return format_datetime(moment) if moment is not None else "?"


def _answer(session: Session, offer: Offer, actor: User, status: str, note: str | None) -> None:
    offer.status, offer.answered_at, offer.answered_by_id = status, utcnow(), actor.id
    session.add(offer)
    if note and note.strip():
        session.add(OfferMessage(offer_id=offer.id, author_id=actor.id, body=note.strip()))
    session.flush()


@dataclass
class OfferThread:
    """Everything an offer's page shows, loaded in a fixed number of queries."""

    offer: Offer
    need: Need
    authority: Authority
    project: Project | None
    profile: PartnerProfile
    organisation: Organisation
    messages: list[tuple[OfferMessage, str, str]] = field(default_factory=list)
    partnership: Partnership | None = None


def offer_thread(*, session: Session, offer: Offer) -> OfferThread:
    need, authority, project = session.exec(
        select(Need, Authority, Project).join(Authority, Authority.id == Need.authority_id)
        .outerjoin(Project, Project.id == Need.project_id).where(Need.id == offer.need_id)).one()
    profile, organisation = session.exec(
        select(PartnerProfile, Organisation).join(Organisation, Organisation.id == PartnerProfile.organisation_id)
        .where(PartnerProfile.id == offer.partner_id)).one()
    messages = [(message, name, role) for message, name, role in session.exec(
        select(OfferMessage, User.name, User.role).join(User, User.id == OfferMessage.author_id)
        .where(OfferMessage.offer_id == offer.id).order_by(OfferMessage.created_at, OfferMessage.id))]
    partnership = session.exec(select(Partnership).where(Partnership.offer_id == offer.id)).first()
    return OfferThread(offer, need, authority, project, profile, organisation, messages, partnership)


def offers_of_partner(*, session: Session, profile: PartnerProfile) -> list[tuple[Offer, Need, Authority]]:
    """A partner's own offers, newest first (one query); hidden ones are left out."""
    return list(session.exec(
        select(Offer, Need, Authority).join(Need, Need.id == Offer.need_id)
        .join(Authority, Authority.id == Need.authority_id)
        .where(Offer.partner_id == profile.id, Offer.is_hidden.is_(False))
        .order_by(Offer.created_at.desc(), Offer.id.desc())))


def offers_in_scope(*, session: Session, authority_filter, include_hidden: bool = False,
                    need: Need | None = None) -> list[tuple[Offer, Need, Authority, Organisation]]:
    """Offers on needs of the authorities an answerer covers (``authority_filter``; None: all), one query."""
    query = (select(Offer, Need, Authority, Organisation).join(Need, Need.id == Offer.need_id)
             .join(Authority, Authority.id == Need.authority_id)
             .join(PartnerProfile, PartnerProfile.id == Offer.partner_id)
             .join(Organisation, Organisation.id == PartnerProfile.organisation_id))
    if authority_filter is not None:
        query = query.where(authority_filter)
    if not include_hidden:
        query = query.where(Offer.is_hidden.is_(False))
    if need is not None:
        query = query.where(Offer.need_id == need.id)
    return list(session.exec(query.order_by(Offer.status != OfferStatus.PENDING, Offer.created_at.desc())))

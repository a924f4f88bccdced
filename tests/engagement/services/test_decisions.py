"""Decisions on shared rows: each is checked on the row read under its lock, and a decision someone took first
is refused with StateConflict (409) naming what happened; nothing of the refused decision is written."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, select

from tests.engagement.services.conftest import clinic_need, register
from tracker.accounts.models import User
from tracker.core.errors import PermissionDenied, ServiceError, StateConflict
from tracker.core.models import OutboxMessage
from tracker.engagement.models import Need, Offer, OfferMessage, PartnerProfile, Partnership
from tracker.engagement.needs import set_need_hidden, set_need_status
from tracker.engagement.offers import (
    OfferCreate,
    accept_offer,
    decline_offer,
    make_offer,
    post_message,
    set_offer_hidden,
    withdraw_offer,
)
from tracker.engagement.partners import confirm_partner, set_partner_hidden
from tracker.projects.models import FundingLine, ProjectParty

#: A moment as a refusal names it (Babel, English outside a request or in an English page).
MOMENT = r"\w{3} \d{1,2}, \d{4}, \d{1,2}:\d\d\W[AP]M UTC"


def _offer(session, need, profile):
    return make_offer(session=session, need=need, profile=profile, user=session.get(User, profile.user_id),
                      data=OfferCreate(kind="funds", message="We co-finance.", amount=Decimal("50000")),
                      rate_limit=10)


@pytest.fixture
def pending(session, world):
    """A confirmed partner's pending offer of EUR 50,000 on the clinic's need, committed."""
    profile = register(session, confirm_by=world.admin)
    need = clinic_need(session, world)
    offer = _offer(session, need, profile)
    session.commit()
    return offer


def _partnerships_and_lines(session, world):
    partnerships = session.exec(select(Partnership)).all()
    lines = session.exec(select(FundingLine).where(FundingLine.project_id == world.clinic.id)).all()
    return len(partnerships), len(lines)


def test_accept_then_decline_is_refused_naming_who_accepted(session, world, pending):
    accept_offer(session=session, offer=pending, actor=world.derhachi_planner)
    with pytest.raises(StateConflict,
                       match=rf"already accepted by derhachi at {MOMENT}") as info:
        decline_offer(session=session, offer=pending, actor=world.kharkiv_planner, note="No, thanks")
    assert info.value.http_status == 409
    session.commit()
    assert pending.status == "accepted" and pending.answered_by_id == world.derhachi_planner.id
    assert _partnerships_and_lines(session, world) == (1, 1)
    assert session.exec(select(OfferMessage)).all() == []


def test_accept_twice_makes_one_partnership_and_one_funding_line(session, world, pending):
    accept_offer(session=session, offer=pending, actor=world.derhachi_planner)
    with pytest.raises(StateConflict, match="already accepted by derhachi"):
        accept_offer(session=session, offer=pending, actor=world.admin)
    session.commit()
    assert _partnerships_and_lines(session, world) == (1, 1)
    assert len(session.exec(select(ProjectParty).where(ProjectParty.project_id == world.clinic.id)).all()) == 1


def test_decline_then_accept_writes_nothing(session, world, pending):
    decline_offer(session=session, offer=pending, actor=world.kharkiv_planner)
    with pytest.raises(StateConflict, match="already declined by oblast"):
        accept_offer(session=session, offer=pending, actor=world.derhachi_planner)
    session.commit()
    assert _partnerships_and_lines(session, world) == (0, 0)
    assert session.get(Need, pending.need_id).status == "open"


def test_withdrawn_offer_cannot_be_answered_and_answered_one_cannot_be_withdrawn(session, world, pending):
    partner_user = session.get(User, session.get(PartnerProfile, pending.partner_id).user_id)
    withdraw_offer(session=session, offer=pending, user=partner_user)
    assert (pending.status, pending.answered_by_id) == ("withdrawn", partner_user.id)
    for decide in (lambda: accept_offer(session=session, offer=pending, actor=world.derhachi_planner),
                   lambda: decline_offer(session=session, offer=pending, actor=world.derhachi_planner),
                   lambda: withdraw_offer(session=session, offer=pending, user=partner_user)):
        with pytest.raises(StateConflict, match="partner withdrew this offer at"):
            decide()
    with pytest.raises(StateConflict, match="withdrew this offer; its thread"):
        post_message(session=session, offer=pending, author=world.derhachi_planner, body="Why?")


def test_an_answered_offer_cannot_be_withdrawn(session, world, pending):
    partner_user = session.get(User, session.get(PartnerProfile, pending.partner_id).user_id)
    decline_offer(session=session, offer=pending, actor=world.derhachi_planner)
    with pytest.raises(StateConflict, match="already declined by derhachi"):
        withdraw_offer(session=session, offer=pending, user=partner_user)
    with pytest.raises(PermissionDenied):
        withdraw_offer(session=session, offer=pending, user=world.derhachi_planner)


def test_hidden_offer_cannot_be_answered_and_hiding_twice_is_refused(session, world, pending):
    set_offer_hidden(session=session, offer=pending, hidden=True)
    with pytest.raises(StateConflict, match="already hid this offer"):
        set_offer_hidden(session=session, offer=pending, hidden=True)
    with pytest.raises(StateConflict, match="hid this offer; it can no longer be answered"):
        accept_offer(session=session, offer=pending, actor=world.derhachi_planner)
    set_offer_hidden(session=session, offer=pending, hidden=False)
    with pytest.raises(StateConflict, match="already made this offer visible"):
        set_offer_hidden(session=session, offer=pending, hidden=False)
    accept_offer(session=session, offer=pending, actor=world.derhachi_planner)


def test_an_offer_of_a_partner_hidden_meanwhile_cannot_be_accepted(session, world, pending):
    set_partner_hidden(session=session, profile=session.get(PartnerProfile, pending.partner_id), hidden=True)
    with pytest.raises(StateConflict, match="partner can no longer act"):
        accept_offer(session=session, offer=pending, actor=world.derhachi_planner)
    session.commit()
    assert pending.status == "pending" and _partnerships_and_lines(session, world) == (0, 0)


def test_the_decision_reads_the_stored_state_not_the_loaded_one(engine, session, world, pending):
    """A planner's page loaded the offer pending; someone else declined it since: the accept sees the decline."""
    stale = session.get(Offer, pending.id)
    with Session(engine, expire_on_commit=False) as other:
        decline_offer(session=other, offer=other.get(Offer, pending.id), actor=other.get(User, world.admin.id))
        other.commit()
    assert stale.status == "pending"  # what the first session loaded
    with pytest.raises(StateConflict, match="already declined by admin"):
        accept_offer(session=session, offer=stale, actor=world.derhachi_planner)
    session.rollback()
    assert _partnerships_and_lines(session, world) == (0, 0)


def test_no_offer_on_a_need_closed_fulfilled_or_hidden_meanwhile(session, world):
    profile = register(session, confirm_by=world.admin)
    need = clinic_need(session, world)
    session.commit()
    set_need_status(session=session, need=need, status="closed")
    with pytest.raises(StateConflict, match="was closed and takes no more offers"):
        _offer(session, need, profile)
    set_need_status(session=session, need=need, status="open")
    set_need_status(session=session, need=need, status="fulfilled")
    with pytest.raises(StateConflict, match="already fulfilled"):
        _offer(session, need, profile)
    set_need_status(session=session, need=need, status="open")
    set_need_hidden(session=session, need=need, hidden=True)
    with pytest.raises(StateConflict, match="hid this need"):
        _offer(session, need, profile)
    set_need_hidden(session=session, need=need, hidden=False)
    assert _offer(session, need, profile).status == "pending"


def test_need_status_changes_are_decided_once(session, world):
    need = clinic_need(session, world)
    set_need_status(session=session, need=need, status="closed")
    with pytest.raises(StateConflict, match="already closed; reopen it first") as info:
        set_need_status(session=session, need=need, status="closed")
    assert info.value.http_status == 409
    with pytest.raises(StateConflict, match="already closed"):
        set_need_status(session=session, need=need, status="fulfilled")
    set_need_status(session=session, need=need, status="open")
    with pytest.raises(StateConflict, match="already open"):
        set_need_status(session=session, need=need, status="open")
    set_need_status(session=session, need=need, status="fulfilled")
    with pytest.raises(StateConflict, match="already marked fulfilled"):
        set_need_status(session=session, need=need, status="closed")
    with pytest.raises(ServiceError, match="not a choice of this list") as unknown:
        set_need_status(session=session, need=need, status="archived")
    assert not isinstance(unknown.value, StateConflict) and unknown.value.http_status == 422
    session.commit()
    assert session.get(Need, need.id).status == "fulfilled"


def test_hiding_a_need_twice_is_refused(session, world):
    need = clinic_need(session, world)
    set_need_hidden(session=session, need=need, hidden=True)
    with pytest.raises(StateConflict, match="already hid this need"):
        set_need_hidden(session=session, need=need, hidden=True)
    set_need_hidden(session=session, need=need, hidden=False)
    with pytest.raises(StateConflict, match="already made this need visible"):
        set_need_hidden(session=session, need=need, hidden=False)


def test_confirming_a_partner_twice_is_refused_naming_who_confirmed(session, world):
    profile = register(session)
    other_admin = session.exec(select(User).where(User.id == world.admin.id)).one()
    confirm_partner(session=session, profile=profile, admin=world.admin)
    with pytest.raises(StateConflict, match=rf"already confirmed by admin at {MOMENT}"):
        confirm_partner(session=session, profile=profile, admin=other_admin)
    session.commit()
    confirmations = [m for m in session.exec(select(OutboxMessage)) if m.recipient == "partner@lyon-test.eu"]
    assert len(confirmations) == 1
    with pytest.raises(ServiceError, match="only an administrator") as refused:
        confirm_partner(session=session, profile=register(session, email="p@graz-test.eu"),
                        admin=world.derhachi_planner)
    assert not isinstance(refused.value, StateConflict)


def test_hiding_a_partner_twice_is_refused(session, world):
    profile = register(session, confirm_by=world.admin)
    set_partner_hidden(session=session, profile=profile, hidden=True)
    with pytest.raises(StateConflict, match="already hid this partner"):
        set_partner_hidden(session=session, profile=profile, hidden=True)
    set_partner_hidden(session=session, profile=profile, hidden=False)
    with pytest.raises(StateConflict, match="already made this partner visible"):
        set_partner_hidden(session=session, profile=profile, hidden=False)

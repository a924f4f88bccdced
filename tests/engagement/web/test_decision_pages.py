"""A decision someone took first, through the web on both databases: 409, the page as it now is, the message
saying what happened; nothing of the refused decision written."""
from __future__ import annotations

import re
from decimal import Decimal

from sqlmodel import select

from tracker.accounts.models import User
from tracker.core.db import session_scope
from tracker.engagement.models import Need, Offer, OfferMessage, PartnerProfile, Partnership
from tracker.engagement.needs import set_need_status
from tracker.engagement.offers import OfferCreate, make_offer

#: A moment as a refusal names it (Babel, English outside a request or in an English page).
MOMENT = r"\w{3} \d{1,2}, \d{4}, \d{1,2}:\d\d\W[AP]M UTC"

PARTNER_PASSWORD = "partner-password-1"


def _pending_offer(app, eng) -> int:
    with app.app_context(), session_scope(app) as session:
        profile = session.get(PartnerProfile, eng["lyon"].id)
        return make_offer(session=session, need=session.get(Need, eng["need"].id), profile=profile,
                          user=session.get(User, profile.user_id), rate_limit=10,
                          data=OfferCreate(kind="funds", message="We co-finance.", amount=Decimal("50000"))).id


def _alert(response) -> str:
    found = re.findall(r'<p class="flash flash-error"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S)
    assert len(found) == 1, response.get_data(as_text=True)
    return found[0]


def _get(app, model, row_id):
    with app.app_context(), session_scope(app) as session:
        return session.get(model, row_id)


def test_declining_an_accepted_offer_is_409_with_who_accepted(app, client, eng, login, world):
    offer_id = _pending_offer(app, eng)
    login(world.derhachi_planner)
    client.get("/lang/en")
    assert client.post(f"/offers/{offer_id}/accept", data={"role": "co_financer"}).status_code == 302
    response = client.post(f"/offers/{offer_id}/decline", data={"note": "Sorry"})
    assert response.status_code == 409
    assert re.fullmatch(rf"The offer was already accepted by derhachi at {MOMENT}\.", _alert(response))
    assert "Accept the offer" not in response.get_data(as_text=True)  # the page shows the offer as it now is
    again = client.post(f"/offers/{offer_id}/accept", data={"role": "co_financer"})
    assert again.status_code == 409 and "already accepted by derhachi" in _alert(again)
    assert _get(app, Offer, offer_id).status == "accepted"
    with app.app_context(), session_scope(app) as session:
        assert len(session.exec(select(Partnership)).all()) == 1
        assert session.exec(select(OfferMessage.body)).all() == []


def test_the_partner_cannot_withdraw_a_declined_offer_nor_write_on_a_withdrawn_one(app, client, eng, login,
                                                                                    partner_login, world):
    offer_id = _pending_offer(app, eng)
    login(world.derhachi_planner)
    assert client.post(f"/offers/{offer_id}/decline", data={}).status_code == 302
    client.post("/logout")
    partner_login("partner@lyon-test.eu")
    client.get("/lang/en")
    response = client.post(f"/offers/{offer_id}/withdraw")
    assert response.status_code == 409
    assert "The offer was already declined by derhachi at" in _alert(response)
    assert _get(app, Offer, offer_id).status == "declined"

    second = _pending_offer(app, eng)
    asked = client.post(f"/offers/{second}/withdraw")  # the first press asks again, and withdraws nothing
    assert asked.status_code == 200 and "Yes, withdraw the offer" in asked.get_data(as_text=True)
    assert _get(app, Offer, second).status == "pending"
    assert client.post(f"/offers/{second}/withdraw", data={"confirmed": "yes"}).status_code == 302
    response = client.post(f"/offers/{second}/messages", data={"body": "Actually…"})
    assert response.status_code == 409
    assert _alert(response) == "The partner withdrew this offer; its thread takes no more messages."


def test_hiding_twice_is_409_and_showing_is_its_own_action(app, client, eng, login, world):
    offer_id = _pending_offer(app, eng)
    need_id, lyon = eng["need"].id, eng["lyon"].id
    login(world.admin)
    client.get("/lang/en")
    for path, message in ((f"/offers/{offer_id}", "Another administrator already hid this offer."),
                          (f"/needs/{need_id}", "Another administrator already hid this need."),
                          (f"/manage/partners/{lyon}", "Another administrator already hid this partner.")):
        assert client.post(f"{path}/hide").status_code == 302
        response = client.post(f"{path}/hide")
        assert response.status_code == 409 and _alert(response) == message
        assert client.post(f"{path}/show").status_code == 302
        response = client.post(f"{path}/show")
        assert response.status_code == 409 and "already made this" in _alert(response)
    assert not _get(app, Offer, offer_id).is_hidden and not _get(app, Need, need_id).is_hidden
    assert not _get(app, PartnerProfile, lyon).is_hidden


def test_confirming_a_confirmed_partner_is_409_naming_who(app, client, eng, login, world):
    login(world.admin)
    client.get("/lang/en")
    gdynia = eng["gdynia"].id
    assert client.post(f"/manage/partners/{gdynia}/confirm").status_code == 302
    response = client.post(f"/manage/partners/{gdynia}/confirm")
    assert response.status_code == 409
    assert re.fullmatch(rf"The partner was already confirmed by admin at {MOMENT}\.", _alert(response))
    assert _get(app, PartnerProfile, gdynia).confirmed_by_id == world.admin.id


def test_an_offer_on_a_need_closed_meanwhile_is_409(app, client, eng, partner_login):
    with app.app_context(), session_scope(app) as session:
        set_need_status(session=session, need=session.get(Need, eng["need"].id), status="closed")
    partner_login("partner@lyon-test.eu")
    client.get("/lang/en")
    response = client.post(f"/needs/{eng['need'].id}/offer", data={
        "kind": "funds", "amount": "50000", "currency": "EUR", "message": "We co-finance."})
    assert response.status_code == 409
    assert "This need was closed and takes no more offers." in response.get_data(as_text=True)
    with app.app_context(), session_scope(app) as session:
        assert session.exec(select(Offer)).all() == []

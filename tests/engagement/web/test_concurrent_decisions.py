"""Concurrent decisions through the web on PostgreSQL: 20 signed-in people, each with their own test client, press
the same button at the same moment (a barrier). Exactly one wins; every other one gets a 409 page saying what
happened; nobody gets a server error; and the stored state is what the one recorded decision says.

Row locks and concurrent transactions are what PostgreSQL is for (on SQLite writers queue on one lock anyway), so
these tests skip on SQLite; ``.ci/run`` requires PostgreSQL, so there they always run.
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from decimal import Decimal

import pytest
from sqlmodel import Session, create_engine, select

from tests.factories import PASSWORD
from tests.web_fixtures import sign_in
from tracker.accounts.models import User, UserAuthority
from tracker.core.db import session_scope
from tracker.core.errors import StateConflict
from tracker.core.models import OutboxMessage
from tracker.engagement.models import Need, Offer, OfferMessage, PartnerProfile, Partnership
from tracker.engagement.needs import set_need_status
from tracker.engagement.offers import OfferCreate, make_offer
from tracker.projects.models import FundingLine, ProjectParty

#: A moment as a refusal names it (Babel, English outside a request or in an English page).
MOMENT = r"\w{3} \d{1,2}, \d{4}, \d{1,2}:\d\d\W[AP]M UTC"

PEOPLE = 20


@pytest.fixture
def postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("concurrent decisions need PostgreSQL's row locks and concurrent transactions")


def _people(app, world, role: str, count: int = PEOPLE) -> list[User]:
    """``count`` more planners of Derhachi (or admins), sharing one password hash (hashing 20 is slow)."""
    with app.app_context(), session_scope(app) as session:
        password_hash = session.get(User, world.admin.id).password_hash
        people = [User(email=f"{role}{i:02d}@test.ua", name=f"{role.capitalize()} {i:02d}", role=role,
                       password_hash=password_hash) for i in range(count)]
        session.add_all(people)
        session.flush()
        if role == "planner":
            session.add_all(UserAuthority(user_id=user.id, authority_id=world.derhachi_hromada.id)
                            for user in people)
    return people


def _signed_in(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    client.get("/lang/en")
    response = sign_in(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _race(calls) -> list[tuple[int, str]]:
    """Run every call in its own thread, all released at once; their (status, page) answers in order.

    An exception raised in a view reaches the test client (the app is TESTING), so a server error fails here.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=60)
            response = call()
            results[index] = (response.status_code, response.get_data(as_text=True))
        except BaseException as error:  # noqa: BLE001 - reported below, with the others
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a request never finished (a lock never released?)"
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == [], f"server errors: {errors!r}"
    assert not any(status >= 500 for status, _page in results)
    return results


def _one_winner(results, loser_status: int = 409) -> int:
    counts = Counter(status for status, _page in results)
    assert counts == {302: 1, loser_status: len(results) - 1}, counts
    return next(i for i, (status, _page) in enumerate(results) if status == 302)


def _alert(page: str) -> str:
    """The refusal shown on the page (the flashed message)."""
    found = re.findall(r'<p class="flash flash-error"[^>]*>(.*?)</p>', page, re.S)
    assert len(found) == 1, page
    return found[0].replace("&#39;", "'")


def _pending_offer(app, eng) -> int:
    with app.app_context(), session_scope(app) as session:
        profile = session.get(PartnerProfile, eng["lyon"].id)
        return make_offer(session=session, need=session.get(Need, eng["need"].id), profile=profile,
                          user=session.get(User, profile.user_id), rate_limit=10,
                          data=OfferCreate(kind="funds", message="We co-finance.", amount=Decimal("50000"))).id


def _offer_state(app, world, offer_id: int):
    with app.app_context(), session_scope(app) as session:
        offer = session.get(Offer, offer_id)
        need = session.get(Need, offer.need_id)
        partnerships = session.exec(select(Partnership).where(Partnership.offer_id == offer_id)).all()
        lines = session.exec(select(FundingLine).where(FundingLine.project_id == world.clinic.id)).all()
        parties = session.exec(select(ProjectParty).where(ProjectParty.project_id == world.clinic.id)).all()
        notes = session.exec(select(OfferMessage).where(OfferMessage.offer_id == offer_id)).all()
        mails = [m for m in session.exec(select(OutboxMessage))
                 if m.recipient == "partner@lyon-test.eu" and f"/offers/{offer_id}" in m.body]
        return dict(status=offer.status, answered_by=offer.answered_by_id, need=need.status,
                    partnerships=len(partnerships), lines=[(line.amount_committed, line.note) for line in lines],
                    parties=len(parties), notes=[(n.author_id, n.body) for n in notes], mails=len(mails))


def test_twenty_planners_accept_one_offer_one_wins(postgresql_only, app, world, eng):
    offer_id = _pending_offer(app, eng)
    planners = _people(app, world, "planner")
    clients = [_signed_in(app, planner.email) for planner in planners]
    results = _race([lambda c=c, i=i: c.post(f"/offers/{offer_id}/accept", data={
        "role": "co_financer", "close_need": "y", "note": f"Accepted by {i}"}) for i, c in enumerate(clients)])
    winner = planners[_one_winner(results)]
    state = _offer_state(app, world, offer_id)
    assert state == dict(status="accepted", answered_by=winner.id, need="fulfilled", partnerships=1,
                         lines=[(Decimal("50000.00"), state["lines"][0][1])], parties=1,
                         notes=[(winner.id, f"Accepted by {planners.index(winner)}")], mails=1)
    assert state["lines"][0][1].startswith(f"Offer #{offer_id}:")
    for status, page in results:
        if status == 409:
            assert re.fullmatch(rf"The offer was already accepted by {winner.name} at {MOMENT}\.",
                                _alert(page))


def test_ten_accept_and_ten_decline_at_once_one_decision_stands(postgresql_only, app, world, eng):
    offer_id = _pending_offer(app, eng)
    planners = _people(app, world, "planner")
    clients = [_signed_in(app, planner.email) for planner in planners]
    actions = ["accept" if i % 2 == 0 else "decline" for i in range(PEOPLE)]
    results = _race([lambda c=c, a=a: c.post(f"/offers/{offer_id}/{a}", data={"role": "co_financer",
                                                                               "close_need": "y"})
                     for c, a in zip(clients, actions, strict=True)])
    index = _one_winner(results)
    winner, decision = planners[index], {"accept": "accepted", "decline": "declined"}[actions[index]]
    state = _offer_state(app, world, offer_id)
    assert (state["status"], state["answered_by"], state["mails"]) == (decision, winner.id, 1)
    if decision == "accepted":
        assert (state["partnerships"], len(state["lines"]), state["parties"], state["need"]) == (1, 1, 1, "fulfilled")
    else:
        assert (state["partnerships"], state["lines"], state["parties"], state["need"]) == (0, [], 0, "open")
    for status, page in results:
        if status == 409:
            assert f"The offer was already {decision} by {winner.name} at" in _alert(page)


def test_the_partner_withdraws_while_planners_accept(postgresql_only, app, world, eng):
    offer_id = _pending_offer(app, eng)
    planners = _people(app, world, "planner", PEOPLE - 1)
    clients = [_signed_in(app, planner.email) for planner in planners]
    partner = _signed_in(app, "partner@lyon-test.eu", "partner-password-1")
    calls = [lambda c=c: c.post(f"/offers/{offer_id}/accept", data={"role": "co_financer"}) for c in clients]
    calls.insert(PEOPLE // 2, lambda: partner.post(f"/offers/{offer_id}/withdraw",
                                                                   data={"confirmed": "yes"}))
    results = _race(calls)
    index = _one_winner(results)
    state = _offer_state(app, world, offer_id)
    if index == PEOPLE // 2:
        assert (state["status"], state["partnerships"], state["lines"]) == ("withdrawn", 0, [])
        expected = "The partner withdrew this offer at"
    else:
        assert (state["status"], state["partnerships"], len(state["lines"])) == ("accepted", 1, 1)
        expected = f"The offer was already accepted by {planners[index - (index > PEOPLE // 2)].name} at"
    assert all(expected in _alert(page) for status, page in results if status == 409)


def test_twenty_admins_confirm_one_partner_one_wins(postgresql_only, app, world, eng):
    admins = _people(app, world, "admin")
    clients = [_signed_in(app, admin.email) for admin in admins]
    gdynia = eng["gdynia"].id
    results = _race([lambda c=c: c.post(f"/manage/partners/{gdynia}/confirm") for c in clients])
    winner = admins[_one_winner(results)]
    with app.app_context(), session_scope(app) as session:
        profile = session.get(PartnerProfile, gdynia)
        assert profile.confirmed_by_id == winner.id
        mails = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "partner@gdynia-test.eu")).all()
        assert len(mails) == 1
    for status, page in results:
        if status == 409:
            assert f"The partner was already confirmed by {winner.name} at" in _alert(page)
            assert "Partners to confirm" in page


@pytest.mark.parametrize(("what", "path", "message"), [
    ("need", "/needs/{need}/hide", "Another administrator already hid this need."),
    ("offer", "/offers/{offer}/hide", "Another administrator already hid this offer."),
    ("partner", "/manage/partners/{partner}/hide", "Another administrator already hid this partner."),
])
def test_twenty_admins_hide_at_once_one_hides(postgresql_only, app, world, eng, what, path, message):
    offer_id = _pending_offer(app, eng)
    admins = _people(app, world, "admin")
    clients = [_signed_in(app, admin.email) for admin in admins]
    url = path.format(need=eng["need"].id, offer=offer_id, partner=eng["lyon"].id)
    results = _race([lambda c=c: c.post(url) for c in clients])
    _one_winner(results)
    assert all(_alert(page) == message for status, page in results if status == 409)
    with app.app_context(), session_scope(app) as session:
        row = {"need": (Need, eng["need"].id), "offer": (Offer, offer_id), "partner": (PartnerProfile,
                                                                                        eng["lyon"].id)}[what]
        assert session.get(*row).is_hidden is True


def test_a_double_submitted_offer_makes_one_offer(postgresql_only, app, world, eng):
    """The same partner sends its offer from 20 tabs at once: one offer, the others told it already has one."""
    clients = [_signed_in(app, "partner@lyon-test.eu", "partner-password-1") for _ in range(PEOPLE)]
    data = {"kind": "funds", "amount": "50000", "currency": "EUR", "message": "We co-finance."}
    results = _race([lambda c=c: c.post(f"/needs/{eng['need'].id}/offer", data=data) for c in clients])
    _one_winner(results, loser_status=422)
    assert all("already have an open offer" in page for status, page in results if status == 422)
    with app.app_context(), session_scope(app) as session:
        assert len(session.exec(select(Offer)).all()) == 1


def test_twenty_closings_of_one_need_one_closes(postgresql_only, database_url, app, world, eng):
    """No page closes a need yet; the service is raced with 20 sessions of their own, each holding a
    connection (the app's pool has fewer) with the need loaded before they all go."""
    engine = create_engine(database_url, pool_size=PEOPLE)
    barrier = threading.Barrier(PEOPLE)
    outcomes: list = [None] * PEOPLE

    def close(index):
        with Session(engine, expire_on_commit=False) as session:
            try:
                need = session.get(Need, eng["need"].id)
                barrier.wait(timeout=60)
                set_need_status(session=session, need=need, status="closed")
                session.commit()
                outcomes[index] = "closed"
            except StateConflict as conflict:
                session.rollback()
                outcomes[index] = (conflict.http_status, conflict.message)
            except BaseException as error:  # noqa: BLE001 - reported below
                outcomes[index] = error

    threads = [threading.Thread(target=close, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    engine.dispose()
    assert Counter(map(str, outcomes)) == {
        "closed": 1, str((409, "The need was already closed; reopen it first.")): PEOPLE - 1}
    with app.app_context(), session_scope(app) as check:
        assert check.get(Need, eng["need"].id).status == "closed"


def test_twenty_follow_requests_for_one_address_make_one_follower(postgresql_only, app, world):
    """A double click times twenty: one follower row, no server error (no unique violation reaches anyone).

    What serialises them today: each request's first write (its rate-limit event) takes the audit trail's head
    lock, so every check for an existing follower runs after the previous request committed.
    """
    from tracker.engagement.models import ProjectFollower

    app.config["RATE_LIMIT_FOLLOWS_PER_HOUR"] = 1000
    clients = [app.test_client() for _ in range(PEOPLE)]
    results = _race([lambda c=c: c.post(f"/projects/{world.clinic.reference}/follow",
                                         data={"email": "me@example.org"}) for c in clients])
    assert Counter(status for status, _page in results) == {302: PEOPLE}
    with app.app_context(), session_scope(app) as session:
        assert len(session.exec(select(ProjectFollower)).all()) == 1


def test_twenty_registrations_with_one_address_make_one_account(postgresql_only, app, world):
    """Twenty partners register with one address at once: one account, the others 422 naming the address (as
    for the follows, the audit trail's head lock taken by the first write orders the e-mail checks)."""
    from tracker.engagement.models import PartnerProfile as Profile

    app.config["RATE_LIMIT_REGISTRATIONS_PER_HOUR"] = 1000
    form = {"email": "p@graz-test.eu", "contact_name": "Anna", "password": "partner-password-1",
            "password_again": "partner-password-1", "organisation_name": "Stadt Graz", "kind": "eu_city",
            "country": "AT", "languages": ["de", "en"], "help_kinds": ["expertise"]}
    clients = [app.test_client() for _ in range(PEOPLE)]
    for client in clients:
        client.get("/lang/en")
    results = _race([lambda c=c: c.post("/partners/register", data=form) for c in clients])
    _one_winner(results, loser_status=422)
    assert all("already exists" in page for status, page in results if status == 422)
    with app.app_context(), session_scope(app) as session:
        assert len(session.exec(select(User).where(User.email == "p@graz-test.eu")).all()) == 1
        assert len(session.exec(select(Profile)).all()) == 1

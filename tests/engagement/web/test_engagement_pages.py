"""The engagement pages through the test client: permissions, validation, abuse controls, fixed queries."""
from __future__ import annotations

from sqlalchemy import event
from sqlmodel import select

from tracker.core.db import get_engine, session_scope
from tracker.engagement.models import Need, Offer, PartnerProfile, Partnership, ProjectFollower
from tracker.projects.models import FundingLine

OFFER = {"kind": "funds", "amount": "50000", "currency": "EUR", "message": "We co-finance the equipment."}


def _rows(app, model):
    with app.app_context(), session_scope(app) as session:
        return session.exec(select(model)).all()


def test_needs_board_is_public_and_filterable(client, eng):
    client.get("/lang/en")
    page = client.get("/needs?help_kind=funds&q=equipment")
    assert page.status_code == 200 and "Clinic equipment" in page.get_data(as_text=True)
    assert "Clinic equipment" not in client.get("/needs?help_kind=expertise").get_data(as_text=True)
    assert client.get(f"/needs/{eng['need'].id}").status_code == 200


def test_unconfirmed_partner_cannot_offer(app, client, eng, partner_login):
    partner_login("partner@gdynia-test.eu")
    need_id = eng["need"].id
    assert client.get(f"/needs/{need_id}/offer").status_code == 403
    assert client.post(f"/needs/{need_id}/offer", data=OFFER).status_code == 403
    assert _rows(app, Offer) == []


def test_confirmed_partner_offers_and_sees_only_its_own_threads(app, client, eng, partner_login, login, world):
    partner_login("partner@lyon-test.eu")
    response = client.post(f"/needs/{eng['need'].id}/offer", data=OFFER)
    assert response.status_code == 302
    offer_id = _rows(app, Offer)[0].id
    assert client.get(f"/offers/{offer_id}").status_code == 200
    client.post("/logout")
    with app.app_context(), session_scope(app) as session:
        from tracker.accounts.models import User
        from tracker.engagement.partners import confirm_partner

        gdynia = session.get(PartnerProfile, eng["gdynia"].id)
        confirm_partner(session=session, profile=gdynia, admin=session.get(User, world.admin.id))
    partner_login("partner@gdynia-test.eu")
    assert client.get(f"/offers/{offer_id}").status_code == 404
    assert client.post(f"/offers/{offer_id}/messages", data={"body": "hi"}).status_code == 404
    assert client.post(f"/offers/{offer_id}/accept", data={"role": "co_financer"}).status_code == 403
    assert f"/offers/{offer_id}" not in client.get("/offers").get_data(as_text=True)


def test_invalid_offer_is_422(client, eng, partner_login):
    partner_login("partner@lyon-test.eu")
    assert client.post(f"/needs/{eng['need'].id}/offer", data={"kind": "funds"}).status_code == 422
    assert client.post(f"/needs/{eng['need'].id}/offer", data={**OFFER, "amount": ""}).status_code == 422


def _make_offer(app, eng):
    from tracker.engagement.offers import OfferCreate, make_offer

    with app.app_context(), session_scope(app) as session:
        from tracker.accounts.models import User

        profile = session.get(PartnerProfile, eng["lyon"].id)
        need = session.get(Need, eng["need"].id)
        from decimal import Decimal

        return make_offer(session=session, need=need, profile=profile, user=session.get(User, profile.user_id),
                          data=OfferCreate(kind="funds", message="Offer", amount=Decimal("50000")),
                          rate_limit=10).id


def test_planner_answers_only_for_own_authorities(app, client, eng, login, world):
    offer_id = _make_offer(app, eng)
    login(world.irpin_planner)
    assert client.get(f"/offers/{offer_id}").status_code == 404
    assert client.post(f"/offers/{offer_id}/accept", data={"role": "co_financer"}).status_code == 404
    client.post("/logout")
    login(world.derhachi_planner)
    assert client.get(f"/offers/{offer_id}").status_code == 200
    response = client.post(f"/offers/{offer_id}/accept", data={"role": "co_financer", "close_need": "y"})
    assert response.status_code == 302
    assert [p.role for p in _rows(app, Partnership)] == ["co_financer"]
    assert [line.source for line in _rows(app, FundingLine) if line.project_id == world.clinic.id] == ["eu"]
    client.get("/lang/en")
    page = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "Ville de Lyon" in page or "City of Lyon" in page


def test_auditor_reads_threads_but_cannot_answer(app, client, eng, login, world):
    offer_id = _make_offer(app, eng)
    login(world.auditor)
    assert client.get(f"/offers/{offer_id}").status_code == 200
    assert client.post(f"/offers/{offer_id}/accept", data={"role": "co_financer"}).status_code == 403


def test_planner_cannot_publish_needs_outside_scope(app, client, world, login):
    login(world.irpin_planner)
    data = {"authority_id": world.derhachi_hromada.id, "project_id": world.clinic.id, "help_kind": "funds",
            "title_uk": "Чужа потреба", "currency": "EUR"}
    assert client.post("/manage/needs/new", data=data).status_code == 422
    assert _rows(app, Need) == []
    data.update(authority_id=world.irpin_hromada.id, project_id=world.bridge.id)
    assert client.post("/manage/needs/new", data=data).status_code == 302
    assert [n.title_uk for n in _rows(app, Need)] == ["Чужа потреба"]


def test_partner_registration_validates_and_is_rate_limited(app, client):
    app.config["RATE_LIMIT_REGISTRATIONS_PER_HOUR"] = 2
    form = {"organisation_name": "Stadt Graz", "kind": "eu_city", "country": "AT", "contact_name": "Eva",
            "password": "long-enough-pw", "password_again": "long-enough-pw", "languages": ["de", "en"],
            "help_kinds": ["expertise"], "sectors": ["energy"]}
    assert client.post("/partners/register", data={**form, "email": "bad"}).status_code == 422
    donor = {**form, "email": "a@graz-test.eu", "kind": "donor"}
    assert client.post("/partners/register", data=donor).status_code == 422
    for i in range(2):
        response = client.post("/partners/register", data={**form, "email": f"p{i}@graz-test.eu"})
        assert response.status_code == 302
        client.post("/logout")
    assert client.post("/partners/register", data={**form, "email": "p9@graz-test.eu"}).status_code == 429
    assert len(_rows(app, PartnerProfile)) == 2
    assert all(p.confirmed_at is None for p in _rows(app, PartnerProfile))


def test_repeated_offers_are_rate_limited(app, client, eng, partner_login, world):
    app.config["RATE_LIMIT_OFFERS_PER_HOUR"] = 1
    from tests.engagement.services.conftest import clinic_need

    with app.app_context(), session_scope(app) as session:
        second = clinic_need(session, world, title_uk="Друга").id
    partner_login("partner@lyon-test.eu")
    assert client.post(f"/needs/{eng['need'].id}/offer", data=OFFER).status_code == 302
    assert client.post(f"/needs/{second}/offer", data=OFFER).status_code == 429
    assert len(_rows(app, Offer)) == 1


def test_admin_hides_a_need_an_offer_and_a_partner(app, client, eng, login, world, partner_login):
    offer_id = _make_offer(app, eng)
    login(world.admin)
    need_id = eng["need"].id
    assert client.post(f"/needs/{need_id}/hide").status_code == 302
    assert client.post(f"/offers/{offer_id}/hide").status_code == 302
    assert client.post(f"/manage/partners/{eng['lyon'].id}/hide").status_code == 302
    client.post("/logout")
    client.get("/lang/en")
    assert "Clinic equipment" not in client.get("/needs").get_data(as_text=True)
    assert client.get(f"/needs/{need_id}").status_code == 404
    assert client.get(f"/partners/{eng['lyon'].id}").status_code == 404
    partner_login("partner@lyon-test.eu")
    assert client.get(f"/offers/{offer_id}").status_code == 404


def test_admin_confirms_partners(app, client, eng, login, world):
    login(world.admin)
    assert client.get("/manage/partners").status_code == 200
    assert client.post(f"/manage/partners/{eng['gdynia'].id}/confirm").status_code == 302
    assert all(p.confirmed_at is not None for p in _rows(app, PartnerProfile))


def test_planner_cannot_confirm_partners(client, eng, login, world):
    login(world.derhachi_planner)
    assert client.post(f"/manage/partners/{eng['gdynia'].id}/confirm").status_code == 403


def test_matches_for_a_partner(client, eng, partner_login):
    partner_login("partner@lyon-test.eu")
    client.get("/lang/en")
    page = client.get("/partners/matches")
    assert page.status_code == 200 and "Clinic equipment" in page.get_data(as_text=True)


def test_follow_flow(app, client, world):
    response = client.post(f"/projects/{world.clinic.reference}/follow", data={"email": "me@example.org"})
    assert response.status_code == 302
    assert client.post(f"/projects/{world.draft.reference}/follow", data={"email": "me@example.org"}).status_code == 404
    assert client.post(f"/projects/{world.clinic.reference}/follow", data={"email": "nope"}).status_code == 422
    from tracker.core.models import OutboxMessage

    body = _rows(app, OutboxMessage)[0].body
    path = "/follow/confirm/" + body.split("/follow/confirm/")[1].split()[0]
    assert client.get(path).status_code == 200
    assert client.get(path + "x").status_code == 400
    follower = _rows(app, ProjectFollower)[0]
    assert follower.confirmed_at is not None
    assert client.post(f"/follow/stop/{follower.unsubscribe_token}").status_code == 200
    assert _rows(app, ProjectFollower) == []


def test_needs_board_query_count_does_not_grow(app, client, world):
    from tests.engagement.services.conftest import clinic_need

    def count_queries(path):
        statements = []
        engine = get_engine(app)
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    with app.app_context(), session_scope(app) as session:
        clinic_need(session, world, title_uk="1")
    few = count_queries("/needs"), count_queries("/partnerships"), count_queries("/partners")
    with app.app_context(), session_scope(app) as session:
        for i in range(6):
            clinic_need(session, world, title_uk=f"n{i}")
    assert (count_queries("/needs"), count_queries("/partnerships"), count_queries("/partners")) == few

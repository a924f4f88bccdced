"""Partners register and are confirmed; offers are made, answered and accepted into partnerships."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from tests.engagement.services.conftest import clinic_need, register
from tracker.core.errors import PermissionDenied, ServiceError
from tracker.core.models import OutboxMessage
from tracker.engagement import offers
from tracker.engagement.models import OfferMessage, Partnership, PartnershipMember
from tracker.engagement.needs import NeedCreate, create_need
from tracker.engagement.offers import OfferCreate, accept_offer, decline_offer, make_offer, post_message
from tracker.engagement.rate_limits import RateLimited
from tracker.projects.models import FundingLine, ProjectParty


def _user(session, profile):
    from tracker.accounts.models import User

    return session.get(User, profile.user_id)


def _offer(session, need, profile, **overrides):
    values = dict(kind="funds", message="We can co-finance the equipment.", amount=Decimal("50000"),
                  currency="EUR")
    values.update(overrides)
    return make_offer(session=session, need=need, profile=profile, user=_user(session, profile),
                      data=OfferCreate(**values), rate_limit=overrides.pop("rate_limit", 10))


def test_unconfirmed_partner_cannot_offer(session, world):
    profile = register(session)
    need = clinic_need(session, world)
    with pytest.raises(PermissionDenied):
        _offer(session, need, profile)


def test_hidden_partner_cannot_offer(session, world):
    from tracker.engagement.partners import set_partner_hidden

    profile = register(session, confirm_by=world.admin)
    set_partner_hidden(session=session, profile=profile, hidden=True)
    with pytest.raises(PermissionDenied):
        _offer(session, clinic_need(session, world), profile)


def test_registration_notifies_admins_and_confirmation_the_partner(session, world):
    register(session, confirm_by=world.admin)
    recipients = [m.recipient for m in session.exec(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert recipients == [world.admin.email, "partner@lyon-test.eu"]


def test_offer_reaches_the_planners_of_the_authority(session, world):
    profile = register(session, confirm_by=world.admin)
    offer = _offer(session, clinic_need(session, world), profile)
    outbox = session.exec(select(OutboxMessage).where(OutboxMessage.body.contains(f"/offers/{offer.id}"))).all()
    # The Derhachi planner and the Kharkiv oblast planner above it; not the Irpin planner.
    assert sorted(m.recipient for m in outbox) == sorted([world.derhachi_planner.email, world.kharkiv_planner.email])


def test_accepting_money_creates_partnership_party_and_funding_line(session, world):
    profile = register(session, confirm_by=world.admin)
    need = clinic_need(session, world)
    offer = _offer(session, need, profile)
    partnership = accept_offer(session=session, offer=offer, actor=world.derhachi_planner, note="Thank you!")
    session.commit()
    assert offer.status == "accepted" and need.status == "fulfilled"
    assert partnership.role == "co_financer" and partnership.project_id == world.clinic.id
    members = session.exec(select(PartnershipMember).where(PartnershipMember.partnership_id == partnership.id)).all()
    assert {m.organisation_id for m in members} - {None} == {profile.organisation_id}
    assert {m.authority_id for m in members} - {None} == {world.derhachi_hromada.id}
    party = session.exec(select(ProjectParty).where(ProjectParty.project_id == world.clinic.id)).one()
    assert (party.role, party.organisation_id) == ("co_financer", profile.organisation_id)
    line = session.exec(select(FundingLine).where(FundingLine.project_id == world.clinic.id)).one()
    assert (line.source, line.amount_committed, line.currency) == ("eu", Decimal("50000.00"), "EUR")
    assert line.financier_organisation_id == profile.organisation_id
    assert session.exec(select(OfferMessage.body).where(OfferMessage.offer_id == offer.id)).all() == ["Thank you!"]


def test_expertise_from_outside_the_eu_is_technical_assistance_without_money(session, world):
    profile = register(session, email="partner@oslo-test.no", country="NO", organisation_name="Oslo kommune",
                       confirm_by=world.admin)
    offer = _offer(session, clinic_need(session, world), profile, kind="expertise", amount=None, effort_days=20)
    partnership = accept_offer(session=session, offer=offer, actor=world.admin)
    assert partnership.role == "technical_assistance"
    assert session.exec(select(FundingLine).where(FundingLine.project_id == world.clinic.id)).all() == []


def test_offer_cannot_be_answered_twice(session, world):
    profile = register(session, confirm_by=world.admin)
    offer = _offer(session, clinic_need(session, world), profile)
    decline_offer(session=session, offer=offer, actor=world.derhachi_planner)
    with pytest.raises(ServiceError, match="already declined"):
        accept_offer(session=session, offer=offer, actor=world.derhachi_planner)


def test_thread_messages_go_to_the_other_side(session, world):
    profile = register(session, confirm_by=world.admin)
    offer = _offer(session, clinic_need(session, world), profile)
    post_message(session=session, offer=offer, author=world.derhachi_planner, body="Which equipment exactly?")
    post_message(session=session, offer=offer, author=_user(session, profile), body="X-ray machines.")
    thread = offers.offer_thread(session=session, offer=offer)
    assert [body for body in (m.body for m, _n, _r in thread.messages)] == ["Which equipment exactly?",
                                                                         "X-ray machines."]
    question = session.exec(select(OutboxMessage).where(OutboxMessage.body.contains("Which equipment"))).all()
    assert [m.recipient for m in question] == ["partner@lyon-test.eu"]
    answer = session.exec(select(OutboxMessage).where(OutboxMessage.body.contains("X-ray"))).all()
    assert sorted(m.recipient for m in answer) == sorted([world.derhachi_planner.email, world.kharkiv_planner.email])


def test_repeated_offers_are_rate_limited(session, world):
    profile = register(session, confirm_by=world.admin)
    needs = [clinic_need(session, world, title_uk=f"Потреба {i}") for i in range(3)]
    for need in needs[:2]:
        make_offer(session=session, need=need, profile=profile, user=_user(session, profile), rate_limit=2,
                   data=OfferCreate(kind="expertise", message="Yes"))
    with pytest.raises(RateLimited):
        make_offer(session=session, need=needs[2], profile=profile, user=_user(session, profile), rate_limit=2,
                   data=OfferCreate(kind="expertise", message="Yes"))


def test_a_second_open_offer_on_the_same_need_is_refused(session, world):
    profile = register(session, confirm_by=world.admin)
    need = clinic_need(session, world)
    _offer(session, need, profile)
    with pytest.raises(ServiceError, match="already have an open offer"):
        _offer(session, need, profile)


def test_registrations_are_rate_limited_by_address(session, world):
    from tests.engagement.services.conftest import registration
    from tracker.engagement.partners import register_partner

    for i in range(2):
        register_partner(session=session, registration=registration(f"p{i}@eu-test.eu"), rate_key="10.0.0.1",
                         rate_limit=2)
    with pytest.raises(RateLimited):
        register_partner(session=session, registration=registration("p3@eu-test.eu"), rate_key="10.0.0.1",
                         rate_limit=2)
    register_partner(session=session, registration=registration("p4@eu-test.eu"), rate_key="10.0.0.2", rate_limit=2)


def test_needs_only_for_public_projects_in_open_stages(session, world):
    data = NeedCreate(help_kind="expertise", title_uk="Потреба")
    with pytest.raises(ServiceError, match="publish the project"):
        create_need(session=session, authority=world.derhachi_hromada, project=world.draft,
                    actor=world.admin, data=data)
    with pytest.raises(ServiceError, match="another authority"):
        create_need(session=session, authority=world.derhachi_hromada, project=world.school,
                    actor=world.admin, data=data)
    with pytest.raises(ServiceError, match="project or for a capacity"):
        create_need(session=session, authority=world.derhachi_hromada, actor=world.admin, data=data)
    world.clinic.stage = "implementation"
    with pytest.raises(ServiceError, match="needs assessment or planning"):
        create_need(session=session, authority=world.derhachi_hromada, project=world.clinic,
                    actor=world.admin, data=data)
    capacity = create_need(session=session, authority=world.derhachi_hromada, actor=world.admin,
                           data=NeedCreate(help_kind="peer_exchange", title_uk="Е-урядування",
                                           capacity_area="e_government"))
    assert capacity.project_id is None and capacity.status == "open"


def test_partnership_cluster(session, world):
    from tracker.core.models import Organisation
    from tracker.engagement.partnerships import add_activity, create_partnership, summaries

    lyon = register(session, confirm_by=world.admin)
    oslo = register(session, email="p@oslo-test.no", country="NO", organisation_name="Oslo", confirm_by=world.admin)
    orgs = [session.get(Organisation, p.organisation_id) for p in (lyon, oslo)]
    with pytest.raises(ServiceError, match="choose a cluster"):
        create_partnership(session=session, name="X", kind="one_to_one", role="twinning_partner",
                           organisations=orgs, authorities=[world.derhachi_hromada], actor=world.admin)
    cluster = create_partnership(session=session, name="Cluster", kind="cluster", role="twinning_partner",
                                 organisations=orgs, authorities=[world.derhachi_hromada, world.kharkiv_hromada],
                                 actor=world.admin, project=world.clinic)
    from datetime import date

    add_activity(session=session, partnership=cluster, kind="training", title="Procurement training",
                 held_on=date(2025, 3, 1), actor=world.admin, participants=12)
    found = summaries(session=session, authority=world.kharkiv_oblast)
    assert [s.partnership.name for s in found] == ["Cluster"]
    assert (len(found[0].organisations), len(found[0].authorities), found[0].activity_count) == (2, 2, 1)
    assert summaries(session=session, authority=world.kyiv_oblast) == []
    assert session.exec(select(Partnership)).all() == [cluster]

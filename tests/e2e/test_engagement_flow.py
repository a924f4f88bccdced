"""An EU partner registers, is confirmed, offers funds; the hromada planner accepts; everyone hears by e-mail."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.engagement.services.conftest import clinic_need
from tests.engagement.services.smtp import running_smtp_server
from tests.factories import PASSWORD
from tracker.core.db import session_scope

PARTNER_EMAIL = "europe@lyon-test.eu"
PARTNER_PASSWORD = "lyon-partner-pass"


@pytest.fixture
def smtp(live_app):
    """A real SMTP server the served app delivers to."""
    app, _world = live_app
    with running_smtp_server() as (inbox, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="vidnova@test.invalid")
        yield inbox


@pytest.fixture
def need(live_app):
    app, world = live_app
    with app.app_context(), session_scope(app) as session:
        return clinic_need(session, world, title_en="Equipment for the outpatient clinic")


def _english(browser, base):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/lang/en")
    return context, page


def _sign_in(page, base, email, password):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in")


def test_partner_offer_accepted_and_published(server, browser, smtp, need):
    base, world = server
    partner_context, partner = _english(browser, base)
    # 1. The partner registers through the public form (CSRF on, as in production).
    partner.goto(base + "/partners/register")
    partner.get_by_label("Organisation (name in its own language)").fill("Ville de Lyon")
    partner.get_by_label("Organisation (name in English)").fill("City of Lyon")
    partner.get_by_label("Country").select_option("FR")
    partner.get_by_label("Your name").fill("Claire Martin")
    partner.get_by_label("E-mail").fill(PARTNER_EMAIL)
    partner.get_by_label("Password", exact=True).fill(PARTNER_PASSWORD)
    partner.get_by_label("Password again").fill(PARTNER_PASSWORD)
    partner.get_by_role("group", name="Working languages").get_by_label("French").check()
    partner.get_by_role("group", name="Working languages").get_by_label("English").check()
    partner.get_by_role("group", name="Sectors of experience").get_by_label("Health").check()
    partner.get_by_role("group", name="Help you can give").get_by_label("Funds").check()
    partner.get_by_role("button", name="Register").click()
    expect(partner.get_by_role("heading", level=1)).to_have_text("City of Lyon")
    expect(partner.get_by_text("awaiting confirmation").first).to_be_visible()
    # Unconfirmed: the need page offers no way to make an offer, and the offer page is refused.
    assert partner.goto(f"{base}/needs/{need.id}/offer").status == 403

    # 2. An admin confirms the partner.
    admin_context, admin = _english(browser, base)
    _sign_in(admin, base, world.admin.email, PASSWORD)
    admin.goto(base + "/manage/partners")
    admin.get_by_role("button", name="Confirm Ville de Lyon").click()
    expect(admin.get_by_role("status")).to_contain_text("Partner confirmed")

    # 3. The partner finds the need on the board and makes an offer.
    partner.goto(base + "/needs")
    partner.get_by_label("Search").fill("outpatient")
    partner.get_by_role("button", name="Show").click()
    partner.get_by_role("link", name="Equipment for the outpatient clinic").click()
    partner.get_by_role("link", name="Make an offer").click()
    partner.get_by_label("Amount").fill("50000")
    partner.get_by_label("Message").fill("Lyon co-finances the diagnostic equipment.")
    partner.get_by_role("button", name="Send the offer").click()
    expect(partner.get_by_role("status")).to_contain_text("Your offer was sent")

    # 4. The Derhachi planner accepts it.
    planner_context, planner = _english(browser, base)
    _sign_in(planner, base, world.derhachi_planner.email, PASSWORD)
    planner.goto(base + "/offers")
    planner.get_by_role("link", name="Equipment for the outpatient clinic").click()
    expect(planner.get_by_label("The partner's role")).to_have_value("co_financer")
    planner.get_by_label("Note to the partner").fill("Thank you, Lyon!")
    planner.get_by_role("button", name="Accept the offer").click()
    expect(planner.get_by_role("status")).to_contain_text("Offer accepted")

    # 5. The public project page shows the partnership and the funding line.
    public_context, public = _english(browser, base)
    public.goto(f"{base}/projects/{world.clinic.reference}")
    engagement = public.get_by_role("region", name="EU partners and needs")
    expect(engagement.get_by_role("link", name=re.compile("Ville de Lyon"))).to_be_visible()
    funding = public.get_by_role("region", name="Funding")
    expect(funding.get_by_role("row", name=re.compile("City of Lyon"))).to_contain_text("EUR\u00a050,000.00")
    expect(public.get_by_role("region", name="Partners and parties")).to_contain_text("Co-financer")

    # 6. The e-mails arrived at the local SMTP server.
    assert len(smtp.to(world.admin.email)) == 1  # a partner to confirm
    partner_mail = [str(m["Subject"]) for m in smtp.to(PARTNER_EMAIL)]
    assert partner_mail == ["Your partner account is confirmed",
                            "Your offer on \"Equipment for the outpatient clinic\" was accepted"]
    for planner_email in (world.derhachi_planner.email, world.kharkiv_planner.email):
        assert any("New offer" in str(m["Subject"]) or "Нова пропозиція" in str(m["Subject"])
                   for m in smtp.to(planner_email))
    assert "Thank you, Lyon!" in smtp.to(PARTNER_EMAIL)[-1].get_content()
    for context in (partner_context, admin_context, planner_context, public_context):
        context.close()

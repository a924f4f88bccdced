"""A citizen's complaint with a photo, end to end in Chromium: submitted without an account, confirmed by the link
from a real e-mail, published by a moderator, answered by the planner; the citizen receives the answer, and the
project page serves the photo without its GPS metadata."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import violations
from tests.engagement.services.smtp import running_smtp_server
from tests.factories import PASSWORD
from tests.voice.conftest import add_moderator
from tests.voice.images import exif_of, photo_with_gps
from tracker.core.db import session_scope

CITIZEN = "citizen.e2e@example.org"


@pytest.fixture
def smtp(live_app):
    app, _world = live_app
    with running_smtp_server() as (inbox, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="vidnova@test.invalid")
        yield inbox


@pytest.fixture
def moderator(live_app):
    app, _world = live_app
    with app.app_context(), session_scope(app) as session:
        return add_moderator(session)


def _english(browser, base, bypass_csp=False):
    context = browser.new_context(locale="en-GB", bypass_csp=bypass_csp)  # bypass: lets the test inject axe
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/lang/en")
    return context, page


def _sign_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in")


def _wait_for(smtp, address, count, page):
    for _ in range(50):
        if len(smtp.to(address)) >= count:
            return smtp.to(address)
        page.wait_for_timeout(100)
    raise AssertionError(f"no e-mail number {count} for {address}: {smtp.subjects()}")


def test_complaint_with_photo_confirmed_published_answered(server, browser, smtp, moderator):
    base, world = server
    _context, citizen = _english(browser, base, bypass_csp=True)
    # 1. The citizen writes a complaint with a photo from the project page, without an account.
    citizen.goto(f"{base}/projects/{world.clinic.reference}")
    citizen.get_by_role("link", name="Ask, comment, complain or send photos").first.click()
    assert violations(citizen) == []
    citizen.get_by_label("What is it?").select_option("complaint")
    citizen.get_by_label("What is the complaint about?").select_option("suspected_corruption")
    citizen.get_by_label("Your text").fill("The new roof was paid for twice.")
    citizen.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        files=[{"name": "roof.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}])
    citizen.get_by_label("When was the photo taken?").select_option("during")
    citizen.get_by_label("Your e-mail (never shown)").fill(CITIZEN)
    citizen.get_by_role("button", name="Send").click()
    expect(citizen.get_by_role("status")).to_contain_text("Check your mailbox")

    # 2. The link from the e-mail confirms it.
    [confirmation] = _wait_for(smtp, CITIZEN, 1, citizen)
    link = re.search(r"https?://\S+/voice/confirm/\S+", confirmation.get_content()).group(0)
    citizen.goto(link)
    expect(citizen.get_by_role("heading", level=1)).to_contain_text("your message is confirmed")

    # 3. A moderator publishes it.
    _mod_context, mod = _english(browser, base)
    _sign_in(mod, base, moderator.email)
    mod.goto(base + "/manage/voice")
    expect(mod.get_by_text("The new roof was paid for twice.")).to_be_visible()
    mod.get_by_role("button", name="Publish").click()
    expect(mod.get_by_role("status")).to_contain_text("Published")

    # 4. The Derhachi planner answers in public.
    _planner_context, planner = _english(browser, base)
    _sign_in(planner, base, world.derhachi_planner.email)
    planner.goto(f"{base}/projects/{world.clinic.reference}")
    planner.get_by_role("region", name="Citizens' voice").get_by_role("link", name="Answer").click()
    planner.get_by_label("Public answer").fill("The double payment was referred to the auditors.")
    planner.get_by_role("button", name="Publish the answer").click()
    expect(planner.get_by_role("status")).to_contain_text("Your answer is published")

    # 5. The citizen receives the answer, and the page shows the complaint, the answer and the photo.
    answer = _wait_for(smtp, CITIZEN, 2, citizen)[-1]
    assert "referred to the auditors" in answer.get_content()
    citizen.goto(f"{base}/projects/{world.clinic.reference}")
    voice = citizen.get_by_role("region", name="Citizens' voice")
    expect(voice).to_contain_text("The new roof was paid for twice.")
    expect(voice).to_contain_text("The double payment was referred to the auditors.")
    full_size = voice.get_by_role("link").filter(has=citizen.get_by_role("img")).first.get_attribute("href")
    served = citizen.request.get(base + full_size)
    assert served.ok and served.headers["content-type"] == "image/jpeg"
    assert exif_of(served.body()) == {"gps": {}}  # no GPS, no camera, nothing but the picture
    assert CITIZEN not in citizen.content()
    assert violations(citizen) == []

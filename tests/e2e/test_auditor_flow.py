"""An auditor filters the portfolio, opens a project, marks a manual item, raises a finding and signs
the checklist off in a real browser; the planner then answers the finding."""
from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.audit.services.rule_set import write_rules
from tests.factories import PASSWORD, build_world
from tracker import create_app
from tracker.core.db import get_engine, session_scope


@pytest.fixture
def live_app(tmp_path, sqlite_template):
    """The app on a fresh SQLite copy with the test world and the audit tests' rule set, CSRF on."""
    database = tmp_path / "e2e.sqlite3"
    shutil.copy(sqlite_template, database)
    app = create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": "e2e-secret-key-long-enough",
                      "DATABASE_URL": f"sqlite:///{database}", "WTF_CSRF_ENABLED": True,
                      "RULES_DIR": str(write_rules(tmp_path / "rules")), "UPLOAD_FOLDER": str(tmp_path / "up")})
    with app.app_context(), session_scope(app) as session:
        world = build_world(session)
    yield app, world
    get_engine(app).dispose()


def _sign_in(page, base, email):
    page.goto(f"{base}/lang/en?next=/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status").first).to_contain_text("Signed in")


def test_auditor_reviews_and_planner_answers(server, page):
    base, world = server
    reference = world.school.reference
    _sign_in(page, base, world.auditor.email)

    # Filter the portfolio down to the Kharkiv oblast's education projects.
    page.get_by_role("link", name="Audit", exact=True).click()
    page.get_by_label("Authority and everything beneath it").select_option(str(world.kharkiv_oblast.id))
    page.get_by_label("Sector").select_option("education")
    page.get_by_role("button", name="Filter").click()
    table = page.locator("table.audit-portfolio")
    expect(table.get_by_role("link", name=reference)).to_be_visible()
    expect(table.get_by_role("link", name=world.bridge.reference)).to_have_count(0)
    table.get_by_role("link", name=reference).click()

    # Mark the manual item.
    item = page.get_by_role("region", name="A-VISIT A site visit confirms the works match the contract")
    expect(item).to_contain_text("Awaiting an auditor")
    item.get_by_label("Fails").check()
    item.get_by_label("Comment").fill("Site visit on 3 May: the roof is not the one contracted.")
    item.get_by_role("button", name="Save the mark").click()
    expect(page.get_by_role("status").first).to_contain_text("Checklist item A-VISIT marked")
    expect(page.get_by_role("region", name="A-VISIT A site visit confirms the works match the contract")
           ).to_contain_text("Failed")

    # Raise a finding.
    page.get_by_role("link", name="Raise a finding").last.click()
    page.get_by_label("Title").fill("Roof differs from the contract")
    page.get_by_label("Severity").select_option("high")
    page.get_by_label("OECD principle").select_option("P11")
    page.get_by_label("Description").fill("The installed roof is not the one in contract 14/2024.")
    page.get_by_label("Recommendation").fill("Have the contractor replace it or amend the contract.")
    page.get_by_label("Due date").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_label("Show in the public summary on the project page").check()
    page.get_by_role("button", name="Raise the finding").click()
    expect(page.get_by_role("status").first).to_contain_text("Finding raised")
    finding_url = page.url

    # Sign the checklist off.
    page.get_by_role("link", name="Checklist").click()
    page.get_by_label("Statement").fill("I visited the site and reviewed every item of this checklist.")
    page.get_by_role("button", name="Sign the checklist off").click()
    expect(page.get_by_role("status").first).to_contain_text("Checklist signed off")
    expect(page.locator("#signoffs")).to_contain_text("signed by auditor (Auditor)")
    expect(page.locator("#signoffs")).to_contain_text("Current")
    page.get_by_role("button", name="Sign out").click()

    # The planner answers the finding.
    _sign_in(page, base, world.kharkiv_planner.email)
    page.get_by_role("link", name="Findings", exact=True).first.click()
    page.get_by_role("link", name="Roof differs from the contract").click()
    assert page.url == finding_url
    page.get_by_label("Note").fill("The contractor replaces the roof by 30 June.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status").first).to_contain_text("Finding updated")
    expect(page.get_by_test_id("finding-status")).to_have_text("Answered")
    expect(page.get_by_role("button", name="Mark resolved")).to_have_count(0)

    # The public sees the published finding.
    page.goto(f"{base}/projects/{reference}")
    expect(page.get_by_role("region", name="Findings of the auditors")).to_contain_text(
        "Roof differs from the contract")

"""A planner signs in, lands on "my projects", and follows a failing rule from there to the field that fixes it."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.axe import violations
from tests.factories import PASSWORD


def test_a_planner_lands_on_my_projects_and_follows_a_failing_rule_to_its_fix(server, page):
    base, world = server
    page.goto(f"{base}/lang/en?next=/login")
    page.get_by_label("E-mail").fill(world.derhachi_planner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Signing in lands on the planner's own home, linked from the header too.
    expect(page.get_by_role("heading", level=1)).to_have_text("My projects")
    assert page.url == f"{base}/my"
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My work")).to_have_attribute(
        "aria-current", "page")
    assert violations(page) == []
    row = page.get_by_role("row").filter(has_text=world.clinic.reference)
    expect(row).to_contain_text("Needs assessment")
    expect(page.get_by_role("row").filter(has_text=world.school.reference)).to_have_count(0)  # not in scope

    # What blocks the next stage: the gate page says which rule fails and where to fix it.
    row.get_by_role("link", name="see the gate").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.clinic.reference)
    fix = page.get_by_role("listitem").filter(has_text="Fix it here:").first.get_by_role("link").first
    target = fix.get_attribute("href")
    fix.click()
    assert page.url == base + target
    field = target.split("#", 1)[1]
    expect(page.locator(f"#{field}")).to_be_visible()

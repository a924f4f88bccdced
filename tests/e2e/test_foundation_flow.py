"""A citizen browses in Ukrainian and English; a planner signs in and edits their project."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_citizen_browses_and_switches_language(server, page):
    base, world = server
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Проєкти відбудови України")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reconstruction projects of Ukraine")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    page.get_by_label("Search").fill("bridge")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 project", exact=True)).to_be_visible()
    page.locator("table.projects").get_by_role("link", name=world.bridge.title_en).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bridge over the Irpin river")


def test_planner_signs_in_and_edits_with_the_keyboard(server, page):
    base, world = server
    page.goto(base + "/login")
    page.get_by_label("Електронна пошта").fill(world.derhachi_planner.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_label("Пароль").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Ви увійшли")
    page.goto(f"{base}/projects/{world.clinic.reference}")
    page.get_by_role("link", name="Редагувати проєкт").click()
    page.get_by_label("Назва (англійською)").fill("Outpatient clinic, rebuilt")
    page.get_by_role("button", name="Зберегти").click()
    expect(page.get_by_role("status")).to_contain_text("Зміни збережено")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outpatient clinic, rebuilt")
    # Another hromada's project offers no edit button, and its edit page is refused.
    page.goto(f"{base}/projects/{world.bridge.reference}")
    expect(page.get_by_role("link", name=re.compile("Edit project"))).to_have_count(0)
    response = page.goto(f"{base}/manage/projects/{world.bridge.reference}/edit")
    assert response.status == 403

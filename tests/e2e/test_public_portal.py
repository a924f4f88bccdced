"""A citizen searches, opens a project, switches language and downloads its PDF; public pages pass axe."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.axe import violations


def test_citizen_finds_a_project_and_downloads_its_report(server, page):
    base, world = server
    page.goto(base + "/")
    page.get_by_role("navigation").get_by_role("link", name="Проєкти", exact=True).first.click()
    page.locator("#q").fill("школи")
    page.locator("form.filters button[type=submit]").click()
    page.locator("table.projects").get_by_role("link", name=world.school.title_uk).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Відновлення школи № 1")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Restoration of school No. 1")
    link = page.get_by_role("link", name="Accountability report (PDF)")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Відновлення школи № 1" in text and "Restoration of school No. 1" in text
    plain = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    assert "UAH 1,500,000.00" in plain and "UAH 250,000.00" in plain and "EUR 400,000.00" in plain  # in English


def _search(page, base: str, query: str) -> set[str]:
    """Search as a citizen does (the form on the projects page); the references listed beside the titles."""
    page.goto(base + "/projects")
    page.locator("#q").fill(query)
    page.locator("form.filters button[type=submit]").click()
    return set(page.locator("table.projects .reference").all_inner_texts())


@pytest.mark.parametrize(("typed", "as_written"), [("харків", "Харків"), ("ремонт", "Ремонт"), ("мосту", "міст")])
def test_search_finds_the_same_whatever_the_case_or_form_of_a_word(server, page, typed, as_written):
    base, world = server
    found = _search(page, base, typed)
    assert found and found == _search(page, base, as_written)
    expected = {"харків": world.school.reference, "ремонт": world.clinic.reference, "мосту": world.bridge.reference}
    assert expected[typed] in found


@pytest.mark.parametrize("language", ["uk", "en"])
def test_public_pages_have_no_accessibility_violations(server, browser, language):
    base, world = server
    context = browser.new_context(locale="uk-UA", bypass_csp=True)  # lets the test inject axe; the app's CSP stays
    page = context.new_page()
    try:
        page.goto(f"{base}/lang/{language}")
        pages = ["/", "/projects?q=&sector=education", f"/projects/{world.school.reference}",
                 f"/authorities/{world.kharkiv_oblast.id}", "/authorities",
                 f"/reports/projects/{world.school.reference}.html", "/open-data", "/open-data/api"]
        found = {}
        for path in pages:
            page.goto(base + path)
            if problems := violations(page):
                found[path] = problems
        assert found == {}
    finally:
        context.close()

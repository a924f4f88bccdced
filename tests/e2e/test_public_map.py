"""The public map in Chromium: oblasts and projects drawn with no request leaving the site, the search's filters
carried to the map and back, a point opening its project, a phone-sized screen, and no axe violation."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_source
from tracker.core.db import session_scope
from tracker.projects.models import Project
from tracker.projects.operations import ProjectUpdate, update_project

KHARKIV = (49.9935, 36.2304)
DERHACHI = (50.1090, 36.1120)
IRPIN = (50.5218, 30.2506)


@pytest.fixture
def placed(live_app, server):
    app, world = live_app
    with app.app_context(), session_scope(app) as session:
        for project, (lat, lon) in ((world.school, KHARKIV), (world.clinic, DERHACHI), (world.bridge, IRPIN)):
            row = session.get(Project, project.id)
            update_project(session=session, project=row, expected_version=row.version,
                           changes=ProjectUpdate(latitude=lat, longitude=lon))
    return server


def _recording(page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    return requests


def _outside(requests: list[str]) -> list[str]:
    return [url for url in requests if urlsplit(url).hostname != "127.0.0.1" and not url.startswith("data:")]


def test_the_map_draws_oblasts_and_points_without_leaving_the_site(placed, page):
    base, world = placed
    requests = _recording(page)
    page.goto(base + "/map")
    expect(page.locator("#project-map[data-loaded=true]")).to_have_count(1)
    expect(page.locator("#project-map path.leaflet-interactive, #project-map svg path")).not_to_have_count(0)
    expect(page.locator(".map-point, .map-cluster")).not_to_have_count(0)
    expect(page.locator("#legend-classes li")).to_have_count(5)
    assert _outside(requests) == []
    assert any("/map/data.json" in url for url in requests) and any("/map/boundaries.json" in url for url in requests)


def test_a_filter_goes_from_the_search_to_the_map_and_back(placed, page):
    base, world = placed
    requests = _recording(page)
    page.goto(base + "/projects")
    page.locator("#sector").select_option("health")
    page.locator("form.filters button[type=submit]").click()
    page.locator("#show-on-map").click()
    expect(page).to_have_url(base + "/map?sector=health")
    expect(page.locator("#sector")).to_have_value("health")
    expect(page.locator("#project-map[data-loaded=true]")).to_have_count(1)
    data_requests = [url for url in requests if "/map/data.json" in url]
    assert data_requests and all("sector=health" in url for url in data_requests)
    page.locator("#show-as-table").click()
    expect(page).to_have_url(base + "/projects?sector=health")
    expect(page.locator("table.projects").get_by_role("link", name=world.clinic.title_uk)).to_be_visible()
    assert _outside(requests) == []


def test_a_click_on_a_point_opens_the_project_on_a_phone(placed, browser):
    base, world = placed
    context = browser.new_context(locale="uk-UA", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        requests = _recording(page)
        page.goto(base + "/map")
        expect(page.locator("#project-map[data-loaded=true]")).to_have_count(1)
        box = page.locator("#project-map").bounding_box()
        assert box["width"] <= 390 and box["height"] >= 300
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Zoom to the Irpin bridge until it is a point of its own, then open its popup and follow its link.
        page.goto(base + "/map?sector=transport.road")
        point = page.locator(f".map-point[data-reference='{world.bridge.reference}']")
        expect(point).to_have_count(1)
        point.click()
        page.locator(".leaflet-popup a.popup-title").click()
        expect(page).to_have_url(f"{base}/projects/{world.bridge.reference}")
        assert _outside(requests) == []
    finally:
        context.close()


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_map_page_has_no_axe_violations(placed, browser, language):
    base, world = placed
    context = browser.new_context(locale="uk-UA", bypass_csp=True)  # lets the test inject axe; the app's CSP stays
    page = context.new_page()
    try:
        page.goto(f"{base}/lang/{language}")
        page.goto(base + "/map")
        expect(page.locator("#project-map[data-loaded=true]")).to_have_count(1)
        page.evaluate(axe_source())
        result = page.evaluate("""async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        violations = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
        assert violations == []
    finally:
        context.close()

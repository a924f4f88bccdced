"""The project form's location picker in Chromium: a click on the map fills the coordinates, typed coordinates
move the marker, and a point outside the project's oblast is refused naming the oblast it lies in."""
from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.test_planner_flow import _sign_in


def test_the_picker_and_the_fields_stay_in_sync_and_a_wrong_oblast_is_refused(server, page):
    base, world = server
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    _sign_in(page, base, world.kharkiv_planner.email)
    page.goto(f"{base}/manage/projects/{world.school.reference}/edit")
    picker = page.locator("#location-picker .picker-map")
    expect(picker).to_be_visible()
    expect(page.locator("#location-picker path")).not_to_have_count(0)  # the boundaries are drawn
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.4})
    expect(page.locator("#latitude")).not_to_have_value("")
    latitude = float(page.locator("#latitude").input_value())
    longitude = float(page.locator("#longitude").input_value())
    assert 44 < latitude < 53 and 22 < longitude < 41
    expect(page.locator("#location-picker .map-point")).to_have_count(1)

    # Typed coordinates (Lviv) move the marker; saved with a Kharkiv code they are refused, naming Lviv Oblast.
    before = page.locator("#location-picker .map-point").bounding_box()
    page.locator("#latitude").fill("49.8397")
    page.locator("#longitude").fill("24.0297")
    page.locator("#longitude").press("Tab")
    page.wait_for_timeout(400)
    after = page.locator("#location-picker .map-point").bounding_box()
    assert after != before
    page.get_by_label("Location (KATOTTG code)").fill("UA63120270000096230")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Lviv Oblast")
    expect(page.locator("body")).to_contain_text("Kharkiv Oblast")
    assert [url for url in requests if urlsplit(url).hostname != "127.0.0.1"] == []

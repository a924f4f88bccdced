"""The public map: its page, its data (public projects only, the search's filters), the GeoJSON open data."""
from __future__ import annotations

import json

from tests.planning.web.test_query_counts import _count
from tests.web_fixtures import sign_in
from tracker.core.db import session_scope
from tracker.projects.models import Project
from tracker.projects.operations import ProjectUpdate, update_project

KHARKIV = (49.9935, 36.2304)
IRPIN = (50.5218, 30.2506)


def _place(app, world) -> None:
    with app.app_context(), session_scope(app) as session:
        for project, (lat, lon) in ((world.school, KHARKIV), (world.clinic, KHARKIV), (world.draft, KHARKIV),
                                    (world.bridge, IRPIN)):
            row = session.get(Project, project.id)
            update_project(session=session, project=row, expected_version=row.version,
                           changes=ProjectUpdate(latitude=lat, longitude=lon))


def test_the_map_page_links_the_table_with_the_same_filters_and_loads_only_local_assets(app, client, world):
    page = client.get("/map?sector=education&stage=needs_assessment")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/map.js" in html
    assert 'id="show-as-table"' in html and "/projects?sector=education&amp;stage=needs_assessment" in html
    assert "geoBoundaries" in html
    assert "http://" not in html.split("<main")[1].replace("http://www.w3.org", "")
    assert "https://" not in html.split("<main")[1]
    listing = client.get("/projects?sector=education").get_data(as_text=True)
    assert 'href="/map?sector=education"' in listing
    assert 'href="/map"' in client.get("/").get_data(as_text=True)


def test_the_data_holds_public_projects_only_and_honours_the_filters(app, client, world):
    _place(app, world)
    data = client.get("/map/data.json").get_json()
    assert sorted(point["ref"] for point in data["points"]) == sorted(
        [world.school.reference, world.clinic.reference, world.bridge.reference])
    assert world.draft.reference not in json.dumps(data)
    school = next(point for point in data["points"] if point["ref"] == world.school.reference)
    assert school["budget"] > 1_500_000 and school["stage"] == "needs_assessment"
    oblasts = {row["katottg"]: row for row in data["oblasts"]}
    assert oblasts["63"]["projects"] == 2 and oblasts["32"]["projects"] == 1
    filtered = client.get("/map/data.json?sector=health").get_json()
    assert [point["ref"] for point in filtered["points"]] == [world.clinic.reference]
    assert {row["katottg"]: row["projects"] for row in filtered["oblasts"]} == {"63": 1}


def test_signed_in_planners_see_no_more_on_the_public_map(app, client, world):
    _place(app, world)
    sign_in(client, "derhachi@test.ua")
    assert world.draft.reference not in client.get("/map/data.json").get_data(as_text=True)
    assert world.draft.reference not in client.get("/open-data/projects.geojson").get_data(as_text=True)


def test_many_projects_in_view_come_as_clusters(app, client, world, monkeypatch):
    from tracker.maps import service

    _place(app, world)
    monkeypatch.setattr(service, "POINT_LIMIT", 2)
    data = client.get("/map/data.json?zoom=6").get_json()
    assert data["points"] == [] and data["total"] == 3
    assert sum(cluster[2] for cluster in data["clusters"]) == 3


def test_the_geojson_open_data_honours_the_filters(app, client, world):
    _place(app, world)
    answer = client.get("/open-data/projects.geojson?sector=transport.road")
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    collection = answer.get_json(force=True)
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["properties"]["reference"] == world.bridge.reference
    assert feature["geometry"] == {"type": "Point", "coordinates": [IRPIN[1], IRPIN[0]]}
    described = client.get("/api/v1/openapi.json").get_json()["paths"]["/open-data/projects.geojson"]
    assert "application/geo+json" in described["get"]["responses"]["200"]["content"]


def test_the_boundaries_are_served_from_the_site(client):
    collection = client.get("/map/boundaries.json").get_json(force=True)
    assert len(collection["features"]) == 27


def test_map_data_queries_stay_constant(app, client, world):
    _place(app, world)
    few = _count(app, lambda: client.get("/map/data.json?sector=education"))
    many = _count(app, lambda: client.get("/map/data.json"))
    page = _count(app, lambda: client.get("/map"))
    assert few == many <= 12
    assert page <= 10


def test_the_whole_country_view_is_drawn_up_once_a_data_version(app, client, world):
    _place(app, world)
    country = "/map/data.json?bbox=10,40,50,60&zoom=5"  # a wide screen's view: more than Ukraine
    first_answer, first = client.get(country).get_json(), _count(app, lambda: client.get(country))
    again = _count(app, lambda: client.get("/map/data.json?bbox=20,43,42,54&zoom=5"))  # another screen, same view
    assert again == first and client.get(country).get_json() == first_answer
    close = "/map/data.json?bbox=35.9,49.9,36.5,50.2&zoom=11"  # Kharkiv: a view of its own, computed when asked
    assert _count(app, lambda: client.get(close)) > first
    with app.app_context(), session_scope(app) as session:  # a write: the country view is drawn up again
        school = session.get(Project, world.school.id)
        update_project(session=session, project=school, expected_version=school.version,
                       changes=ProjectUpdate(latitude=49.95, longitude=36.3))
    assert _count(app, lambda: client.get(country)) > first

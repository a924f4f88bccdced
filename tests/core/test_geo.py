"""Oblast boundaries: which oblast a point lies in, and whether a point agrees with its KATOTTG code."""
from __future__ import annotations

import json

import pytest

from tracker.core import geo

LVIV = (49.8397, 24.0297)
KHARKIV = (49.9935, 36.2304)
KYIV_CITY = (50.4501, 30.5234)
IRPIN = (50.5218, 30.2506)


def test_the_27_first_level_units_load_with_katottg_codes_and_both_names():
    oblasts = geo.oblasts()
    assert len(oblasts) == 27
    assert {o.katottg for o in oblasts} == set(geo.NAMES_UK)
    crimea = geo.oblast_by_code("UA01000000000013043")
    assert (crimea.iso, crimea.name_en) == ("UA-43", "Autonomous Republic of Crimea")
    assert geo.oblast_by_code("UA51000000000030770").name_en == "Odesa Oblast"


@pytest.mark.parametrize("point, katottg", [(LVIV, "46"), (KHARKIV, "63"), (KYIV_CITY, "80"), (IRPIN, "32")])
def test_a_point_lies_in_its_oblast(point, katottg):
    assert geo.oblast_at(*point).katottg == katottg


def test_points_outside_ukraine_lie_in_no_oblast():
    assert geo.oblast_at(52.2297, 21.0122) is None  # Warsaw
    assert geo.oblast_at(-33.25, -70.5) is None


def test_check_names_the_oblast_the_point_lies_in():
    check = geo.check_location("UA63120270000096230", *LVIV)
    assert check.status == "outside_oblast"
    assert (check.point_oblast.name_en, check.code_oblast.name_en) == ("Lviv Oblast", "Kharkiv Oblast")
    assert geo.check_location("UA63120270000096230", *KHARKIV).ok
    assert geo.check_location("UA63120270000096230", None, None).status == "missing"
    assert geo.check_location("UA63120270000096230", 52.2297, 21.0122).status == "outside_ukraine"
    assert geo.check_location(None, *LVIV).ok
    assert geo.check_location("UA99000000000000000", *LVIV).status == "unknown_code"


def test_a_point_just_across_a_simplified_border_still_counts():
    # Uzhhorod sits on the Slovak border, which the simplified boundary moves by a few hundred metres.
    assert geo.check_location("UA21000000000011690", 48.6208, 22.2879).ok


def test_the_browser_boundaries_are_compact_geojson_with_codes():
    collection = json.loads(geo.boundaries_geojson())
    assert len(collection["features"]) == 27
    assert {"katottg", "iso", "name_uk", "name_en"} <= set(collection["features"][0]["properties"])
    assert len(geo.boundaries_geojson()) < 150_000


def test_the_projection_keeps_ukraine_wider_than_tall():
    projection = geo.Projection(width=600)
    assert 300 < projection.height < 450
    x, y = projection.xy(*reversed(KYIV_CITY))
    assert 0 < x < 600 and 0 < y < projection.height
    assert geo.svg_path(geo.oblast_by_code("80").geometry, projection).startswith("M")

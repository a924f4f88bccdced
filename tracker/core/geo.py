"""Ukraine's oblasts as shapes: which oblast a point lies in, whether a project's point agrees with its KATOTTG
code, and the boundaries the maps draw. The only module that imports shapely.

The boundaries are geoBoundaries' UKR ADM1 "simplified" file (``geo_data/ukr-adm1.geojson``, attribution in
``geo_data/README.md``), read once a process. Its features carry ISO 3166-2 codes; ``KATOTTG_BY_ISO`` joins
them to the first two digits of a KATOTTG code (22 are the same digits, five are not).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

BOUNDARIES_FILE = Path(__file__).parent / "geo_data" / "ukr-adm1.geojson"

#: Where geoBoundaries' ISO code and the KATOTTG level-1 code differ (the file's README lists them).
_ISO_TO_KATOTTG_DIFFERENT = {"43": "01", "09": "44", "77": "73", "30": "80", "40": "85"}

#: Ukrainian names by the KATOTTG level-1 digits (the boundaries file has English names only).
NAMES_UK = {
    "01": "Автономна Республіка Крим", "05": "Вінницька область", "07": "Волинська область",
    "12": "Дніпропетровська область", "14": "Донецька область", "18": "Житомирська область",
    "21": "Закарпатська область", "23": "Запорізька область", "26": "Івано-Франківська область",
    "32": "Київська область", "35": "Кіровоградська область", "44": "Луганська область",
    "46": "Львівська область", "48": "Миколаївська область", "51": "Одеська область",
    "53": "Полтавська область", "56": "Рівненська область", "59": "Сумська область",
    "61": "Тернопільська область", "63": "Харківська область", "65": "Херсонська область",
    "68": "Хмельницька область", "71": "Черкаська область", "73": "Чернівецька область",
    "74": "Чернігівська область", "80": "Київ", "85": "Севастополь",
}
#: geoBoundaries' older English spellings, written as Ukraine writes them now.
_NAMES_EN_FIXED = {"Odessa Oblast": "Odesa Oblast", "Zaporizhia Oblast": "Zaporizhzhia Oblast"}

#: A point this close to its oblast (in degrees, about 2 km) still counts as inside: the simplified
#: boundaries move the real border by up to a few hundred metres, more along rivers and the coast.
TOLERANCE_DEGREES = 0.02


@dataclass(frozen=True)
class Oblast:
    """One first-level unit: 24 oblasts, Crimea, Kyiv and Sevastopol."""

    katottg: str  # the two digits after "UA" in every KATOTTG code inside it
    iso: str
    name_uk: str
    name_en: str
    geometry: BaseGeometry

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_uk


@dataclass(frozen=True)
class LocationCheck:
    """Whether a project's point and KATOTTG code agree: ``status`` is one of ``STATUSES``."""

    status: str
    point_oblast: Oblast | None = None
    code_oblast: Oblast | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


#: ``ok``; ``missing`` (no point); ``outside_ukraine``; ``outside_oblast`` (in another oblast than its code's);
#: ``unknown_code`` (a point in Ukraine, but no oblast has the code's first digits).
STATUSES = ("ok", "missing", "outside_ukraine", "outside_oblast", "unknown_code")


def katottg_of_iso(iso: str) -> str:
    digits = iso.removeprefix("UA-")
    return _ISO_TO_KATOTTG_DIFFERENT.get(digits, digits)


@cache
def oblasts() -> tuple[Oblast, ...]:
    """Every oblast with its shape, in KATOTTG order (read from the file once a process)."""
    collection = json.loads(BOUNDARIES_FILE.read_text(encoding="utf-8"))
    found = []
    for feature in collection["features"]:
        props = feature["properties"]
        code = katottg_of_iso(props["shapeISO"])
        geometry = shape(feature["geometry"])
        shapely.prepare(geometry)
        found.append(Oblast(katottg=code, iso=props["shapeISO"], name_uk=NAMES_UK[code],
                            name_en=_NAMES_EN_FIXED.get(props["shapeName"], props["shapeName"]), geometry=geometry))
    return tuple(sorted(found, key=lambda oblast: oblast.katottg))


@cache
def _by_code() -> dict[str, Oblast]:
    return {oblast.katottg: oblast for oblast in oblasts()}


def oblast_by_code(code: str | None) -> Oblast | None:
    """The oblast of a KATOTTG code (``UA`` and 17 digits, or just its first two digits), if any."""
    if not code:
        return None
    digits = code[2:4] if code.upper().startswith("UA") else code[:2]
    return _by_code().get(digits)


def oblast_at(latitude: float, longitude: float) -> Oblast | None:
    """The oblast whose boundary holds the point; else the nearest within ``TOLERANCE_DEGREES``; else None."""
    point = Point(longitude, latitude)
    nearest, distance = None, TOLERANCE_DEGREES
    for oblast in oblasts():
        if oblast.geometry.contains(point):
            return oblast
        gap = oblast.geometry.distance(point)
        if gap <= distance:
            nearest, distance = oblast, gap
    return nearest


def check_location(location_code: str | None, latitude: float | None, longitude: float | None) -> LocationCheck:
    """Does the point lie in Ukraine, and in the oblast of ``location_code`` (when there is one)?"""
    if latitude is None or longitude is None:
        return LocationCheck("missing", code_oblast=oblast_by_code(location_code))
    code_oblast = oblast_by_code(location_code)
    if code_oblast is not None and _near(code_oblast, latitude, longitude):
        return LocationCheck("ok", point_oblast=code_oblast, code_oblast=code_oblast)
    found = oblast_at(latitude, longitude)
    if found is None:
        return LocationCheck("outside_ukraine", code_oblast=code_oblast)
    if code_oblast is not None:
        return LocationCheck("outside_oblast", point_oblast=found, code_oblast=code_oblast)
    if location_code:
        return LocationCheck("unknown_code", point_oblast=found)
    return LocationCheck("ok", point_oblast=found)


def _near(oblast: Oblast, latitude: float, longitude: float) -> bool:
    point = Point(longitude, latitude)
    return oblast.geometry.contains(point) or oblast.geometry.distance(point) <= TOLERANCE_DEGREES


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude onto a plane ``width`` wide: equirectangular, shrunk east-west by the cosine of
    Ukraine's middle latitude so the country keeps its shape (accurate enough for a map of one country)."""

    width: float
    west: float = 22.1
    east: float = 40.3
    south: float = 44.2
    north: float = 52.4

    @property
    def _scale(self) -> float:
        return self.width / ((self.east - self.west) * self._squeeze)

    @property
    def _squeeze(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def height(self) -> float:
        return (self.north - self.south) * self._scale

    def xy(self, longitude: float, latitude: float) -> tuple[float, float]:
        return ((longitude - self.west) * self._squeeze * self._scale, (self.north - latitude) * self._scale)


def svg_path(geometry: BaseGeometry, projection: Projection, tolerance: float = 0.01) -> str:
    """The ``d`` attribute of an SVG path drawing ``geometry`` (simplified by ``tolerance`` degrees)."""
    simple = geometry.simplify(tolerance, preserve_topology=True)
    parts = []
    for polygon in getattr(simple, "geoms", [simple]):
        for ring in (polygon.exterior, *polygon.interiors):
            points = [projection.xy(x, y) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


@cache
def boundaries_geojson(tolerance: float = 0.01) -> str:
    """The oblasts as a compact GeoJSON text for the browser: simplified, coordinates to 3 decimals (about
    100 m), with the KATOTTG digits and both names as properties."""
    features = []
    for oblast in oblasts():
        simple = oblast.geometry.simplify(tolerance, preserve_topology=True)
        geometry = json.loads(shapely.to_geojson(shapely.set_precision(simple, 0.001)))
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"katottg": oblast.katottg, "iso": oblast.iso,
                                        "name_uk": oblast.name_uk, "name_en": oblast.name_en}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))

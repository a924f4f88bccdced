"""What the public map shows, computed in SQL over the public projects the project search would list.

The filters are the search's own (``projects.queries.ProjectFilters`` through ``listing_ids``) and the
visibility is always the public one (``projects.policy.public_condition``), whoever asks: the map is a public
page. Every answer is compact at any size of portfolio:

- ``oblast_figures``: one row per oblast (count, committed money in hryvnias, share of checks passed), three
  grouped queries, once per data version and filters (``memoized``);
- ``points_in_view``: the projects inside the map's bounding box when there are few enough
  (``POINT_LIMIT``), each with what its popup shows; otherwise grid clusters grouped by the database (count and
  centre per cell, the cell's size following the zoom), so the browser never receives 20,000 points at once.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, func, true
from sqlmodel import Session, select

from tracker.core import geo
from tracker.core.data_version import memoized
from tracker.core.models import Authority
from tracker.governance.models import Evaluation
from tracker.planning.models import ProgressObservation
from tracker.projects.models import FundingLine, Project
from tracker.projects.policy import public_condition
from tracker.projects.queries import ProjectFilters, listing_ids

#: At most this many projects inside the view are sent as points; more are sent as clusters.
POINT_LIMIT = 400
#: A cluster cell is this many 256-pixel tiles' worth of screen divided by: 4 gives cells of about 64 px.
CELLS_PER_TILE = 4
MEASURES = ("projects", "committed", "passed")

ToUah = Callable[[Decimal, str], Decimal]


@dataclass(frozen=True)
class Bounds:
    """A view's bounding box in degrees; ``parse`` refuses anything that is not four finite numbers in range."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, raw: str | None) -> Bounds | None:
        try:
            west, south, east, north = (float(part) for part in (raw or "").split(","))
        except ValueError:
            return None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            return None
        return cls(west, south, east, north)

    def contains(self, other: Bounds) -> bool:
        return (self.west <= other.west and self.south <= other.south and self.east >= other.east
                and self.north >= other.north)


UKRAINE = Bounds(22.1, 44.2, 40.3, 52.4)


@dataclass
class OblastFigures:
    katottg: str
    projects: int = 0
    committed_uah: Decimal = Decimal(0)
    passed: int = 0
    checked: int = 0

    @property
    def passed_share(self) -> float | None:
        return self.passed / self.checked if self.checked else None

    def as_json(self) -> dict:
        share = self.passed_share
        return {"katottg": self.katottg, "projects": self.projects, "committed": float(self.committed_uah),
                "passed": None if share is None else round(share, 3)}


@dataclass
class MapView:
    """The answer for one view: points (few enough) or clusters, and how many projects lie inside."""

    total: int
    points: list[dict] = field(default_factory=list)
    clusters: list[list[float]] = field(default_factory=list)


def public_ids(filters: ProjectFilters):
    """The ids of the public projects the search lists with ``filters``: the one definition of the filters."""
    return listing_ids(filters, public_condition())


def _oblast_digits(column_source):
    """The first two digits of the project's KATOTTG code, else of its owner's: the oblast it belongs to."""
    return func.substr(func.coalesce(Project.location_code, column_source), 3, 2)


def oblast_figures(*, session: Session, filters: ProjectFilters, to_uah: ToUah) -> list[OblastFigures]:
    """Per oblast: public projects, committed money in hryvnias, share of the latest evaluations' checks passed."""
    return memoized(session, ("map oblasts", filters), lambda: _oblast_figures(session, filters, to_uah))


def _oblast_figures(session: Session, filters: ProjectFilters, to_uah: ToUah) -> list[OblastFigures]:
    ids = public_ids(filters).scalar_subquery()
    oblast = _oblast_digits(Authority.code).label("oblast")

    def grouped(*columns, keys=(), joins=()):
        query = (select(oblast, *keys, *columns).select_from(Project)
                 .join(Authority, Authority.id == Project.authority_id))
        for target, condition in joins:
            query = query.join(target, condition)
        return query.where(Project.id.in_(ids)).group_by(oblast, *keys)

    figures: dict[str, OblastFigures] = {}

    def at(code: str | None) -> OblastFigures | None:
        if not code or geo.oblast_by_code(code) is None:
            return None
        return figures.setdefault(code, OblastFigures(code))

    for code, count in session.exec(grouped(func.count())):
        if (row := at(code)) is not None:
            row.projects += count
    money = grouped(func.sum(FundingLine.amount_committed), keys=[FundingLine.currency],
                    joins=[(FundingLine, FundingLine.project_id == Project.id)])
    for code, currency, committed in session.exec(money):
        if (row := at(code)) is not None:
            row.committed_uah += to_uah(Decimal(committed or 0), currency)
    checks = grouped(func.sum(Evaluation.passed), func.sum(Evaluation.passed + Evaluation.failed + Evaluation.errors),
                     joins=[(Evaluation, (Evaluation.project_id == Project.id) & (Evaluation.is_latest == true()))])
    for code, passed, checked in session.exec(checks):
        if (row := at(code)) is not None:
            row.passed += int(passed or 0)
            row.checked += int(checked or 0)
    return sorted(figures.values(), key=lambda row: row.katottg)


def points_in_view(*, session: Session, filters: ProjectFilters, bounds: Bounds, zoom: int,
                   to_uah: ToUah) -> MapView:
    """The public projects inside ``bounds``: as points when at most ``POINT_LIMIT``, else as clusters."""
    inside = (Project.latitude.between(bounds.south, bounds.north)
              & Project.longitude.between(bounds.west, bounds.east))
    # The search's own query, narrowed to the view, with other columns: not "id IN (every public id)", which
    # walks the whole portfolio for a view of one oblast; this way the point index finds the view's projects.
    in_view = public_ids(filters).where(inside)
    total = session.exec(in_view.with_only_columns(func.count(Project.id))).one()
    if total == 0:
        return MapView(total=0)
    if total > POINT_LIMIT:
        return MapView(total=total, clusters=_clusters(session, in_view, zoom))
    # ``execute``: the search's query selects one column, and ``exec`` would hand back the first of each row.
    rows = session.execute(in_view.with_only_columns(Project.id, Project.reference, Project.title_uk,
                                                     Project.title_en, Project.stage, Project.latitude,
                                                     Project.longitude).order_by(Project.id)).all()
    project_ids = [row[0] for row in rows]
    budgets = _committed(session, project_ids, to_uah)
    progress = _progress(session, project_ids)
    points = [{"ref": ref, "title_uk": title_uk, "title_en": title_en, "stage": stage,
               "lat": round(lat, 5), "lon": round(lon, 5), "budget": float(budgets[pid]) if pid in budgets else None,
               "progress": progress.get(pid)}
              for pid, ref, title_uk, title_en, stage, lat, lon in rows]
    return MapView(total=total, points=points)


def _clusters(session: Session, in_view, zoom: int) -> list[list[float]]:
    """[latitude, longitude, count] per grid cell (the mean position of its projects), grouped in SQL."""
    cell = 360 / (2 ** max(0, min(zoom, 18))) / CELLS_PER_TILE
    row = cast(Project.latitude / cell, Integer).label("row")
    column = cast(Project.longitude / cell, Integer).label("column")
    query = (in_view.with_only_columns(func.avg(Project.latitude), func.avg(Project.longitude), func.count())
             .group_by(row, column))
    return [[round(lat, 4), round(lon, 4), count] for lat, lon, count in session.execute(query)]


def _committed(session: Session, ids: list[int], to_uah: ToUah) -> dict[int, Decimal]:
    found: dict[int, Decimal] = defaultdict(Decimal)
    query = (select(FundingLine.project_id, FundingLine.currency, func.sum(FundingLine.amount_committed))
             .where(FundingLine.project_id.in_(ids)).group_by(FundingLine.project_id, FundingLine.currency))
    for project_id, currency, committed in session.exec(query):
        found[project_id] += to_uah(Decimal(committed or 0), currency)
    return found


def _progress(session: Session, ids: list[int]) -> dict[int, int]:
    latest: dict[int, int] = {}
    query = (select(ProgressObservation.project_id, ProgressObservation.physical_percent)
             .where(ProgressObservation.project_id.in_(ids))
             .order_by(ProgressObservation.observed_on, ProgressObservation.id))
    for project_id, percent in session.exec(query):
        latest[project_id] = percent  # ascending: the last one wins
    return latest


def geojson_features(*, session: Session, filters: ProjectFilters, page_url: Callable[[str], str]) -> list[dict]:
    """Every public project the search lists with ``filters`` that has a point, as GeoJSON features (one query)."""
    ids = public_ids(filters).scalar_subquery()
    query = (select(Project.reference, Project.title_uk, Project.title_en, Project.stage, Project.sector,
                    Project.location_code, Project.latitude, Project.longitude, Authority.name_uk,
                    Authority.name_en)
             .join(Authority, Authority.id == Project.authority_id)
             .where(Project.id.in_(ids), Project.latitude.is_not(None), Project.longitude.is_not(None))
             .order_by(Project.id))
    features: list[dict[str, Any]] = []
    for ref, title_uk, title_en, stage, sector, code, lat, lon, owner_uk, owner_en in session.exec(query):
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": {"reference": ref, "title_uk": title_uk, "title_en": title_en,
                                        "stage": stage, "sector": sector, "location_code": code,
                                        "owner_uk": owner_uk, "owner_en": owner_en, "url": page_url(ref)}})
    return features

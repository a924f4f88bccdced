"""Maps as SVG written on the server, from the shipped oblast boundaries: a project's point in its oblast, and the
projects of an authority or a portfolio as dots sized by how many lie there.

Like ``charts``: plain SVG with presentation attributes only (no scripts, no style attributes, no external
references), so the same markup renders in the browser under the strict CSP and in WeasyPrint with its fetcher
refusing everything outside the report assets. Every text passes through ``escape``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

from markupsafe import Markup, escape

from tracker.core import geo
from tracker.publishing.public import MapPoint

WIDTH = 560
LAND, BORDER, HIGHLIGHT, POINT = "#eef1f4", "#8a8f96", "#c6d7ee", "#b4462c"


@cache
def _background(width: int) -> tuple[float, tuple[tuple[str, str], ...]]:
    """The projected height and each oblast's (KATOTTG digits, path), computed once a process."""
    projection = geo.Projection(width=width)
    return projection.height, tuple((oblast.katottg, geo.svg_path(oblast.geometry, projection))
                                    for oblast in geo.oblasts())


def _open(title: str, height: float) -> str:
    # role="img" with a <title>: a screen reader announces the map by its title; what it shows is also in text.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart map" role="img" width="{WIDTH}" '
            f'height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" '
            f'font-family="Vidnova Sans, DejaVu Sans, sans-serif"><title>{escape(title)}</title>')


def _oblasts(highlight: str | None) -> str:
    return "".join(f'<path d="{path}" fill="{HIGHLIGHT if code == highlight else LAND}" stroke="{BORDER}" '
                   f'stroke-width="0.6"/>' for code, path in _background(WIDTH)[1])


def location_map(*, latitude: float | None, longitude: float | None, location_code: str | None,
                 title: str) -> Markup:
    """Ukraine with the project's oblast shaded and its point marked; its oblast alone when it has no point."""
    oblast = geo.oblast_by_code(location_code)
    if oblast is None and latitude is not None and longitude is not None:
        oblast = geo.oblast_at(latitude, longitude)
    if oblast is None and (latitude is None or longitude is None):
        return Markup("")
    height = _background(WIDTH)[0]
    parts = [_open(title, height), _oblasts(oblast.katottg if oblast else None)]
    if latitude is not None and longitude is not None:
        x, y = geo.Projection(width=WIDTH).xy(longitude, latitude)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="none" stroke="{POINT}" stroke-width="2"/>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{POINT}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (paths and numbers are computed here; the title is escaped)


def points_map(points: Sequence[MapPoint], *, title: str, location_code: str | None = None) -> Markup:
    """Ukraine with a dot per place, its area growing with the number of projects there; the oblast of
    ``location_code`` (an authority's) shaded."""
    height = _background(WIDTH)[0]
    projection = geo.Projection(width=WIDTH)
    oblast = geo.oblast_by_code(location_code)
    parts = [_open(title, height), _oblasts(oblast.katottg if oblast else None)]
    for point in points:
        latitude, longitude, count = point.latitude, point.longitude, point.projects
        x, y = projection.xy(longitude, latitude)
        if not (0 <= x <= WIDTH and 0 <= y <= height):
            continue
        radius = 2.5 + 2 * math.sqrt(max(count, 1) - 1)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{min(radius, 18):.1f}" fill="{POINT}" '
                     f'fill-opacity="0.75" stroke="#ffffff" stroke-width="0.8"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (paths and numbers are computed here; the title is escaped)

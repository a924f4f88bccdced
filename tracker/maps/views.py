"""The public map page, the data it draws (one request a view), the boundaries, and the GeoJSON open data."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request, url_for

from tracker.core import geo
from tracker.core.data_version import memoized
from tracker.core.db import get_session
from tracker.core.i18n import gettext as _
from tracker.core.labels import choices
from tracker.core.web_input import int_arg
from tracker.maps import service
from tracker.publishing import api
from tracker.publishing.links import public_url
from tracker.publishing.portal_views import filter_choices
from tracker.publishing.report_views import portfolio_filters

bp = Blueprint("maps", __name__)

#: The filters the search page reads, carried between the table and the map as they are.
FILTER_ARGS = ("q", "authority", "sector", "stage", "source", "compliance")


def init_app(app) -> None:
    app.add_template_global(filter_args, "map_filter_args")


def _to_uah():
    return current_app.extensions["tracker.rules"].to_uah


def filter_args() -> dict[str, str]:
    """The request's search filters (only those, non-empty), for links between the table and the map."""
    return {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}


@bp.get("/map")
def map_page():
    """Oblasts shaded by a measure, projects as clusters and points, the same filters as the search."""
    filters = portfolio_filters(request.args)
    measure = request.args.get("measure")
    measure = measure if measure in service.MEASURES else "projects"
    args = filter_args()
    config = {
        "data": url_for("maps.map_data", **args),
        "boundaries": url_for("maps.boundaries"),
        "project": url_for("portal.project_detail", reference="REF"),
        "tiles": current_app.config.get("MAP_TILE_URL") or None,
        "tileAttribution": current_app.config.get("MAP_TILE_ATTRIBUTION") or "",
        "measure": measure,
        "stages": {value: str(name) for value, name in choices("stage")},
        "text": {
            "projects": _("Projects"), "committed": _("Committed, UAH"), "passed": _("Checks passed"),
            "budget": _("Budget, UAH"), "progress": _("Progress"), "stage": _("Stage"), "open": _("Open the project"),
            "cluster": _("%(num)s projects here: zoom in", num="{n}"), "noData": _("No data"),
            "shown": _("Projects in view: %(num)s", num="{n}"),
            "boundaries": _("Boundaries: geoBoundaries (CC BY 4.0)"),
        },
    }
    return render_template("maps/map.html", filters=filters, measure=measure, args=args,
                           config=json.dumps(config, ensure_ascii=False), **filter_choices(filters))


@bp.get("/map/data.json")
def map_data():
    """One view's data: per-oblast figures and the projects inside ``bbox`` as points or clusters."""
    session = get_session()
    filters = portfolio_filters(request.args)
    bounds = service.Bounds.parse(request.args.get("bbox")) or service.UKRAINE
    zoom = int_arg("zoom", 6, low=0, high=18)
    oblasts = service.oblast_figures(session=session, filters=filters, to_uah=_to_uah())
    # The whole country, which every visitor sees first whatever the size of their screen, is drawn up once a
    # data version for each zoom and set of filters; closer views, each its own, are computed when asked.
    whole_country = bounds.contains(service.UKRAINE)
    view = memoized(session, ("map view", filters, zoom) if whole_country else None,
                    lambda: service.points_in_view(session=session, filters=filters,
                                                   bounds=service.UKRAINE if whole_country else bounds, zoom=zoom,
                                                   to_uah=_to_uah()))
    body = {"oblasts": [row.as_json() for row in oblasts], "total": view.total, "points": view.points,
            "clusters": view.clusters}
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")


@bp.get("/map/boundaries.json")
def boundaries():
    """The oblast boundaries, simplified for the browser, with KATOTTG codes and both names."""
    response = Response(geo.boundaries_geojson(), mimetype="application/geo+json")
    return response


@bp.get("/open-data/projects.geojson")
def projects_geojson():
    """Every public project with a point, filtered like the search, as a GeoJSON FeatureCollection.

    Its parameters are checked like the API's list (a value out of its choices: 400 in JSON saying which)."""
    try:
        api.list_arguments()
    except api.BadParameter as error:
        return api.error_answer(400, error.description), 400
    features = service.geojson_features(
        session=get_session(), filters=portfolio_filters(request.args),
        page_url=lambda ref: public_url("portal.project_detail", reference=ref))
    body = {"type": "FeatureCollection", "features": features}
    response = Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                        mimetype="application/geo+json")
    response.headers["Content-Disposition"] = 'inline; filename="vidnova-projects.geojson"'
    return response

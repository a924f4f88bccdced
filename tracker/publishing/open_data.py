"""The open-data front door: every dataset the portal publishes, and a readable reference of the public API.

``/open-data`` lists each dataset with its formats, licence, size (where a file is ready) and when the data last
changed; ``/open-data/api`` renders the OpenAPI description (``publishing.openapi``) as a page, so nobody has to
read raw JSON to learn the API; ``/api/v1/`` answers an index of the API in JSON (``api.index``).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, url_for

from tracker.core import data_version
from tracker.core.db import get_session
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.publishing import export_jobs, oc4ids
from tracker.publishing.openapi import openapi_document
from tracker.publishing.report_views import bp


@dataclass(frozen=True)
class Dataset:
    """One published dataset: what it holds, where, in which format, and how big it is when a file is ready."""

    name: str
    description: str
    url: str
    media_type: str
    size: int | None = None


def datasets() -> list[Dataset]:
    session = get_session()
    ready = export_jobs.package_path(data_version.current(session).version)
    return [
        Dataset(str(_l("All public projects in OC4IDS")),
                str(_l("The Open Contracting for Infrastructure Data Standard (0.9): projects, their parties, budget, "
                       "contracts and completion, as one project package.")),
                url_for("reports.oc4ids_all"), "application/json", ready.stat().st_size if ready.is_file() else None),
        Dataset(str(_l("Public projects as CSV")),
                str(_l("One row per project with its authority, sector, stage, money and checks passed; the search "
                       "filters apply (add them to the address as on the projects page).")),
                url_for("reports.projects_csv"), "text/csv"),
        Dataset(str(_l("Public projects on the map as GeoJSON")),
                str(_l("A point per project that has one, with its reference, title, stage and owner; the search "
                       "filters apply.")),
                url_for("maps.projects_geojson"), "application/geo+json"),
        Dataset(str(_l("One authority in OC4IDS")),
                str(_l("The public projects of an authority and of every authority beneath it: the link is on each "
                       "authority's page.")),
                url_for("portal.authority_tree"), "application/json"),
        Dataset(str(_l("Reports")),
                str(_l("The accountability report of the whole portfolio, of each authority and of each project, as "
                       "a web page and as PDF.")),
                url_for("reports.portfolio_report", fmt="pdf"), "application/pdf"),
    ]


@bp.get("/open-data")
@bp.get("/open-data/")
def open_data():
    stamp = data_version.current(get_session())
    return render_template("portal/open_data.html", datasets=datasets(), changed_at=stamp.changed_at,
                           licence=(oc4ids.LICENCE_NAME, oc4ids.LICENCE_URL),
                           publisher=current_app.config["PUBLISHER_NAME"])


#: The texts of the API description (``publishing.openapi``, kept in English for programs), marked here so that
#: the reference page shows them in the reader's language; a test checks none is missing.
DESCRIPTION_TEXTS = (
    _l("What the API offers, and where it is described"), _l("The index"),
    _l("Public projects, paginated"), _l("A page of projects"),
    _l("One public project"), _l("The project"),
    _l("An authority's figures and OECD scorecard"), _l("The authority"),
    _l("Public projects with a point, filtered like the list, as GeoJSON"),
    _l("A GeoJSON FeatureCollection (RFC 7946) of points"),
    _l("Headline figures of all public projects"), _l("Figures"),
    _l("No such public item"), _l("A parameter out of its range or not of its type, or a control character"),
    _l("Past the last page, the last page is shown"),
    _l("Words in the title, description, owner or reference, in any case or form (its first 200 characters)"),
    _l("An authority id: its whole subtree (none when no authority has it)"), _l("OC4IDS projectSector code"),
    _l("Funding source"), _l("By the latest stored evaluation"),
)


@dataclass(frozen=True)
class Operation:
    """One API operation as the reference page shows it."""

    method: str
    path: str
    summary: str
    parameters: list[dict]
    responses: list[tuple[str, str]]
    example: str | None


def operations(document: dict) -> list[Operation]:
    """The operations of an OpenAPI document, in its order, with an example address where the path needs no
    parameter."""
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            parameters = [{"name": item["name"], "where": item["in"], "required": item.get("required", False),
                           "description": item.get("description", ""), "accepts": accepts(item.get("schema", {})),
                           "codes": [str(value) for value in item.get("schema", {}).get("enum", [])]}
                          for item in operation.get("parameters", [])]
            found.append(Operation(method.upper(), path, operation.get("summary", ""), parameters,
                                   [(code, answer.get("description", ""))
                                    for code, answer in operation.get("responses", {}).items()],
                                   None if "{" in path else path))
    return found


def accepts(schema: dict) -> str:
    """What a parameter's schema accepts, in a few words."""
    if "enum" in schema:
        return _("one of these codes:")  # the codes themselves are shown as code (``codes``)
    kind = _("a whole number") if schema.get("type") == "integer" else _("text")
    bounds = [f"≥ {schema['minimum']}" if "minimum" in schema else "",
              f"≤ {schema['maximum']}" if "maximum" in schema else ""]
    default = " " + _("(by default %(value)s)", value=schema["default"]) if "default" in schema else ""
    return " ".join(part for part in (kind, *bounds) if part) + default


@bp.get("/open-data/api")
def api_reference():
    document = openapi_document(current_app.config["PUBLISHER_NAME"])
    return render_template("portal/api_reference.html", info=document["info"], operations=operations(document))

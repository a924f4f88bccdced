"""The read-only JSON API, /api/v1: public projects, authorities and figures, with an OpenAPI description.

Public data only, whoever asks: every answer is a public model variant, or an envelope of
``tracker.publishing.openapi`` around them, written by ``model_dump(mode="json")``; the OpenAPI description
is those same models' ``model_json_schema()``. GET only; lists are paginated with ``page`` and ``per_page``
(at most 100) and say how many items there are in all.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, jsonify, request
from werkzeug.exceptions import BadRequest
from werkzeug.http import HTTP_STATUS_CODES

from tracker.core.db import get_session
from tracker.core.errors import NotFound
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority
from tracker.core.web_input import whole_number
from tracker.projects import queries as portfolio
from tracker.projects.operations import get_project
from tracker.publishing import read_models as public_views
from tracker.publishing.links import public_url
from tracker.publishing.openapi import (
    ApiError,
    ApiIndex,
    AuthorityAnswer,
    AuthorityLinks,
    Endpoint,
    ProjectDetail,
    ProjectItem,
    ProjectLinks,
    ProjectPage,
    list_parameters,
    openapi_document,
    with_links,
)
from tracker.publishing.public import PublicVariant
from tracker.publishing.report_views import portfolio_filters

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/")
def index():
    """What the API offers (every operation of its description), and where it is described."""
    document = openapi_document(current_app.config["PUBLISHER_NAME"])
    endpoints = tuple(Endpoint(path=path, summary=operation.get("summary", ""))
                      for path, methods in document["paths"].items() for operation in methods.values())
    return _answer(ApiIndex(title=document["info"]["title"], openapi=public_url("api.openapi"),
                            reference=public_url("reports.api_reference"), open_data=public_url("reports.open_data"),
                            endpoints=endpoints))


@bp.get("/projects")
def projects():
    """Public projects, filtered like the list page, newest first."""
    arguments = list_arguments()
    session = get_session()
    page = portfolio.list_projects(session=session, filters=portfolio_filters(request.args),
                                   visible=public_views.is_public_project(),
                                   page=arguments.get("page", 1), per_page=arguments.get("per_page", 25),
                                   count_key="public")
    items = tuple(with_links(ProjectItem, item, _project_links(item.reference))
                  for item in public_views.summaries(session=session, rows=page.rows))
    return _answer(ProjectPage(page=page.page, per_page=page.per_page, pages=page.pages, total=page.total,
                               items=items))


@bp.get("/projects/<reference>")
def project(reference: str):
    """One public project with its funding, contracts, public documents and latest evaluation."""
    session = get_session()
    try:
        found = get_project(session=session, reference=reference)
        view = public_views.project_view(session=session, project=found)
    except NotFound:
        abort(404)
    return _answer(with_links(ProjectDetail, view, _project_links(reference)))


@bp.get("/authorities/<int:authority_id>")
def authority(authority_id: int):
    """An authority with the figures and scorecard of the public projects in its subtree."""
    session = get_session()
    found = session.get(Authority, authority_id)
    if found is None:
        abort(404)
    figures = public_views.portfolio_figures(session=session, authority=found)
    links = AuthorityLinks(
        report_pdf=public_url("reports.authority_report", authority_id=authority_id, fmt="pdf"),
        oc4ids=public_url("reports.oc4ids_authority", authority_id=authority_id))
    return _answer(AuthorityAnswer(authority=public_views.public_authority(found), figures=figures, links=links))


@bp.get("/figures")
def figures():
    """Headline figures of all public projects."""
    return _answer(public_views.portfolio_figures(session=get_session()))


@bp.get("/openapi.json")
def openapi():
    """The API described in OpenAPI 3.1."""
    return jsonify(openapi_document(current_app.config["PUBLISHER_NAME"]))


class BadParameter(BadRequest):
    """A query parameter outside what the description allows; the answer says which and what it takes."""

    shown_to_user = True


def list_arguments() -> dict[str, int]:
    """The list's query parameters checked against the description (``openapi.list_parameters``): 400 naming
    the first one out of its range or choices; the whole numbers given, by name."""
    numbers: dict[str, int] = {}
    for parameter in list_parameters():
        name, schema = parameter["name"], parameter["schema"]
        raw = request.args.get(name)
        if raw is None:
            continue
        if schema["type"] == "integer":
            number = whole_number(raw)
            if number is None or not schema["minimum"] <= number <= schema["maximum"]:
                raise BadParameter(_("The parameter “%(name)s” must be a whole number from %(minimum)s to "
                                     "%(maximum)s.", name=name, minimum=schema["minimum"],
                                     maximum=schema["maximum"]))
            numbers[name] = number
        elif "enum" in schema and raw not in schema["enum"]:
            raise BadParameter(_("The parameter “%(name)s” must be one of: %(choices)s.", name=name,
                                 choices=", ".join(schema["enum"])))
    return numbers


#: Open data described in the API's OpenAPI document, whose errors are therefore answered as the API's are.
DESCRIBED_OPEN_DATA = frozenset({"/open-data/projects.geojson"})


def is_api_request(request) -> bool:
    """True for a request to the API, matched by a route or not (an id out of range matches none), or to open
    data the API describes."""
    return (request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/")
            or request.path in DESCRIBED_OPEN_DATA)


def error_answer(code: int, detail: str | None = None) -> Response:
    """An error as the API writes it: ``{"error": …}``, the reason's name, or what the request got wrong."""
    return _answer(ApiError(error=detail or HTTP_STATUS_CODES.get(code, "error").lower()))


def _answer(model: PublicVariant) -> Response:
    """The JSON of an answer: every field the model declares (None and defaults included), nothing else."""
    return jsonify(model.model_dump(mode="json"))


#: A reference made of these characters is written into a URL as it is (RFC 3986's unreserved characters).
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")
_PLACEHOLDER = "VIDNOVA-REFERENCE-PLACEHOLDER"


def _project_links(reference: str) -> ProjectLinks:
    """The project's four links. A page of 100 items would build 400 URLs through the router; instead the
    router builds each link once a request around a placeholder, and a plain reference is put into it."""
    if not _UNRESERVED.fullmatch(reference):
        return _build_links(reference)
    # Kept with the request (the host is part of each link; ``g`` can outlive a request).
    templates = request.environ.get("vidnova.link_templates")
    if templates is None:
        templates = request.environ["vidnova.link_templates"] = _build_links(_PLACEHOLDER)
    return ProjectLinks(**{name: url.replace(_PLACEHOLDER, reference)
                           for name, url in templates.model_dump().items()})


def _build_links(reference: str) -> ProjectLinks:
    return ProjectLinks(
        page=public_url("portal.project_detail", reference=reference),
        api=public_url("api.project", reference=reference),
        report_pdf=public_url("reports.project_report", reference=reference, fmt="pdf"),
        oc4ids=public_url("reports.oc4ids_project", reference=reference))

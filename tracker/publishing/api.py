"""The read-only JSON API, /api/v1: public projects, authorities and figures, with an OpenAPI description.

Public data only, whoever asks (answers are built from the public model variants); GET only; lists
are paginated with ``page`` and ``per_page`` (at most 100) and say how many items there are in all.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from tracker.core.db import get_session
from tracker.core.errors import NotFound
from tracker.core.models import Authority
from tracker.projects import queries as portfolio
from tracker.projects.operations import get_project
from tracker.publishing import read_models as public_views
from tracker.publishing.public import plain
from tracker.publishing.report_views import portfolio_filters

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 100


@bp.get("/projects")
def projects():
    """Public projects, filtered like the list page, newest first."""
    per_page = min(max(request.args.get("per_page", 25, type=int), 1), MAX_PER_PAGE)
    session = get_session()
    page = portfolio.list_projects(session=session, filters=portfolio_filters(request.args),
                                   visible=public_views.is_public_project(),
                                   page=request.args.get("page", 1, type=int), per_page=per_page)
    items = [_with_links(plain(item)) for item in public_views.summaries(session=session, rows=page.rows)]
    return jsonify({"page": page.page, "per_page": page.per_page, "pages": page.pages, "total": page.total,
                    "items": items})


@bp.get("/projects/<reference>")
def project(reference: str):
    """One public project with its funding, contracts, public documents and latest evaluation."""
    session = get_session()
    try:
        found = get_project(session=session, reference=reference)
        view = public_views.project_view(session=session, project=found)
    except NotFound:
        abort(404)
    return jsonify(_with_links(plain(view), reference=reference))


@bp.get("/authorities/<int:authority_id>")
def authority(authority_id: int):
    """An authority with the figures and scorecard of the public projects in its subtree."""
    session = get_session()
    found = session.get(Authority, authority_id)
    if found is None:
        abort(404)
    figures = public_views.portfolio_figures(session=session, authority=found)
    return jsonify({"authority": plain(public_views.public_authority(found)), "figures": plain(figures),
                    "links": {"report_pdf": url_for("reports.authority_report", authority_id=authority_id,
                                                    fmt="pdf", _external=True),
                              "oc4ids": url_for("reports.oc4ids_authority", authority_id=authority_id,
                                                _external=True)}})


@bp.get("/figures")
def figures():
    """Headline figures of all public projects."""
    return jsonify(plain(public_views.portfolio_figures(session=get_session())))


@bp.get("/openapi.json")
def openapi():
    """The API described in OpenAPI 3.1."""
    return jsonify(openapi_document(current_app.config["PUBLISHER_NAME"]))


@bp.errorhandler(404)
def _not_found(_error):
    return jsonify({"error": "not found"}), 404


def _with_links(data: dict, reference: str | None = None) -> dict:
    reference = reference or data["reference"]
    data["links"] = {
        "page": url_for("portal.project_detail", reference=reference, _external=True),
        "api": url_for("api.project", reference=reference, _external=True),
        "report_pdf": url_for("reports.project_report", reference=reference, fmt="pdf", _external=True),
        "oc4ids": url_for("reports.oc4ids_project", reference=reference, _external=True),
    }
    return data


def openapi_document(publisher: str) -> dict:
    page_parameters = [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                                       "default": 25}},
        {"name": "q", "in": "query", "description": "Text in the title or the reference", "schema": {"type": "string"}},
        {"name": "authority", "in": "query", "description": "An authority id: its whole subtree",
         "schema": {"type": "integer"}},
        {"name": "sector", "in": "query", "description": "OC4IDS projectSector code", "schema": {"type": "string"}},
        {"name": "stage", "in": "query", "schema": {"type": "string", "enum": [
            "needs_assessment", "planning", "implementation", "completed"]}},
        {"name": "source", "in": "query", "description": "Funding source", "schema": {"type": "string", "enum": [
            "local_budget", "oblast_budget", "state_budget", "eu", "international_financier", "donor", "private"]}},
        {"name": "compliance", "in": "query", "schema": {"type": "string",
                                                         "enum": ["failing", "passing", "unchecked"]}},
    ]
    json_object = {"application/json": {"schema": {"type": "object"}}}
    not_found = {"description": "No such public item", "content": json_object}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{publisher} public API", "version": "1.0.0",
                 "description": "Read-only public data on Ukraine's reconstruction projects. Open data in OC4IDS "
                                "is under /open-data/oc4ids/."},
        "paths": {
            "/api/v1/projects": {"get": {"summary": "Public projects, paginated", "parameters": page_parameters,
                                         "responses": {"200": {"description": "A page of projects",
                                                               "content": {"application/json": {"schema": {
                                                                   "$ref": "#/components/schemas/ProjectPage"}}}}}}},
            "/api/v1/projects/{reference}": {"get": {
                "summary": "One public project",
                "parameters": [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The project", "content": json_object}, "404": not_found}}},
            "/api/v1/authorities/{authority_id}": {"get": {
                "summary": "An authority's figures and OECD scorecard",
                "parameters": [{"name": "authority_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "The authority", "content": json_object}, "404": not_found}}},
            "/api/v1/figures": {"get": {"summary": "Headline figures of all public projects",
                                        "responses": {"200": {"description": "Figures", "content": json_object}}}},
        },
        "components": {"schemas": {"ProjectPage": {"type": "object", "required": [
            "page", "per_page", "pages", "total", "items"], "properties": {
            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "pages": {"type": "integer"},
            "total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}}}},
    }

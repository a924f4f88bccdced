"""The OpenAPI 3.1 description of /api/v1, generated from the very models the answers are dumped from.

Every answer is a model below or a public variant of ``tracker.publishing.public``, written as JSON by
``model_dump(mode="json")``; its schema is that model's ``model_json_schema()`` in serialization mode, its
nested models' ``$defs`` hoisted into ``components/schemas``. Nothing here lists fields: a field added to a
public variant appears in the description, and one removed from it leaves it, without anyone editing this.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from typing import Annotated, Any

from pydantic import WithJsonSchema

from tracker.core.vocab import FundingSource, Stage
from tracker.core.web_input import DB_INT_MAX

# Imported for its side effect: governance registers the compliance filters the list offers.
from tracker.governance import compliance as _compliance  # noqa: F401
from tracker.projects.queries import COMPLIANCE_FILTERS
from tracker.publishing.public import (
    PortfolioFigures,
    PublicAuthority,
    PublicProject,
    PublicProjectSummary,
    PublicVariant,
)

MAX_PER_PAGE = 100
REF_TEMPLATE = "#/components/schemas/{model}"

Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]


class ProjectLinks(PublicVariant):
    """The same project as a web page, an API answer, a PDF report and an OC4IDS package."""

    page: Url
    api: Url
    report_pdf: Url
    oc4ids: Url


class ProjectItem(PublicProjectSummary):
    """A project in a list: its public summary and its links."""

    links: ProjectLinks


class ProjectDetail(PublicProject):
    """One public project with its links."""

    links: ProjectLinks


class ProjectPage(PublicVariant):
    """A page of public projects; ``total`` counts them all."""

    page: int
    per_page: int
    pages: int
    total: int
    items: tuple[ProjectItem, ...]


class AuthorityLinks(PublicVariant):
    report_pdf: Url
    oc4ids: Url


class AuthorityAnswer(PublicVariant):
    """An authority with the figures and scorecard of the public projects in its subtree."""

    authority: PublicAuthority
    figures: PortfolioFigures
    links: AuthorityLinks


class ApiError(PublicVariant):
    error: str


class Endpoint(PublicVariant):
    """One operation of the API: its address (a template where it takes a path parameter) and what it answers."""

    path: str
    summary: str


class ApiIndex(PublicVariant):
    """What the API offers, and where it is described for programs and for people."""

    title: str
    openapi: Url
    reference: Url
    open_data: Url
    endpoints: tuple[Endpoint, ...]


def with_links(cls: type[PublicVariant], value: PublicVariant, links: PublicVariant) -> Any:
    """``value`` (a public variant) as its linked answer type ``cls``; a shallow copy, fields unchanged."""
    return cls.model_validate({**{name: getattr(value, name) for name in type(value).model_fields}, "links": links})


#: The answer of each endpoint, by its name in the description.
ANSWERS: tuple[type[PublicVariant], ...] = (ApiIndex, ProjectPage, ProjectDetail, AuthorityAnswer, PortfolioFigures,
                                           ApiError)


def model_schema(cls: type[PublicVariant]) -> tuple[dict, dict[str, dict]]:
    """(``cls``'s own schema, the schemas of the models it nests by name): pydantic's JSON Schema of what
    ``model_dump(mode="json")`` writes, its ``$ref``s pointing into ``components/schemas``."""
    schema = cls.model_json_schema(mode="serialization", ref_template=REF_TEMPLATE)
    return schema, schema.pop("$defs", {})


@lru_cache(maxsize=1)
def component_schemas() -> dict[str, dict]:
    """``components/schemas``: every answer model and every model nested in one, by its name."""
    components: dict[str, dict] = {}
    for cls in ANSWERS:
        schema, nested = model_schema(cls)
        for name, definition in {**nested, cls.__name__: schema}.items():
            if components.setdefault(name, definition) != definition:
                raise RuntimeError(f"two different schemas are both named {name}")
    return components


def response_schema(cls: type[PublicVariant]) -> dict:
    """The ``$ref`` to the schema of answer type ``cls`` (one of ``ANSWERS``)."""
    if cls not in ANSWERS:
        raise KeyError(cls.__name__)
    return {"$ref": REF_TEMPLATE.format(model=cls.__name__)}


def _json(description: str, cls: type) -> dict:
    return {"description": description, "content": {"application/json": {"schema": response_schema(cls)}}}


def _values(vocabulary) -> list[str]:
    return [item.value for item in vocabulary]


#: Text in a query or a path: no control characters (the app refuses them before any route, 400).
TEXT = {"type": "string", "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"}
#: An id: what an id column holds (the app's ``<int:…>`` and ``core.web_input.DB_INT_MAX``).
ID = {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}


#: The GeoJSON open data (``maps.views.projects_geojson``): one Point feature per public project with a point.
GEOJSON_SCHEMA = {
    "type": "object", "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "geometry": {"type": "object", "required": ["type", "coordinates"], "properties": {
                    "type": {"const": "Point"},
                    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}},
                "properties": {"type": "object", "required": ["reference", "title_uk", "stage", "url"], "properties": {
                    "reference": {"type": "string"}, "title_uk": {"type": "string"},
                    "title_en": {"type": ["string", "null"]}, "stage": {"type": "string", "enum": _values(Stage)},
                    "sector": {"type": "string"}, "location_code": {"type": ["string", "null"]},
                    "owner_uk": {"type": "string"}, "owner_en": {"type": ["string", "null"]},
                    "url": {"type": "string", "format": "uri"}}}}}},
    },
}


def list_parameters() -> list[dict]:
    """The list's query parameters; the API reads them by this description (``api.list_arguments``)."""
    return [
        {"name": "page", "in": "query", "description": "Past the last page, the last page is shown",
         "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX, "default": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                                       "default": 25}},
        {"name": "q", "in": "query", "description": "Words in the title, description, owner or reference, in any "
                                                    "case or form (its first 200 characters)", "schema": TEXT},
        {"name": "authority", "in": "query", "description": "An authority id: its whole subtree (none when no "
                                                            "authority has it)", "schema": ID},
        {"name": "sector", "in": "query", "description": "OC4IDS projectSector code", "schema": TEXT},
        {"name": "stage", "in": "query", "schema": {"type": "string", "enum": _values(Stage)}},
        {"name": "source", "in": "query", "description": "Funding source",
         "schema": {"type": "string", "enum": _values(FundingSource)}},
        {"name": "compliance", "in": "query", "description": "By the latest stored evaluation",
         "schema": {"type": "string", "enum": list(COMPLIANCE_FILTERS)}},
    ]


def openapi_document(publisher: str) -> dict:
    """The whole description; the filters' choices are read now, from the vocabularies and the registry."""
    not_found = _json("No such public item", ApiError)
    bad_request = _json("A parameter out of its range or not of its type, or a control character", ApiError)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{publisher} public API", "version": "1.0.0",
                 "description": "Read-only public data on Ukraine's reconstruction projects. Open data in OC4IDS "
                                "is under /open-data/oc4ids/."},
        "paths": {
            "/api/v1/": {"get": {
                "summary": "What the API offers, and where it is described",
                "responses": {"200": _json("The index", ApiIndex)}}},
            "/api/v1/projects": {"get": {
                "summary": "Public projects, paginated", "parameters": list_parameters(),
                "responses": {"200": _json("A page of projects", ProjectPage), "400": bad_request}}},
            "/api/v1/projects/{reference}": {"get": {
                "summary": "One public project",
                "parameters": [{"name": "reference", "in": "path", "required": True, "schema": TEXT}],
                "responses": {"200": _json("The project", ProjectDetail), "400": bad_request, "404": not_found}}},
            "/api/v1/authorities/{authority_id}": {"get": {
                "summary": "An authority's figures and OECD scorecard",
                "parameters": [{"name": "authority_id", "in": "path", "required": True, "schema": ID}],
                "responses": {"200": _json("The authority", AuthorityAnswer), "400": bad_request,
                              "404": not_found}}},
            "/open-data/projects.geojson": {"get": {
                "summary": "Public projects with a point, filtered like the list, as GeoJSON",
                "parameters": [item for item in list_parameters() if item["name"] not in ("page", "per_page")],
                "responses": {"200": {"description": "A GeoJSON FeatureCollection (RFC 7946) of points",
                                      "content": {"application/geo+json": {"schema": GEOJSON_SCHEMA}}},
                              "400": bad_request}}},
            "/api/v1/figures": {"get": {
                "summary": "Headline figures of all public projects",
                "responses": {"200": _json("Figures", PortfolioFigures), "400": bad_request}}},
        },
        # A copy, so that a caller editing its document cannot change the next one.
        "components": {"schemas": copy.deepcopy(component_schemas())},
    }

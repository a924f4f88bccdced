"""The OpenAPI 3.1 description of /api/v1, generated from the very types the answers are built from.

Every answer is a dataclass below or in ``tracker.publishing.public`` turned into JSON by ``plain()``, and
the response schemas are generated from those dataclasses by pydantic, taught plain's conventions (every
field present, nothing else; Decimal as ``str()`` and datetime as ``isoformat()`` write them). A field added
to a public variant thus appears in the description without anyone editing it.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from pydantic import TypeAdapter, WithJsonSchema
from pydantic.json_schema import GenerateJsonSchema

from tracker.core.vocab import FundingSource, Stage

# Imported for its side effect: governance registers the compliance filters the list offers.
from tracker.governance import compliance as _compliance  # noqa: F401
from tracker.projects.queries import COMPLIANCE_FILTERS
from tracker.publishing.public import PortfolioFigures, PublicAuthority, PublicProject, PublicProjectSummary

MAX_PER_PAGE = 100
REF_TEMPLATE = "#/components/schemas/{model}"
#: ``str(Decimal)`` of a finite amount: "1500000.00", "0", "-1.5", "1E+3".
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?(E[+-]\d+)?$"
#: ``datetime.isoformat()``; the offset is missing where the database keeps none (SQLite), so this is not
#: JSON Schema's "date-time" format, which requires one.
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?([+-]\d{2}:\d{2}(:\d{2}(\.\d{6})?)?)?$"

Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]


@dataclass(frozen=True)
class ProjectLinks:
    """The same project as a web page, an API answer, a PDF report and an OC4IDS package."""

    page: Url
    api: Url
    report_pdf: Url
    oc4ids: Url


@dataclass(frozen=True, kw_only=True)
class ProjectItem(PublicProjectSummary):
    """A project in a list: its public summary and its links."""

    links: ProjectLinks


@dataclass(frozen=True, kw_only=True)
class ProjectDetail(PublicProject):
    """One public project with its links."""

    links: ProjectLinks


@dataclass(frozen=True)
class ProjectPage:
    """A page of public projects; ``total`` counts them all."""

    page: int
    per_page: int
    pages: int
    total: int
    items: tuple[ProjectItem, ...]


@dataclass(frozen=True)
class AuthorityLinks:
    report_pdf: Url
    oc4ids: Url


@dataclass(frozen=True)
class AuthorityAnswer:
    """An authority with the figures and scorecard of the public projects in its subtree."""

    authority: PublicAuthority
    figures: PortfolioFigures
    links: AuthorityLinks


@dataclass(frozen=True)
class ApiError:
    error: str


def with_links(cls: type, value: Any, links: Any) -> Any:
    """``value`` (a public variant) as its linked answer type ``cls``; a shallow copy, fields unchanged."""
    return cls(**{f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, links=links)


class PlainJsonSchema(GenerateJsonSchema):
    """JSON Schema of what ``plain()`` emits rather than of what pydantic would serialise."""

    def field_is_required(self, field, total: bool) -> bool:
        return True  # plain() writes every field, defaults included

    def dataclass_args_schema(self, schema) -> dict:
        json_schema = super().dataclass_args_schema(schema)
        json_schema["additionalProperties"] = False  # nor anything else: properties are not fields
        return json_schema

    def default_schema(self, schema) -> dict:
        return self.generate_inner(schema["schema"])  # defaults of a constructor say nothing about an answer

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def get_decimal_pattern(self, schema) -> str:
        return DECIMAL_PATTERN

    def datetime_schema(self, schema) -> dict:
        return {"type": "string", "pattern": DATETIME_PATTERN}


#: The answer of each endpoint, by its name in the description.
ANSWERS = (ProjectPage, ProjectDetail, AuthorityAnswer, PortfolioFigures, ApiError)


@lru_cache(maxsize=1)
def _generated() -> tuple[dict[type, dict], dict[str, dict]]:
    """(a $ref per answer type, components/schemas): pydantic's ``$defs`` hoisted into the components."""
    refs, top = TypeAdapter.json_schemas([(cls, "serialization", TypeAdapter(cls)) for cls in ANSWERS],
                                         ref_template=REF_TEMPLATE, schema_generator=PlainJsonSchema)
    return {cls: refs[(cls, "serialization")] for cls in ANSWERS}, top["$defs"]


def response_schema(cls: type) -> dict:
    """The ``$ref`` to the schema of answer type ``cls`` (one of ``ANSWERS``)."""
    return dict(_generated()[0][cls])


def _json(description: str, cls: type) -> dict:
    return {"description": description, "content": {"application/json": {"schema": response_schema(cls)}}}


def _values(vocabulary) -> list[str]:
    return [item.value for item in vocabulary]


def openapi_document(publisher: str) -> dict:
    """The whole description; the filters' choices are read now, from the vocabularies and the registry."""
    list_parameters = [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                                       "default": 25}},
        {"name": "q", "in": "query", "description": "Text in the title or the reference", "schema": {"type": "string"}},
        {"name": "authority", "in": "query", "description": "An authority id: its whole subtree",
         "schema": {"type": "integer"}},
        {"name": "sector", "in": "query", "description": "OC4IDS projectSector code", "schema": {"type": "string"}},
        {"name": "stage", "in": "query", "schema": {"type": "string", "enum": _values(Stage)}},
        {"name": "source", "in": "query", "description": "Funding source",
         "schema": {"type": "string", "enum": _values(FundingSource)}},
        {"name": "compliance", "in": "query", "description": "By the latest stored evaluation",
         "schema": {"type": "string", "enum": list(COMPLIANCE_FILTERS)}},
    ]
    not_found = _json("No such public item", ApiError)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{publisher} public API", "version": "1.0.0",
                 "description": "Read-only public data on Ukraine's reconstruction projects. Open data in OC4IDS "
                                "is under /open-data/oc4ids/."},
        "paths": {
            "/api/v1/projects": {"get": {
                "summary": "Public projects, paginated", "parameters": list_parameters,
                "responses": {"200": _json("A page of projects", ProjectPage)}}},
            "/api/v1/projects/{reference}": {"get": {
                "summary": "One public project",
                "parameters": [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json("The project", ProjectDetail), "404": not_found}}},
            "/api/v1/authorities/{authority_id}": {"get": {
                "summary": "An authority's figures and OECD scorecard",
                "parameters": [{"name": "authority_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": _json("The authority", AuthorityAnswer), "404": not_found}}},
            "/api/v1/figures": {"get": {
                "summary": "Headline figures of all public projects",
                "responses": {"200": _json("Figures", PortfolioFigures)}}},
        },
        # A copy, so that a caller editing its document cannot change the next one.
        "components": {"schemas": copy.deepcopy(_generated()[1])},
    }

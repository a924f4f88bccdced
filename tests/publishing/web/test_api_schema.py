"""The OpenAPI description is generated from the answer types: real answers of every endpoint validate against it."""
from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tracker.audit import findings
from tracker.core.db import session_scope
from tracker.core.models import Authority
from tracker.core.vocab import FundingSource, Stage
from tracker.projects.models import Project
from tracker.projects.operations import link_party
from tracker.projects.queries import COMPLIANCE_FILTERS
from tracker.publishing.public import PublicProject, PublicProjectSummary, plain

DOCUMENT = "urn:vidnova:api:openapi"  # where the description sits in the registry, so "#/components/..." resolves


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def published(app, rich):
    """The rich world, its school also with a party and a published finding (so every part of a project shows)."""
    with app.app_context(), session_scope(app) as session:
        school = session.get(Project, rich.project.id)
        link_party(session=session, project=school, role="co_financer",
                   authority=session.get(Authority, rich.world.kharkiv_oblast.id))
        data = findings.FindingCreate(stage="needs_assessment", severity="high", principle="P11",
                                      title="Works do not match the contract", description="The roof differs.",
                                      recommendation="Amend the contract.", due_date=date.today() + timedelta(30),
                                      responsible_authority_id=rich.world.kharkiv_hromada.id)
        finding = findings.raise_finding(session=session, project=school, user=rich.world.auditor, data=data)
        findings.set_visibility(session=session, finding=finding, user=rich.world.auditor, is_public=True)
        session.commit()
    return rich


def _validator(spec: dict, path: str, status: str = "200") -> Draft202012Validator:
    schema = spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    registry = Registry().with_resource(DOCUMENT, Resource.from_contents(spec, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": DOCUMENT + schema["$ref"]}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(validator: Draft202012Validator, answer) -> list[str]:
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(answer)]


def _get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_json()


def test_the_description_is_openapi_3_1_with_generated_schemas(spec):
    assert spec["openapi"] == "3.1.0"
    schemas = spec["components"]["schemas"]
    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        assert "$defs" not in schema, name  # hoisted into the components
    refs = []

    def collect(node):
        if isinstance(node, dict):
            refs.extend([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)
    collect(spec)
    assert refs and all(ref.removeprefix("#/components/schemas/") in schemas for ref in refs), refs
    for operation in (item["get"] for path, item in spec["paths"].items() if path.startswith("/api/v1/")):
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] in refs
    geojson = spec["paths"]["/open-data/projects.geojson"]["get"]["responses"]["200"]["content"]
    assert geojson["application/geo+json"]["schema"]["properties"]["type"] == {"const": "FeatureCollection"}
    # Every field of a public variant, and nothing else, is described: model_dump writes each one, even None.
    for name, fields in (("ProjectDetail", set(PublicProject.model_fields) | {"links"}),
                         ("PublicProjectSummary", set(PublicProjectSummary.model_fields))):
        assert set(schemas[name]["properties"]) == set(schemas[name]["required"]) == fields, name
        assert schemas[name]["additionalProperties"] is False, name
    choices = {p["name"]: p["schema"].get("enum") for p in spec["paths"]["/api/v1/projects"]["get"]["parameters"]}
    assert choices["stage"] == [stage.value for stage in Stage]
    assert choices["source"] == [source.value for source in FundingSource]
    assert choices["compliance"] == list(COMPLIANCE_FILTERS) and "failing" in choices["compliance"]


def test_every_answer_matches_its_schema(client, spec, published):
    world = published.world
    for url in ("/api/v1/projects", "/api/v1/projects?per_page=2&page=2",
                "/api/v1/projects?stage=needs_assessment&source=eu&compliance=passing", "/api/v1/projects?q=nothing"):
        assert _errors(_validator(spec, "/api/v1/projects"), _get(client, url)) == [], url
    detail = _get(client, f"/api/v1/projects/{published.project.reference}")
    # The answer exercises every part of a project, so the schema of each is checked against real data.
    for part in ("funding", "contracts", "documents", "parties", "timeline", "progress", "changes"):
        assert detail[part], part
    assert detail["findings"]["items"] and detail["compliance"]["results"]
    assert _errors(_validator(spec, "/api/v1/projects/{reference}"), detail) == []
    authority = _get(client, f"/api/v1/authorities/{world.kharkiv_oblast.id}")
    assert authority["figures"]["money"] and authority["figures"]["rule_sets"]
    assert _errors(_validator(spec, "/api/v1/authorities/{authority_id}"), authority) == []
    assert _errors(_validator(spec, "/api/v1/figures"), _get(client, "/api/v1/figures")) == []
    for path, url in (("/api/v1/projects/{reference}", f"/api/v1/projects/{world.draft.reference}"),
                      ("/api/v1/projects/{reference}", "/api/v1/projects/NO-SUCH"),
                      ("/api/v1/authorities/{authority_id}", "/api/v1/authorities/999999")):
        assert _errors(_validator(spec, path, "404"), _get(client, url, 404)) == [], url


def test_what_plain_writes_elsewhere_matches_too(client, spec, rich):
    """PostgreSQL gives aware datetimes and sums may come back in exponent form; both are plain's output too."""
    detail = _get(client, f"/api/v1/projects/{rich.project.reference}")
    detail["summary"]["updated_at"] = plain(datetime(2025, 5, 1, 9, 30, tzinfo=UTC))
    detail["created_at"] = plain(datetime(2025, 5, 1, 9, 30, 0, 120000))
    detail["funding"][0]["committed"] = plain(Decimal("1.5E+6"))
    detail["funding"][0]["disbursed"] = plain(Decimal("0"))
    assert _errors(_validator(spec, "/api/v1/projects/{reference}"), detail) == []


def _set(path: tuple, value):
    def change(answer):
        *parents, last = path
        for key in parents:
            answer = answer[key]
        answer[last] = value
    return change


def _drop(path: tuple):
    def change(answer):
        *parents, last = path
        for key in parents:
            answer = answer[key]
        del answer[last]
    return change


BROKEN_ITEMS = {
    "progress as text": _set(("items", 0, "physical_progress"), "forty"),
    "a number where plain writes a Decimal string": _set(("items", 0, "money", 0, "committed"), 1500000.0),
    "a date that is no date": _set(("items", 0, "updated_at"), "yesterday"),
    "a field the public variant lacks": _set(("items", 0, "created_by"), "planner@test.ua"),
    "no links": _drop(("items", 0, "links")),
    "a missing nullable field": _drop(("items", 0, "title_en")),
    "a count as text": _set(("total",), "3"),
}


def test_a_broken_answer_is_rejected(client, spec, rich):
    validator = _validator(spec, "/api/v1/projects")
    answer = _get(client, "/api/v1/projects?sector=education")
    assert answer["items"][0]["money"] and _errors(validator, answer) == []
    for name, change in BROKEN_ITEMS.items():
        broken = copy.deepcopy(answer)
        change(broken)
        assert _errors(validator, broken), name
    detail = _get(client, f"/api/v1/projects/{rich.project.reference}")
    detail["contracts"][0]["signed_date"] = "01.06.2024"
    assert _errors(_validator(spec, "/api/v1/projects/{reference}"), detail)

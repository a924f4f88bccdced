"""The public variants are the API's contract: its JSON and its OpenAPI schemas are generated from them alone.

Each component schema lists exactly its model's fields; a field a model does not declare is in neither the
JSON nor the schema, so what is restricted (a funding note, who made a change, an e-mail) cannot leak by an
answer or its description forgetting to leave it out.
"""
from __future__ import annotations

import inspect
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError, create_model

from tracker.publishing import openapi, public
from tracker.publishing.cache import cache_key
from tracker.publishing.openapi import component_schemas, model_schema
from tracker.publishing.public import (
    Money,
    PortfolioFigures,
    PublicAuthority,
    PublicFunding,
    PublicProject,
    PublicProjectSummary,
    PublicVariant,
)
from tracker.rules import Scorecard

#: Names of internal columns and of people: none may be a field of a public variant or a key of an answer.
RESTRICTED = frozenset({"note", "email", "changed_by", "actor_id", "moved_by_id", "uploaded_by_id", "storage_name",
                        "original_name", "is_public", "override_justification", "created_by", "password_hash",
                        "parent_id"})


def _models() -> dict[str, type[BaseModel]]:
    """Every model the description holds, by its component name (public variants and answer envelopes)."""
    found = {}
    for module in (public, openapi):
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, PublicVariant) and value is not PublicVariant:
                found[name] = value
    return found


def _keys(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {key for value in node.values() for key in _keys(value)}
    if isinstance(node, list):
        return {key for value in node for key in _keys(value)}
    return set()


#: Variants no answer holds as such: the reports' (no endpoint serves them, nor their map points) and
#: ``PublicProject``, which the description has as ``ProjectDetail``, itself with its links.
NOT_DESCRIBED = {"PublicPortfolio", "PublicAuthorityReport", "RegionRow", "MapPoint", "PublicProject"}


def test_each_component_schema_lists_exactly_its_models_fields():
    schemas = component_schemas()
    models = _models()
    assert set(models) - NOT_DESCRIBED <= set(schemas), set(models) - NOT_DESCRIBED - set(schemas)
    for name, model in models.items():
        schema = schemas[name] if name in schemas else model_schema(model)[0]
        assert set(schema["properties"]) == set(schema["required"]) == set(model.model_fields), name
        assert schema["additionalProperties"] is False, name
    # The rules' scorecard is a dataclass nested in two variants: its fields, not its properties (share...).
    assert set(schemas["Score"]["properties"]) == {"code", "title_uk", "title_en", "passed", "failed", "errors"}
    assert set(schemas["Scorecard"]["properties"]) == {"principles", "pillars"}


def test_no_restricted_name_is_a_field_a_property_or_an_answer_key(client, rich):
    for name, model in _models().items():
        assert not RESTRICTED & set(model.model_fields), name
    properties = {key for schema in component_schemas().values() for key in schema.get("properties", {})}
    assert not RESTRICTED & properties
    world = rich.world
    for url in ("/api/v1/projects", f"/api/v1/projects/{rich.project.reference}",
                f"/api/v1/authorities/{world.kharkiv_oblast.id}", "/api/v1/figures"):
        answer = client.get(url).get_json()
        assert answer and not RESTRICTED & _keys(answer), url
    detail = client.get(f"/api/v1/projects/{rich.project.reference}").get_json()
    assert detail["funding"] and detail["changes"] and detail["documents"]  # the parts where they would be


def test_a_field_left_out_of_a_model_leaves_both_the_json_and_the_schema():
    """Nothing lists fields by hand: drop one from a variant and the dump and the schema both lose it."""
    fields = {name: (info.annotation, info) for name, info in PublicFunding.model_fields.items()
              if name != "financier_identifier"}
    narrower = create_model("PublicFunding", __base__=PublicVariant, **fields)
    values = dict(source="eu", level="international", financier_uk="ЄІБ", financier_en="EIB", currency="EUR",
                  committed=Decimal("10.00"), disbursed=Decimal("0"), financier_country="LU")
    full = PublicFunding(financier_identifier="LU-1", **values).model_dump(mode="json")
    less = narrower(**values).model_dump(mode="json")
    assert set(full) - set(less) == {"financier_identifier"}
    full_schema, _ = model_schema(PublicFunding)
    less_schema, _ = model_schema(narrower)
    assert set(full_schema["properties"]) - set(less_schema["properties"]) == {"financier_identifier"}
    assert "financier_identifier" not in less_schema["required"]
    with pytest.raises(ValidationError):  # and it cannot be smuggled back in
        narrower(financier_identifier="LU-1", **values)


def _authority(**changes) -> PublicAuthority:
    return PublicAuthority(**{"id": 7, "code": "UA63", "level": "oblast", "name_uk": "Харківська область",
                              "name_en": "Kharkiv Oblast", **changes})


def _summary(**changes) -> PublicProjectSummary:
    values = dict(reference="VID-1", title_uk="Школа", title_en=None, sector="education",
                  project_type="rehabilitation", purpose="p", stage="planning", state="active",
                  authority=_authority(), location_code=None, updated_at=datetime(2025, 5, 1, 9, 30),
                  money=(Money(currency="UAH", committed=Decimal("1500000.00"), disbursed=Decimal("250000.00")),))
    return PublicProjectSummary(**{**values, **changes})


def test_variants_are_frozen_and_refuse_undeclared_fields():
    summary = _summary()
    with pytest.raises(ValidationError):
        summary.title_uk = "інша"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        _summary(note="internal")


def test_bilingual_methods_fall_back_to_the_other_language():
    summary = _summary()
    assert summary.title("uk") == "Школа" and summary.title("en") == "Школа"  # no English title: Ukrainian
    assert _authority().name("en") == "Kharkiv Oblast" and _authority().name("uk") == "Харківська область"
    assert _authority(name_en=None).name("en") == "Харківська область"
    funding = PublicFunding(source="eu", level="international", financier_uk=None, financier_en="EIB",
                            currency="EUR", committed=Decimal(1), disbursed=Decimal(0))
    assert funding.financier("uk") == "EIB" and funding.financier("en") == "EIB"
    assert summary.money_in("UAH").disbursed_share == Decimal("250000.00") / Decimal("1500000.00")
    assert Money(currency="UAH", committed=Decimal(0), disbursed=Decimal(0)).disbursed_share is None


def test_json_writes_decimals_as_str_and_datetimes_as_isoformat():
    summary = _summary(updated_at=datetime(2025, 5, 1, 9, 30, tzinfo=UTC))
    dumped = summary.model_dump(mode="json")
    assert dumped["updated_at"] == "2025-05-01T09:30:00+00:00"  # as isoformat(), not pydantic's "Z"
    assert dumped["money"][0] == {"currency": "UAH", "committed": "1500000.00", "disbursed": "250000.00"}
    assert dumped["compliance"] is None and dumped["physical_progress"] is None  # every field, even None
    assert public.plain({"data": summary, "on": date(2025, 5, 2)}) == {"data": dumped, "on": "2025-05-02"}


def _figures(by_stage: dict[str, int]) -> PortfolioFigures:
    return PortfolioFigures(projects=sum(by_stage.values()), by_stage=by_stage, money=(),
                            committed_uah_by_level={"local": Decimal("1.00")}, committed_uah_by_source={},
                            scorecard=Scorecard(principles=(), pillars=()), evaluated=0)


def test_the_pdf_cache_key_is_the_same_for_equal_data_and_differs_otherwise():
    def key(data, locale="uk"):
        return cache_key(kind="project", locale=locale, data={"data": data, "generated_on": date(2025, 5, 2)})

    assert key(_summary()) == key(_summary())  # built twice, equal: one key
    assert key(_figures({"planning": 2, "completed": 1})) == key(_figures({"completed": 1, "planning": 2}))
    assert key(_summary()) != key(_summary(title_uk="Школа № 2"))
    assert key(_summary()) != key(_summary(), locale="en")
    assert len(key(_summary())) == 64


def test_a_project_answer_is_its_model_dump(client, rich):
    """The API writes the linked model's dump: same keys as the variant's fields plus ``links``."""
    detail = client.get(f"/api/v1/projects/{rich.project.reference}").get_json()
    assert set(detail) == set(PublicProject.model_fields) | {"links"}
    assert set(detail["summary"]) == set(PublicProjectSummary.model_fields)
    items = client.get("/api/v1/projects").get_json()["items"]
    assert items and all(set(item) == set(openapi.ProjectItem.model_fields) for item in items)

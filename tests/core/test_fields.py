"""Validate once: each field's limits and vocabulary are declared on its model, and forms, CSV columns and
services all derive their checks from that one declaration."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from wtforms.validators import Length, NumberRange, Regexp

from tracker.audit import forms as audit_forms
from tracker.core.errors import ServiceError
from tracker.core.fields import cell_parser, check_values, form_validators, problems, spec, validated
from tracker.core.vocab import Currency, FundingSource, Sector, Urgency
from tracker.engagement import forms as engagement_forms
from tracker.planning import csv_io
from tracker.planning.forms import ITEM_FORMS, STAGE_FORMS
from tracker.planning.models import NeedsAssessment, ProgressObservation, ProjectPlan
from tracker.projects.forms import ProjectForm
from tracker.projects.models import FundingLine, Project, ProjectBase
from tracker.projects.operations import ProjectCreate


def test_a_declaration_reads_back_its_kind_limits_pattern_and_vocabulary():
    assert spec(ProjectBase, "title_uk").max_length == 500 and spec(ProjectBase, "title_uk").required
    assert spec(ProjectBase, "description_uk").max_length == 20_000
    assert not spec(ProjectBase, "title_en").required
    assert spec(ProjectBase, "sector").vocabulary is Sector
    assert spec(NeedsAssessment, "urgency").vocabulary is Urgency and not spec(NeedsAssessment, "urgency").required
    latitude = spec(ProjectBase, "latitude")
    assert (latitude.kind, latitude.minimum, latitude.maximum) == (float, -90, 90)
    assert spec(ProjectBase, "location_code").pattern == r"^UA\d{17}$"
    assert spec(ProgressObservation, "physical_percent").maximum == 100


def test_vocabulary_columns_load_as_their_enum_and_store_as_text(session):
    from tests.factories import build_world

    world = build_world(session)
    session.expire_all()
    project = session.get(Project, world.school.id)
    assert type(project.sector) is Sector and type(project.stage).__name__ == "Stage"
    line = FundingLine(project_id=project.id, source="eu", amount_committed=Decimal("5"), currency="EUR")
    session.add(line)
    session.flush()
    session.expire(line)
    assert line.currency is Currency.EUR and line.source is FundingSource.EU
    stored = session.execute(text("SELECT currency FROM funding_line WHERE id = :id"), {"id": line.id}).scalar()
    assert type(stored) is str and stored == "EUR"


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"title_uk": "т" * 501}, "title_uk", "500"),
    ({"sector": "schools"}, "sector", "education"),
    ({"latitude": 91.0}, "latitude", "90"),
    ({"location_code": "UA123"}, "location_code", "form"),
    ({"title_uk": None}, "title_uk", "required"),
])
def test_services_refuse_what_the_declaration_forbids_naming_the_field(values, field, words):
    [(named, message)] = problems(ProjectBase, values)
    assert named == field and words in message
    with pytest.raises(ServiceError) as refused:
        check_values(ProjectBase, values)
    assert refused.value.field == field


def test_values_within_the_declaration_pass_and_unknown_names_are_left_to_the_caller():
    assert problems(ProjectBase, {"title_uk": "т" * 500, "sector": "education", "latitude": -90.0,
                                  "location_code": "UA63120270000096230", "reference_number": "x"}) == []


def test_pydantic_refusals_become_service_errors_on_their_field():
    with pytest.raises(ServiceError) as refused:
        validated(ProjectCreate, {"title_uk": "Школа", "sector": "schools", "project_type": "construction",
                                  "purpose": "restoration"})
    assert refused.value.field == "sector" and "'education'" in refused.value.message
    with pytest.raises(ServiceError) as blank:
        validated(ProjectCreate, {"title_uk": "  ", "sector": "education", "project_type": "construction",
                                  "purpose": "restoration"})
    assert blank.value.field == "title_uk" and blank.value.message == "the Ukrainian title is required"


def test_csv_cells_are_read_as_declared():
    assert cell_parser(ProjectBase, "title_uk")("т" * 500) == "т" * 500
    with pytest.raises(ValueError, match="500"):
        cell_parser(ProjectBase, "title_uk")("т" * 501)
    with pytest.raises(ValueError, match="education"):
        cell_parser(ProjectBase, "sector")("schools")
    assert cell_parser(ProjectBase, "latitude")("49,99") == pytest.approx(49.99)
    with pytest.raises(ValueError, match="between"):
        cell_parser(ProjectBase, "latitude")("91")
    assert cell_parser(ProjectPlan, "budget_total")("1 250 000,50") == Decimal("1250000.50")
    with pytest.raises(ValueError, match="at least"):
        cell_parser(ProjectPlan, "budget_total")("-1")
    with pytest.raises(ValueError, match="at most"):
        cell_parser(ProjectPlan, "budget_total")("1" + "0" * 14)
    assert cell_parser(NeedsAssessment, "assessment_date")("31.03.2026") == date(2026, 3, 31)
    with pytest.raises(ValueError, match="between 0 and 100"):
        cell_parser(ProgressObservation, "physical_percent")("101")
    assert cell_parser(ProjectBase, "is_public")("так") is True


def _limit(validators, kind):
    [found] = [v for v in validators if isinstance(v, kind)]
    return found


def test_every_form_field_over_a_model_field_carries_the_declared_limits():
    forms = [ProjectForm, *STAGE_FORMS.values(), *ITEM_FORMS.values(), engagement_forms.NeedForm,
             engagement_forms.OfferForm, engagement_forms.MessageForm, engagement_forms.ActivityForm,
             engagement_forms.PartnershipForm, engagement_forms.FollowForm, audit_forms.MarkForm,
             audit_forms.SignoffForm, audit_forms.FindingForm]
    checked = 0
    for form in forms:
        model = form.model
        for name, unbound in vars(form).items():
            if name not in model.model_fields or not hasattr(unbound, "field_class"):
                continue
            declared = spec(model, name)
            validators = unbound.kwargs.get("validators") or []
            if declared.max_length is not None or declared.min_length is not None:
                length = _limit(validators, Length)
                assert (length.min, length.max) == (declared.min_length or -1, declared.max_length or -1), name
            if declared.minimum is not None or declared.maximum is not None:
                bound = _limit(validators, NumberRange)
                assert (bound.min, bound.max) == (declared.minimum, declared.maximum), (form.__name__, name)
            if declared.pattern is not None:
                assert _limit(validators, Regexp).regex.pattern == declared.pattern, (form.__name__, name)
            checked += 1
    assert checked > 100  # the project, the four stages, the eight lists and the engagement forms


def test_form_validators_add_nothing_the_model_does_not_declare():
    assert form_validators(ProjectBase, "sector") == []
    assert [type(v) for v in form_validators(ProjectBase, "title_uk")] == [Length]


def test_every_csv_column_over_a_model_field_reads_it_as_declared():
    """The import's columns agree with the model: a value one character too long is refused by each."""
    for column in (*csv_io.PROJECT_COLUMNS, *csv_io.PROGRESS_COLUMNS):
        model = csv_io._DECLARED_ON.get(column.section)
        name = "reference" if column.name == "parent_reference" else column.name
        if model is None or name not in model.model_fields:
            continue
        declared = spec(model, name)
        if declared.kind is str and declared.max_length is not None and declared.pattern is None:
            with pytest.raises(ValueError, match=str(declared.max_length)):
                column.parse("x" * (declared.max_length + 1))
        if declared.vocabulary is not None:
            with pytest.raises(ValueError):
                column.parse("not-a-code")

"""Stage forms over HTTP: happy paths, failure paths (422 with field errors), stale saves (409)."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.planner_factories import VALID_EDRPOU, VALID_TENDER_ID
from tracker.core.db import session_scope
from tracker.planning.models import Contract, NeedsAssessment, ProjectCompletion, ProjectPlan
from tracker.projects.models import Project

NEEDS = {"damage_register_ref": "DR-2023-000481", "assessment_date": "2024-02-01", "rdna_sector": "education",
         "estimated_cost": "12500000.00", "beneficiaries": "640", "idp_beneficiaries": "120", "urgency": "high",
         "strategy_ref": "Strategy 2027, goal 2.1"}
PLANNING = {"scope_output": "School building", "scope_quantity": "2400", "scope_unit": "m2",
            "budget_total": "14000000", "budget_capex": "13000000", "council_decision_number": "1234-VIII",
            "council_decision_date": "2024-04-10", "consultation_start_date": "2024-03-01",
            "consultation_end_date": "2024-03-21", "consequence_class": "CC1", "project_manager_name": "O. Kovalenko"}
COMPLETION = {"status": "completion", "completion_date": "2025-06-01", "final_cost": "13900000.00",
              "acceptance_certificate": "KV-123"}
CONTRACT = {"title": "Works", "subject": "works", "procurement_method": "open_tender", "tender_id": VALID_TENDER_ID,
            "tenderers": "3", "supplier_name": "TOV Budivelnyk", "supplier_edrpou": VALID_EDRPOU,
            "signed_price": "11800000", "signed_date": "2024-06-01", "start_date": "2024-06-10",
            "duration_days": "300", "status": "active", "contract_type": "lump_sum"}


def _url(world, section):
    return f"/manage/projects/{world.school.reference}/stage/{section}"


def _stored(app, model, project_id):
    with app.app_context(), session_scope(app) as session:
        return session.exec(select(model).where(model.project_id == project_id)).first()


@pytest.mark.parametrize(("section", "data", "model", "attribute", "expected"), [
    ("needs", NEEDS, NeedsAssessment, "beneficiaries", 640),
    ("planning", PLANNING, ProjectPlan, "council_decision_number", "1234-VIII"),
    ("completion", COMPLETION, ProjectCompletion, "acceptance_certificate", "KV-123"),
])
def test_stage_form_happy_path(app, client, world, login, section, data, model, attribute, expected):
    login(world.kharkiv_planner)
    page = client.get(_url(world, section))
    assert page.status_code == 200 and 'name="version"' in page.get_data(as_text=True)
    response = client.post(_url(world, section), data={**data, "version": "1"})
    assert response.status_code == 302
    assert getattr(_stored(app, model, world.school.id), attribute) == expected


@pytest.mark.parametrize(("section", "change", "field", "message"), [
    ("needs", {"beneficiaries": "many"}, "beneficiaries", "Not a valid integer value"),
    ("needs", {"beneficiaries": "-5"}, "beneficiaries", "Number must be"),
    ("needs", {"assessment_date": "31/02/2024"}, "assessment_date", "Not a valid date value"),
    ("needs", {"idp_beneficiaries": "900"}, "idp_beneficiaries", "cannot outnumber"),
    ("needs", {"urgency": "someday"}, "urgency", "Not a valid choice"),
    ("planning", {"budget_capex": "15000000"}, "budget_capex", "cannot exceed the total budget"),
    ("planning", {"consultation_url": "not a link"}, "consultation_url", "Invalid URL"),
    ("planning", {"consultation_end_date": "2024-02-01"}, "consultation_end_date", "cannot end before"),
    ("completion", {"status": ""}, "status", "This field is required"),
    ("completion", {"final_cost": "-1"}, "final_cost", "Number must be"),
])
def test_stage_form_failure_paths(app, client, world, login, section, change, field, message):
    login(world.kharkiv_planner)
    client.get("/lang/en")
    data = {**{"needs": NEEDS, "planning": PLANNING, "completion": COMPLETION}[section], **change, "version": "1"}
    response = client.post(_url(world, section), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert _stored(app, {"needs": NeedsAssessment, "planning": ProjectPlan,
                         "completion": ProjectCompletion}[section], world.school.id) is None


def test_missing_version_is_refused(client, world, login):
    login(world.kharkiv_planner)
    assert client.post(_url(world, "needs"), data=NEEDS).status_code == 400


def test_stale_save_answers_409_with_the_differences(app, client, world, login):
    login(world.kharkiv_planner)
    client.get("/lang/en")
    assert client.post(_url(world, "needs"), data={**NEEDS, "version": "1"}).status_code == 302
    response = client.post(_url(world, "needs"), data={**NEEDS, "beneficiaries": "900", "version": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this project first" in html and "900" in html and "640" in html
    assert '<input type="hidden" name="version" value="2">' in html  # sent back only with a choice per field
    assert _stored(app, NeedsAssessment, world.school.id).beneficiaries == 640
    # The stale form again is still refused; choosing "mine" for the one differing field saves exactly that.
    assert client.post(_url(world, "needs"), data={**NEEDS, "beneficiaries": "900", "version": "1"}).status_code == 409
    assert re.findall(r'name="(field|mine-[a-z_]+)" value="([^"]*)"', html) == [("field", "beneficiaries"),
                                                                              ("mine-beneficiaries", "900")]
    choices = {"resolution": "1", "version": "2", "field": "beneficiaries", "mine-beneficiaries": "900"}
    assert client.post(_url(world, "needs"), data=choices).status_code == 422  # no choice made: nothing saved
    assert _stored(app, NeedsAssessment, world.school.id).beneficiaries == 640
    done = client.post(_url(world, "needs"), data={**choices, "choice-beneficiaries": "mine"})
    assert done.status_code == 302
    stored = _stored(app, NeedsAssessment, world.school.id)
    assert stored.beneficiaries == 900 and stored.idp_beneficiaries == int(NEEDS["idp_beneficiaries"])


def test_contract_item_form_paths(app, client, world, login):
    login(world.kharkiv_planner)
    client.get("/lang/en")
    url = f"/manage/projects/{world.school.reference}/items/contract/new"
    bad = client.post(url, data={**CONTRACT, "tender_id": "12345", "version": "1"})
    assert bad.status_code == 422 and "UA-2024-01-31-000123-a" in bad.get_data(as_text=True)
    bad = client.post(url, data={**CONTRACT, "supplier_edrpou": "14360571", "version": "1"})
    assert bad.status_code == 422 and "check digit" in bad.get_data(as_text=True)
    bad = client.post(url, data={**CONTRACT, "supplier_name": "", "version": "1"})
    assert bad.status_code == 422
    assert client.post(url, data={**CONTRACT, "version": "1"}).status_code == 302
    assert _stored(app, Contract, world.school.id).supplier_edrpou == VALID_EDRPOU


def test_others_cannot_edit(client, world, login):
    login(world.irpin_planner)
    assert client.get(_url(world, "needs")).status_code == 403
    assert client.post(_url(world, "needs"), data={**NEEDS, "version": "1"}).status_code == 403
    login(world.auditor)
    assert client.get(_url(world, "needs")).status_code == 403


def test_public_page_shows_stage_data_and_history(app, client, world, login):
    login(world.kharkiv_planner)
    client.post(_url(world, "needs"), data={**NEEDS, "version": "1"})
    client.post("/logout")
    client.get("/lang/en")
    html = client.get(f"/projects/{world.school.reference}").get_data(as_text=True)
    assert "Beneficiaries" in html and "640" in html and "Change history" in html
    with app.app_context(), session_scope(app) as session:
        assert session.get(Project, world.school.id).version == 2

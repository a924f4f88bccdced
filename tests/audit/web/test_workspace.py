"""The auditor's workspace over HTTP: who may open and do what, form validation, CSV, public summary."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

DUE = (date.today() + timedelta(days=20)).isoformat()
STATEMENT = "Site visited on 3 May; the works match contract 14/2024."


def _project_url(project, tail=""):
    return f"/audit/projects/{project.reference}{tail}"


def _finding_data(world, **overrides):
    return {"title": "Works do not match the contract", "severity": "high", "stage": "needs_assessment",
            "principle": "P11", "rule_id": "A-VISIT", "description": "The roof differs from the design.",
            "recommendation": "Replace it or amend the contract.", "due_date": DUE,
            "responsible_authority_id": str(world.kharkiv_hromada.id), **overrides}


def _raise(client, world, **overrides) -> int:
    response = client.post(_project_url(world.school, "/findings/new"), data=_finding_data(world, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


@pytest.mark.parametrize(("who", "status"), [("auditor", 200), ("admin", 200), ("kharkiv_planner", 403)])
def test_portfolio_access(client, world, login, who, status):
    login(getattr(world, who))
    assert client.get("/audit/").status_code == status
    assert client.get(_project_url(world.school)).status_code == status


def test_anonymous_is_sent_to_sign_in(client, world):
    assert client.get("/audit/").status_code == 302
    assert client.get("/audit/findings").status_code == 302


def test_portfolio_filters_and_csv(client, world, login):
    login(world.auditor)
    client.get("/lang/en")
    page = client.get(f"/audit/?authority={world.kharkiv_oblast.id}&rule=A-FUND").get_data(as_text=True)
    assert world.clinic.reference in page and world.bridge.reference not in page
    assert "OECD scorecard of the selection" in page
    export = client.get(f"/audit/portfolio.csv?authority={world.kharkiv_oblast.id}&rule=A-FUND")
    assert export.mimetype == "text/csv"
    lines = export.get_data(as_text=True).splitlines()
    assert lines[0].startswith("reference,") and len(lines) == 3  # clinic and draft


def test_auditor_marks_an_item_and_signs_off(client, world, login):
    login(world.auditor)
    client.get("/lang/en")
    page = client.get(_project_url(world.school)).get_data(as_text=True)
    assert "A site visit confirms the works match the contract" in page and "Awaiting an auditor" in page
    refused = client.post(_project_url(world.school, "/signoff"),
                          data={"stage": "needs_assessment", "statement": STATEMENT})
    assert refused.status_code == 422 and "mark every manual item first" in refused.get_data(as_text=True)
    invalid = client.post(_project_url(world.school, "/marks/A-VISIT"),
                          data={"m-a-visit-stage": "needs_assessment", "m-a-visit-verdict": "fail"})
    assert invalid.status_code == 422 and "needs a comment" in invalid.get_data(as_text=True)
    marked = client.post(_project_url(world.school, "/marks/A-VISIT"),
                         data={"m-a-visit-stage": "needs_assessment", "m-a-visit-verdict": "pass",
                               "m-a-visit-comment": "Visited 3 May."})
    assert marked.status_code == 302
    signed = client.post(_project_url(world.school, "/signoff"),
                         data={"stage": "needs_assessment", "statement": STATEMENT})
    assert signed.status_code == 302
    page = client.get(_project_url(world.school)).get_data(as_text=True)
    assert "signed by auditor (Auditor)" in page and "Current" in page


def test_an_auditors_refusals_speak_ukrainian(client, world, login):
    login(world.auditor)
    refused = client.post(_project_url(world.school, "/signoff"),
                          data={"stage": "needs_assessment", "statement": STATEMENT}).get_data(as_text=True)
    assert "спершу позначте кожен ручний пункт: A-VISIT" in refused and "mark every manual item" not in refused
    invalid = client.post(_project_url(world.school, "/marks/A-VISIT"),
                          data={"m-a-visit-stage": "needs_assessment", "m-a-visit-verdict": "fail"})
    assert "поясніть чому: невиконаний або незастосовний пункт потребує коментаря" in invalid.get_data(as_text=True)


def test_sign_off_shows_stale_with_what_changed(client, world, login):
    login(world.auditor)
    client.post(_project_url(world.school, "/marks/A-VISIT"),
                data={"m-a-visit-stage": "needs_assessment", "m-a-visit-verdict": "pass"})
    client.post(_project_url(world.school, "/signoff"), data={"stage": "needs_assessment", "statement": STATEMENT})
    client.post("/logout")
    login(world.kharkiv_planner)
    edit = {"title_uk": world.school.title_uk, "sector": "education", "project_type": "rehabilitation",
            "purpose": "restoration", "is_public": "y", "location_code": "UA63120270000096230", "version": "1"}
    assert client.post(f"/manage/projects/{world.school.reference}/edit", data=edit).status_code == 302
    client.post("/logout")
    login(world.auditor)
    client.get("/lang/en")
    page = client.get(_project_url(world.school)).get_data(as_text=True)
    assert "Stale: the project changed after the sign-off" in page
    # The changed fact by its title (its name in the rules' vocabulary stays in the checks' code).
    assert "<td>Location (KATOTTG code)</td>" in page and "UA63120270000096230" in page


@pytest.mark.parametrize("who", ["kharkiv_planner", "admin"])
def test_planners_and_admins_cannot_mark_sign_or_raise(client, world, login, who):
    login(getattr(world, who))
    assert client.post(_project_url(world.school, "/marks/A-VISIT"),
                       data={"m-a-visit-stage": "needs_assessment", "m-a-visit-verdict": "pass"}).status_code == 403
    assert client.post(_project_url(world.school, "/signoff"),
                       data={"stage": "needs_assessment", "statement": STATEMENT}).status_code == 403
    assert client.post(_project_url(world.school, "/findings/new"), data=_finding_data(world)).status_code == 403


def test_invalid_finding_is_422(client, world, login):
    login(world.auditor)
    response = client.post(_project_url(world.school, "/findings/new"), data=_finding_data(world, severity="awful"))
    assert response.status_code == 422
    assert client.post(_project_url(world.school, "/findings/new"),
                       data=_finding_data(world, due_date="2001-01-01")).status_code == 422


def test_finding_lifecycle_over_http(client, world, login):
    login(world.auditor)
    finding_id = _raise(client, world)
    url = f"/audit/findings/{finding_id}"
    assert client.post(url + "/step", data={"action": "answer", "note": "x"}).status_code == 403
    client.post("/logout")

    login(world.irpin_planner)  # another oblast: the finding does not exist for them
    assert client.get(url).status_code == 404
    assert client.post(url + "/step", data={"action": "answer", "note": "x"}).status_code == 404
    client.post("/logout")

    login(world.kharkiv_planner)
    client.get("/lang/en")
    assert "Works do not match the contract" in client.get("/audit/findings").get_data(as_text=True)
    assert client.post(url + "/step", data={"action": "answer", "note": ""}).status_code == 422
    assert client.post(url + "/step", data={"action": "answer", "note": "Roof replaced in June."}).status_code == 302
    assert client.post(url + "/step", data={"action": "resolve"}).status_code == 403
    assert client.post(url + "/visibility", data={"is_public": "y"}).status_code == 403
    client.post("/logout")

    login(world.auditor)
    client.get("/lang/en")
    assert client.post(url + "/step", data={"action": "resolve"}).status_code == 302
    assert client.post(url + "/step", data={"action": "close"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Roof replaced in June." in page and "Closed" in page


def test_overdue_findings_stand_out(app, client, world, login):
    from tracker.audit.models import Finding
    from tracker.core.db import session_scope

    login(world.auditor)
    finding_id = _raise(client, world)
    with app.app_context(), session_scope(app) as session:
        finding = session.get(Finding, finding_id)
        finding.due_date = date.today() - timedelta(days=3)
        session.add(finding)
    client.get("/lang/en")
    assert "Overdue" in client.get("/audit/findings").get_data(as_text=True)
    assert "1 overdue" in client.get("/audit/").get_data(as_text=True)


def test_public_page_shows_only_published_findings(client, world, login):
    login(world.auditor)
    hidden = _raise(client, world, title="Internal working note")
    shown = _raise(client, world, title="Roof differs from the design")
    assert client.post(f"/audit/findings/{shown}/visibility", data={"is_public": "y"}).status_code == 302
    client.post("/logout")
    client.get("/lang/en")
    page = client.get(f"/projects/{world.school.reference}").get_data(as_text=True)
    assert "Findings of the auditors" in page and "Roof differs from the design" in page
    assert "Internal working note" not in page
    assert hidden != shown


def test_auditors_cannot_edit_project_data(client, world, login):
    """Separation of duties: every planner write route refuses an auditor."""
    login(world.auditor)
    reference = world.school.reference
    assert client.post(f"/manage/projects/{reference}/edit", data={"version": "1"}).status_code == 403
    assert client.post(f"/manage/projects/{reference}/stage/needs", data={"version": "1"}).status_code == 403
    assert client.post(f"/manage/projects/{reference}/items/permit/new", data={"version": "1"}).status_code == 403
    assert client.post(f"/manage/projects/{reference}/documents", data={"version": "1"}).status_code == 403
    assert client.post(f"/manage/projects/{reference}/move", data={"version": "1"}).status_code in (403, 404)

"""The move page: a blocked move shows each failing rule's explanation, and succeeds once the data is fixed."""
from __future__ import annotations

import pytest

from tests.governance.services.conftest import GATE_RULES
from tracker import create_app
from tracker.core.db import get_engine

JUSTIFICATION = "Emergency repair ordered by the oblast military administration on 3 March."


@pytest.fixture
def app(database_url, tmp_path):
    """The app with the tests' own small rule set (one blocker on the site code)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "test_gates.yaml").write_text(GATE_RULES, encoding="utf-8")
    app = create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
                      "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False, "RULES_DIR": str(rules)})
    yield app
    get_engine(app).dispose()


def move_url(project):
    return f"/manage/projects/{project.reference}/move"


def test_blocked_move_explains_then_succeeds_after_the_fix(client, world, login):
    login(world.derhachi_planner)
    page = client.get(move_url(world.clinic)).get_data(as_text=True)
    assert "T-SITE" in page and "disabled" in page  # the hromada planner may not override, and is told why
    assert 'aria-describedby="why-blocked"' in page and "планувальник вищого органу" in page
    blocked = client.post(move_url(world.clinic), data={"version": "1"})
    assert blocked.status_code == 409
    client.get("/lang/en")
    page = client.get(move_url(world.clinic)).get_data(as_text=True)
    assert "Missing data: Location (KATOTTG code)." in page
    assert f'href="/manage/projects/{world.clinic.reference}/edit#location_code"' in page

    edit = {"title_uk": world.clinic.title_uk, "sector": "health", "project_type": "rehabilitation",
            "purpose": "restoration", "is_public": "y", "location_code": "UA63120050000013387", "version": "1"}
    assert client.post(f"/manage/projects/{world.clinic.reference}/edit", data=edit).status_code == 302
    moved = client.post(move_url(world.clinic), data={"version": "2"})
    assert moved.status_code == 302
    history = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert "Needs assessment → Planning" in history


def test_failing_blocker_shows_its_explanation(client, app, world, login):
    from tracker.core.db import session_scope

    with app.app_context(), session_scope(app) as session:
        clinic = session.get(type(world.clinic), world.clinic.id)
        clinic.location_code = "UA6312005"  # a P-code, not a KATOTTG code
        session.add(clinic)
    login(world.derhachi_planner)
    client.get("/lang/en")
    response = client.post(move_url(world.clinic), data={"version": "2"})
    assert response.status_code == 409
    assert "The site has no KATOTTG code." in response.get_data(as_text=True)


def test_override_is_published_with_its_justification(client, world, login):
    login(world.kharkiv_planner)  # the oblast above the hromada may override
    response = client.post(move_url(world.clinic), data={"version": "1", "justification": JUSTIFICATION})
    assert response.status_code == 302
    client.post("/logout")
    public = client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)
    assert JUSTIFICATION in public


def test_short_justification_is_refused(client, world, login):
    login(world.kharkiv_planner)
    response = client.post(move_url(world.clinic), data={"version": "1", "justification": "urgent"})
    assert response.status_code == 422
    assert "30" in response.get_data(as_text=True)


def test_hromada_planner_cannot_override(client, world, login):
    login(world.derhachi_planner)
    response = client.post(move_url(world.clinic), data={"version": "1", "justification": JUSTIFICATION})
    assert response.status_code == 403


def test_move_page_refuses_other_roles_and_scopes(client, world, login):
    login(world.auditor)
    assert client.get(move_url(world.clinic)).status_code == 403
    login(world.irpin_planner)
    assert client.post(move_url(world.clinic), data={"version": "1"}).status_code == 403

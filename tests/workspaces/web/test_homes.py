"""Each role's home at /my: where signing in lands, what each home lists, and its cost in statements."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.engagement.services.conftest import PARTNER_PASSWORD, clinic_need, register
from tests.factories import PASSWORD, project_data
from tests.planning.web.test_query_counts import _count
from tests.voice.conftest import add_moderator
from tests.web_fixtures import sign_in
from tracker.accounts.models import User
from tracker.audit.findings import FindingCreate, raise_finding
from tracker.audit.models import Finding
from tracker.core.db import session_scope
from tracker.core.models import Authority
from tracker.jobs.models import Job, JobState
from tracker.projects.models import Project
from tracker.projects.operations import create_project
from tracker.voice.models import CitizenItem

#: The planner's home: user and scope, projects with their latest evaluations, findings, citizens' items and offers
#: (8), and the evaluation of the gate into the next stage (17 for all the projects at one stage).
MAX_STATEMENTS = 25


def _english(client):
    client.get("/lang/en")
    return client


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/my")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("who", ["admin", "kharkiv_planner", "auditor"])
def test_signing_in_lands_on_the_home(client, world, who):
    response = sign_in(client, getattr(world, who).email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/my"


def test_a_safe_next_wins_and_an_unsafe_one_lands_on_the_home(client, world):
    response = client.post("/login?next=/audit/findings",
                           data={"email": world.auditor.email, "password": PASSWORD})
    assert response.headers["Location"] == "/audit/findings"
    client.post("/logout")
    response = client.post("/login?next=https://evil.example/",
                           data={"email": world.auditor.email, "password": PASSWORD})
    assert response.headers["Location"] == "/my"


def test_partner_and_moderator_land_on_their_homes(app, client, world):
    with app.app_context(), session_scope(app) as session:
        register(session, confirm_by=session.get(User, world.admin.id))
        clinic_need(session, world)
        add_moderator(session)
    response = client.post("/login", data={"email": "partner@lyon-test.eu", "password": PARTNER_PASSWORD})
    assert response.headers["Location"] == "/my"
    page = _english(client).get("/my").get_data(as_text=True)
    assert "Needs that fit you" in page and "My offers" in page and "My partnerships" in page
    assert "/needs/" in page  # the clinic's need fits Lyon's profile
    client.post("/logout")
    assert sign_in(client, "moderator@test.ua").headers["Location"] == "/my"
    page = client.get("/my").get_data(as_text=True)
    assert "/manage/voice" in page and "await your decision" in page


def test_a_planner_sees_only_the_projects_in_scope(client, world, login):
    page = _english(login(world.derhachi_planner)).get("/my").get_data(as_text=True)
    assert "My projects" in page
    assert world.clinic.reference in page and world.draft.reference in page
    assert world.school.reference not in page and world.bridge.reference not in page
    # The oblast's planner sees the Kharkiv projects, the Irpin bridge stays out.
    client.post("/logout")
    page = login(world.kharkiv_planner).get("/my").get_data(as_text=True)
    assert world.school.reference in page and world.clinic.reference in page
    assert world.bridge.reference not in page


def test_the_planner_home_links_failures_and_what_is_due(app, client, world, login):
    with app.app_context(), session_scope(app) as session:
        auditor = session.get(User, world.auditor.id)
        project = session.get(Project, world.clinic.id)
        finding = raise_finding(session=session, project=project, user=auditor, data=FindingCreate(
            stage="needs_assessment", severity="high", title="No minutes", description="None kept",
            recommendation="Keep minutes", due_date=date.today() + timedelta(days=3),
            responsible_authority_id=world.derhachi_hromada.id))
        finding.due_date = date.today() - timedelta(days=1)  # it was due yesterday
        session.add(CitizenItem(project_id=project.id, kind="question", body="When?", author_email="a@example.org",
                                state="published", due_on=date.today() - timedelta(days=2)))
        session.add(CitizenItem(project_id=project.id, kind="complaint", category="delay", body="Late",
                                author_email="b@example.org", state="published",
                                due_on=date.today() + timedelta(days=5)))
        session.add(CitizenItem(project_id=project.id, kind="question", body="Done?", author_email="c@example.org",
                                state="published", due_on=date.today() - timedelta(days=2),
                                answer="Yes", answered_at=date.today()))
    page = _english(login(world.derhachi_planner)).get("/my").get_data(as_text=True)
    row = page.split(world.clinic.reference, 1)[1].split("</tr>", 1)[0]
    assert "1 finding to answer" in row and "1 overdue" in row
    assert "2 citizens' questions or complaints to answer" in row, row  # the answered one is not waiting
    assert f"/projects/{world.clinic.reference}#compliance-title" in row or "No rule fails" in row
    # The clinic lacks what the gate into planning asks for: the home says so and links the gate page.
    assert f'href="/manage/projects/{world.clinic.reference}/move"' in row and "move to Planning" in row


def test_the_auditor_queue(app, client, world, login):
    with app.app_context(), session_scope(app) as session:
        project = session.get(Project, world.school.id)
        finding = raise_finding(session=session, project=project, user=session.get(User, world.auditor.id),
                                data=FindingCreate(
                                    stage="needs_assessment", severity="high", title="Tender split in lots",
                                    description="Split", recommendation="Merge", due_date=date.today(),
                                    responsible_authority_id=world.kharkiv_hromada.id))
        finding.due_date = date.today() - timedelta(days=10)
        session.add(CitizenItem(project_id=world.bridge.id, kind="complaint", category="corruption",
                                body="Kickbacks", author_email="d@example.org", state="published",
                                due_on=date.today() - timedelta(days=1)))
    page = _english(login(world.auditor)).get("/my").get_data(as_text=True)
    assert "My queue" in page
    unsigned = page.split('id="unsigned-title"', 1)[1].split("</section>", 1)[0]
    assert world.school.reference in unsigned  # nobody signed its checklist off
    overdue = page.split('id="overdue-title"', 1)[1].split("</section>", 1)[0]
    assert "Tender split in lots" in overdue
    complaints = page.split('id="complaints-title"', 1)[1].split("</section>", 1)[0]
    assert world.bridge.reference in complaints and "Overdue" in complaints


def test_the_admin_home_links_only_pages_that_exist(app, client, world, login):
    with app.app_context(), session_scope(app) as session:
        session.add(Job(kind="csv_import", state=JobState.FAILED, started_by_id=world.kharkiv_planner.id))
    page = _english(login(world.admin)).get("/my").get_data(as_text=True)
    assert '<a href="/jobs/">1</a>' in page and "Failed: 1" in page
    assert "/manage/partners" in page and "/manage/rules" in page and "/jobs/" in page
    assert 'href="/manage/users"' not in page and 'href="/manage/rules/settings"' not in page


def test_the_admin_home_links_the_users_page_once_it_exists(app, world):
    app.add_url_rule("/manage/users", "stand_in_users", lambda: "users")
    client = app.test_client()
    assert sign_in(client, world.admin.email).status_code == 302
    assert 'href="/manage/users"' in client.get("/my").get_data(as_text=True)


def test_each_role_sees_its_own_home_only(client, world, login):
    assert "My projects" not in _english(login(world.auditor)).get("/my").get_data(as_text=True)
    client.post("/logout")
    page = login(world.irpin_planner).get("/my").get_data(as_text=True)
    assert "My queue" not in page and "My projects" in page


def test_the_header_links_the_home_for_signed_in_users(client, world, login):
    assert 'href="/my"' not in _english(client).get("/").get_data(as_text=True)
    assert 'href="/my"' in login(world.irpin_planner).get("/").get_data(as_text=True)


def test_the_planner_home_costs_the_same_for_one_or_many_projects(app, client, world, login):
    login(world.irpin_planner)
    counts = []
    for extra in (0, 12):
        with app.app_context(), session_scope(app) as session:
            irpin = session.get(Authority, world.irpin_hromada.id)
            auditor = session.get(User, world.auditor.id)
            for index in range(extra):
                project = create_project(session=session, authority=irpin,
                                         data=project_data(title_uk=f"Школа {index}", title_en=f"School {index}"))
                raise_finding(session=session, project=project, user=auditor, data=FindingCreate(
                    stage="needs_assessment", severity="low", title=f"Finding {index}", description="Described",
                    recommendation="Do better", due_date=date.today() + timedelta(days=3),
                    responsible_authority_id=irpin.id))
                session.add(CitizenItem(project_id=project.id, kind="question", body="When?",
                                        author_email=f"q{index}@example.org", state="published",
                                        due_on=date.today()))
            shown = len(session.exec(select(Project).where(Project.authority_id == irpin.id)).all())
        response = None

        def render():
            nonlocal response
            response = client.get("/my")

        counts.append(_count(app, render))
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("/manage/projects/VID-") >= shown
    assert counts[0] == counts[1] <= MAX_STATEMENTS, counts
    with app.app_context(), session_scope(app) as session:
        assert session.exec(select(Finding)).first() is not None

"""The demo data: it loads, it looks like the real thing, and a second load changes nothing."""
from __future__ import annotations

from collections import Counter

import pytest
import yaml
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from tracker.accounts.models import User, UserAuthority
from tracker.core.models import Authority
from tracker.core.transliteration import transliterate
from tracker.demo.build import DATA_DIR, DEMO_PASSWORD, load_demo
from tracker.projects.models import FundingLine, Project, StageHistory

PROJECTS = yaml.safe_load((DATA_DIR / "projects.yaml").read_text(encoding="utf-8"))
DEMO_OBLASTS = ("UA63", "UA74", "UA48", "UA32")  # Kharkiv, Chernihiv, Mykolaiv, Kyiv Oblast


@pytest.mark.parametrize(("uk", "en"), [
    ("Київ", "Kyiv"), ("Харків", "Kharkiv"), ("Чернігів", "Chernihiv"), ("Миколаїв", "Mykolaiv"),
    ("Ірпінь", "Irpin"), ("Буча", "Bucha"), ("Згурівка", "Zghurivka"), ("Біла Церква", "Bila Tserkva"),
    ("Знам’янка", "Znamianka"), ("Єнакієве", "Yenakiieve"), ("Запоріжжя", "Zaporizhzhia"),
])
def test_transliteration_follows_the_2010_resolution(uk, en):
    assert transliterate(uk) == en


def test_demo_loads_once(session):
    first = load_demo(session=session)
    session.commit()
    second = load_demo(session=session)

    assert 35 <= first["projects"] == len(PROJECTS) <= 45
    assert first["users"] == 5 and first["organisations"] >= 20 and first["funding_lines"] >= len(PROJECTS)
    assert (first["partners"], first["needs"], first["partnerships"]) == (3, 3, 1)
    assert {name: count for name, count in second.items() if name != "logins"} == dict.fromkeys(
        ("authorities", "organisations", "users", "projects", "funding_lines", "parties", "stage_moves",
         "partners", "needs", "partnerships"), 0)
    assert {login["email"] for login in second["logins"]} == {
        "admin@vidnova.demo", "planner.kharkiv@vidnova.demo", "planner.irpin@vidnova.demo", "auditor@vidnova.demo",
        "partner.krakow@vidnova.demo", "moderator@vidnova.demo"}


def test_demo_geography_has_all_level_one_units_with_english_names(session):
    load_demo(session=session)
    level1 = session.execute(select(Authority).where(Authority.category.in_(("O", "K")))).scalars().all()

    assert len(level1) == 27
    assert all(unit.name_en and unit.level == "oblast" for unit in level1)
    irpin = session.execute(select(Authority).where(Authority.code == "UA32080150000035443")).scalar_one()
    assert (irpin.name_uk, irpin.name_en) == ("Ірпінська міська територіальна громада", "Irpin urban hromada")
    hromadas = Counter(code[:4] for code in session.execute(
        select(Authority.code).where(Authority.level == "hromada")).scalars())
    assert all(hromadas[prefix] >= 8 for prefix in DEMO_OBLASTS)


def test_demo_users_have_roles_scopes_and_hashed_passwords(session):
    load_demo(session=session)
    users = {user.email: user for user in session.execute(select(User)).scalars()}

    assert Counter(user.role for user in users.values()) == {"admin": 1, "planner": 2, "auditor": 1, "moderator": 1,
                                                             "partner": 3}
    assert all(check_password_hash(user.password_hash, DEMO_PASSWORD) for user in users.values())
    scope = session.execute(select(Authority.code).join(UserAuthority, UserAuthority.authority_id == Authority.id)
                            .where(UserAuthority.user_id == users["planner.irpin@vidnova.demo"].id)).scalars()
    assert list(scope) == ["UA32080150000035443"]


def test_demo_projects_are_owned_in_the_demo_oblasts_and_span_every_stage(session):
    load_demo(session=session)
    rows = session.execute(select(Project, Authority).join(Authority, Project.authority_id == Authority.id)).all()

    assert all(a.level in {"hromada", "raion", "oblast"} and a.code[:4] in DEMO_OBLASTS for _p, a in rows)
    projects = [project for project, _authority in rows]
    assert {p.stage for p in projects} == {"needs_assessment", "planning", "implementation", "completed"}
    assert {p.state for p in projects} == {"active", "suspended", "cancelled"}
    assert any(not p.is_public for p in projects)
    assert len({p.sector for p in projects}) >= 8


def test_demo_stage_history_replays_each_project(session):
    load_demo(session=session)
    moves = Counter(session.execute(select(StageHistory.project_id)).scalars())
    projects = {p.dream_code: p for p in session.execute(select(Project)).scalars()}

    for record in PROJECTS:
        project = projects[record["dream_code"]]
        state_moves = len([key for key in record.get("state") or {} if key != "note"])
        assert moves[project.id] == len(record["stages"]) + state_moves
        assert project.stage == list(record["stages"])[-1]


def test_disbursed_stays_within_committed_except_the_deliberate_overspend(session):
    load_demo(session=session)
    overspent = session.execute(select(func.count()).select_from(FundingLine)
                                .where(FundingLine.amount_disbursed > FundingLine.amount_committed)).scalar_one()
    intended = sum(1 for record in PROJECTS for line in record["funding"] if line.get("overspend"))

    assert overspent == intended == 1


def test_demo_projects_carry_the_stage_data_of_the_stages_they_reached(session):
    from tracker.planning.models import Contract, NeedsAssessment, ProjectCompletion, ProjectPlan

    load_demo(session=session)
    projects = session.scalars(select(Project)).all()
    recorded = {model: set(session.scalars(select(model.project_id))) for model in
                (NeedsAssessment, ProjectPlan, Contract, ProjectCompletion)}
    order = ["needs_assessment", "planning", "implementation", "completed"]
    for project in projects:
        reached = order.index(project.stage)
        expected = [NeedsAssessment, ProjectPlan, Contract, ProjectCompletion][:reached + 1]
        assert all(project.id in recorded[model] for model in expected), project.reference
        assert all(project.id not in recorded[model] for model in
                   [NeedsAssessment, ProjectPlan, Contract, ProjectCompletion][reached + 1:]), project.reference
        assert project.subsector


def test_the_demo_command_labels_each_login_and_says_when_nothing_was_added(database_url, engine):
    from click.testing import CliRunner

    from tracker.cli import main

    def run():
        result = CliRunner().invoke(main, ["demo"], env={"TRACKER_DATABASE_URL": database_url})
        assert result.exit_code == 0, result.output
        return result.output

    first, again = run(), run()
    assert first.startswith("Demo data created: authorities ") and " 0," not in first.splitlines()[0]
    assert again.startswith("Demo data already loaded: nothing added.")
    for text in ("planner.kharkiv@vidnova.demo", "planner of Kharkiv Oblast (oblast level)",
                 "planner of Irpin urban hromada", "EU partner: City of Kraków", "interface in English",
                 "interface in Ukrainian", "password demo-password", "moderator of citizens' questions and photos"):
        assert text in again, text
    assert again.count("@vidnova.demo") == 6

"""The administrators' rule settings page (/manage/rules/settings): the same service and checks as
`vidnova rules settings`, the values in force with their source, and re-evaluation as a job."""
from __future__ import annotations

import html
import re

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from tracker.cli import main
from tracker.core.db import get_engine
from tracker.governance.models import RuleSetting
from tracker.jobs.models import Job

OBLAST = "UA63000000000041885"


@pytest.fixture
def cli(app, database_url):
    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env={"TRACKER_DATABASE_URL": database_url,
                                                         "TRACKER_RULES_DIR": app.config["RULES_DIR"]})
    return invoke


def _settings(app):
    with Session(get_engine(app)) as session:
        return [(s.authority_id, s.rule_key, s.name, s.value) for s in session.exec(select(RuleSetting))]


def _source_of(page: str, rule_id: str, name: str) -> str:
    """The "From" cell of a rule's parameter in the values-in-force table."""
    table = page[page.index('aria-labelledby="in-force"'):]
    row = re.search(rf'<tr><td class="code">{rule_id}</td><td class="code">{name}</td>.*?</tr>', table, re.S)
    return re.sub(r"<[^>]+>", "", row.group(0).rsplit("<td>", 1)[1]).strip()


def test_a_value_set_on_the_page_is_what_the_command_line_reads_and_holds_below(app, client, world, login, cli):
    login(world.admin)
    client.get("/lang/en")
    oblast = world.kharkiv_oblast.id
    page = client.get(f"/manage/rules/settings/?authority={oblast}").get_data(as_text=True)
    assert _source_of(page, "T-FUNDING", "minimum") == "the rule's default"
    response = client.post(f"/manage/rules/settings/{oblast}/set",
                           data={"rule_key": "T-FUNDING", "name": "minimum", "value": "2500000",
                                 "note": "oblast policy"})
    assert response.status_code == 303
    assert _settings(app) == [(oblast, "T-FUNDING", "minimum", 2500000)]
    listed = cli("rules", "settings", "list")
    assert listed.exit_code == 0, listed.output
    assert f"Харківська ({OBLAST}): T-FUNDING.minimum = 2500000  # oblast policy" in listed.output
    here = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _source_of(here, "T-FUNDING", "minimum") == "set here"
    assert "Re-evaluate 3 projects" in here and "still use the previous values" in here
    below = client.get(f"/manage/rules/settings/?authority={world.kharkiv_hromada.id}").get_data(as_text=True)
    assert _source_of(below, "T-FUNDING", "minimum") == f"inherited from Харківська ({OBLAST})"
    assert "2500000" in below
    elsewhere = client.get(f"/manage/rules/settings/?authority={world.irpin_hromada.id}").get_data(as_text=True)
    assert _source_of(elsewhere, "T-FUNDING", "minimum") == "the rule's default"


@pytest.mark.parametrize("rule_key, name, value, field", [
    ("T-FUNDING", "minimum", "lots", "value"),
    ("T-FUNDING", "maximum", "5", "value"),
    ("test_gates", "maximum", "5", "value"),
    ("T-SITE", "enabled", "perhaps", "value"),
])
def test_an_invalid_value_is_refused_with_the_message_the_command_line_gives(app, client, world, login, cli,
                                                                            rule_key, name, value, field):
    login(world.admin)  # both in the default language, Ukrainian
    response = client.post(f"/manage/rules/settings/{world.kharkiv_oblast.id}/set",
                           data={"rule_key": rule_key, "name": name, "value": value})
    assert response.status_code == 422
    refused = cli("rules", "settings", "set", "--authority", OBLAST, rule_key, name, value)
    assert refused.exit_code != 0 and "nothing was written" in refused.output
    found = re.search(rf"Error: {field}: (.+); nothing was written", refused.output)
    assert found, refused.output
    message = found.group(1)
    page = html.unescape(response.get_data(as_text=True))
    # The same message, beside the field it names.
    block = page[page.index(f'id="{field}"'):]
    assert f'<p class="error" role="alert">{message}</p>' in block[:block.index("</div>")]
    assert _settings(app) == []


def test_clearing_lets_the_value_from_above_hold_again(app, client, world, login, cli):
    login(world.admin)
    client.get("/lang/en")
    assert cli("rules", "settings", "set", "--authority", OBLAST, "T-FUNDING", "minimum", "5").exit_code == 0
    assert cli("rules", "settings", "set", "--authority", world.kharkiv_hromada.code, "T-FUNDING", "minimum",
               "7").exit_code == 0
    hromada = world.kharkiv_hromada.id
    response = client.post(f"/manage/rules/settings/{hromada}/clear",
                           data={"rule_key": "T-FUNDING", "name": "minimum"})
    assert response.status_code == 303
    assert _settings(app) == [(world.kharkiv_oblast.id, "T-FUNDING", "minimum", 5)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _source_of(page, "T-FUNDING", "minimum") == f"inherited from Харківська ({OBLAST})"
    again = client.get(client.post(f"/manage/rules/settings/{hromada}/clear",
                                   data={"rule_key": "T-FUNDING", "name": "minimum"}).headers["Location"])
    assert "sets no T-FUNDING.minimum" in html.unescape(again.get_data(as_text=True))
    # The default set again beneath takes back the oblast's value for the hromada's subtree.
    assert client.post(f"/manage/rules/settings/{hromada}/set", data={
        "rule_key": "T-FUNDING", "name": "minimum", "value": "1000000"}).status_code == 303
    page = client.get(f"/manage/rules/settings/?authority={hromada}").get_data(as_text=True)
    assert _source_of(page, "T-FUNDING", "minimum") == "set here"
    assert client.post(f"/manage/rules/settings/{hromada}/clear",
                       data={"rule_key": "T-FUNDING", "name": "minimum"}).status_code == 303
    cleared = cli("rules", "settings", "clear", "--authority", OBLAST, "T-FUNDING", "minimum")
    assert cleared.exit_code == 0, cleared.output
    assert _settings(app) == []


def test_re_evaluating_the_affected_projects_is_a_job(app, client, world, login):
    login(world.admin)
    response = client.post(f"/manage/rules/settings/{world.derhachi_hromada.id}/reevaluate")
    assert response.status_code == 303 and response.headers["Location"].startswith("/jobs/")
    with Session(get_engine(app)) as session:
        job = session.exec(select(Job)).one()
    assert job.kind == "rules.evaluate" and job.params["project_ids"] == sorted(
        [world.clinic.id, world.draft.id])


def test_nobody_but_an_administrator_sees_or_changes_the_settings(app, client, world, login):
    oblast = world.kharkiv_oblast.id
    for user in (world.kharkiv_planner, world.auditor):
        login(user)
        assert client.get(f"/manage/rules/settings/?authority={oblast}").status_code == 403
        assert client.post(f"/manage/rules/settings/{oblast}/set",
                           data={"rule_key": "T-FUNDING", "name": "minimum", "value": "5"}).status_code == 403
        assert client.post(f"/manage/rules/settings/{oblast}/clear",
                           data={"rule_key": "T-FUNDING", "name": "minimum"}).status_code == 403
        assert client.post(f"/manage/rules/settings/{oblast}/reevaluate").status_code == 403
        client.post("/logout")
    assert client.get("/manage/rules/settings/").status_code in (302, 401)
    assert _settings(app) == []
    with Session(get_engine(app)) as session:
        assert session.exec(select(Job)).all() == []

"""`vidnova rules …` through the real command group: check, explain, eval, settings."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from tests.factories import build_world
from tracker.cli import main
from tracker.governance.models import Evaluation, RuleSetting
from tracker.governance.stored import unpack
from tracker.jobs.models import Job


@pytest.fixture
def cli(database_url):
    def invoke(*args: str, **env: str):
        return CliRunner().invoke(main, list(args), env={"TRACKER_DATABASE_URL": database_url, **env})
    return invoke


def test_check_passes_on_the_shipped_rule_sets(cli):
    result = cli("rules", "check")
    assert result.exit_code == 0, result.output
    assert "oecd_principles" in result.output and "cost_ids_disclosure" in result.output


def test_check_names_file_line_and_rule_of_a_broken_set(cli, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nversion: '1'\ntitle_uk: x\ntitle_en: x\nsource: x\nrules:\n"
                      "  - id: B-1\n    title_uk: x\n    title_en: x\n    principles: [P13]\n    standard: [x]\n"
                      "    severity: warning\n"
                      "    condition: {fact: identification.title, is_set: true}\n"
                      "    explain: {pass_uk: a, pass_en: a, fail_uk: b, fail_en: b}\n", encoding="utf-8")
    result = cli("rules", "check", str(broken))
    assert result.exit_code != 0
    assert "broken.yaml:" in result.output and "[B-1]" in result.output and "P13" in result.output


def test_eval_all_then_explain(cli, session, engine):
    world = build_world(session)  # a session without rules: nothing is evaluated yet
    assert session.exec(select(Evaluation)).all() == []
    result = cli("rules", "eval", "--all", TRACKER_JOB_QUEUE="immediate")
    assert result.exit_code == 0, result.output
    assert "Evaluated 4 projects (job 1)." in result.output
    job = session.exec(select(Job)).one()  # recorded as a job, run here, by nobody in particular
    assert (job.kind, job.state, job.started_by_id, job.summary) == ("rules.evaluate", "done", None, {"evaluated": 4})
    assert len(session.exec(select(Evaluation)).all()) == 4
    explained = cli("rules", "explain", world.school.reference, "--lang", "en")
    assert explained.exit_code == 0, explained.output
    assert "# oecd_principles v1.2 sha256:" in explained.output
    assert "FAIL    warning  COST-IDS-03" in explained.output  # identification items are due from the start
    assert "✗ identification.subsector is_set true (actual: None)" in explained.output
    unknown = cli("rules", "explain", "VID-1999-000000")
    assert unknown.exit_code != 0 and "VID-1999-000000" in unknown.output


def test_settings_are_checked_before_they_are_written(cli, session, engine):
    build_world(session)
    bad = cli("rules", "settings", "set", "--authority", "UA63000000000041885", "OECD-P9-02", "no_such", "2")
    assert bad.exit_code != 0 and "no_such" in bad.output and "nothing was written" in bad.output
    good = cli("rules", "settings", "set", "--authority", "UA63000000000041885", "OECD-P9-02",
               "max_budget_to_estimate", "2.5", "--note", "oblast policy")
    assert good.exit_code == 0, good.output
    with Session(engine) as check:
        [setting] = check.exec(select(RuleSetting)).all()
        assert (setting.rule_key, setting.name, setting.value) == ("OECD-P9-02", "max_budget_to_estimate", 2.5)
        # the oblast's two projects were re-evaluated with the new value in force
        latest = check.exec(select(Evaluation).where(Evaluation.is_latest.is_(True)))
        overridden = [e for e in latest if any(o["name"] == "max_budget_to_estimate"
                                               for rs in unpack(e.outcomes) for o in rs["overrides"])]
        assert len(overridden) == 3

"""Compact evaluations (issue 11): outcomes packed, facts kept once per digest, rule set files archived, and
every stored evaluation rendered again exactly as the rules engine gave it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from tests.factories import build_world
from tracker.governance import stored
from tracker.governance.evaluations import TRIGGER_MANUAL, evaluate_projects, latest_evaluation, store
from tracker.governance.models import Evaluation, EvaluationFacts, RuleSetSource
from tracker.governance.rule_context import load_rule_context
from tracker.projects.models import Project
from tracker.rules import Outcome

SHIPPED_RULES = Path(__file__).resolve().parents[3] / "governance_rules"


@pytest.fixture
def shipped():
    return load_rule_context(str(SHIPPED_RULES))


def _fresh(results) -> list[dict]:
    return [{**result.to_dict(), "reproduced": True} for result in results]


def test_every_shipped_evaluation_renders_again_exactly(session, shipped):
    world = build_world(session)
    projects = list(session.exec(select(Project).order_by(Project.id)))
    # Every project at its own stage and at each later gate: the shipped rules at every stage they have.
    # With every tree, to compare the rendering with; what is stored is the same as without (checked below).
    made = [*evaluate_projects(session=session, projects=projects, context=shipped, trees=True),
            *evaluate_projects(session=session, projects=projects, context=shipped, stage="implementation",
                               trees=True),
            *evaluate_projects(session=session, projects=projects, context=shipped, stage="completed", trees=True)]
    as_stored = [*evaluate_projects(session=session, projects=projects, context=shipped),
                 *evaluate_projects(session=session, projects=projects, context=shipped, stage="implementation"),
                 *evaluate_projects(session=session, projects=projects, context=shipped, stage="completed")]
    assert [stored.pack(item.results) for item in as_stored] == [stored.pack(item.results) for item in made]
    rows = store(session=session, evaluations=made, trigger=TRIGGER_MANUAL)
    session.commit()
    stored._RULE_SETS.clear()  # as a new process would: the rule sets come from the archive
    stored._RENDERED.clear()
    outcomes = {Outcome.PASS, Outcome.FAIL, Outcome.ERROR, Outcome.NOT_APPLICABLE}
    seen = set()
    for row, item in zip(rows, made, strict=True):
        session.expire(row)
        assert stored.expand(session, row) == _fresh(item.results), item.project.reference
        seen |= {result.outcome for rule_set in item.results for result in rule_set.results}
    assert outcomes <= seen  # the check covered every kind of outcome
    assert world.school.id in {row.project_id for row in rows}


def test_facts_are_kept_once_per_digest_and_rows_stay_small(session, shipped):
    build_world(session)
    projects = list(session.exec(select(Project)))
    for _ in range(3):  # three evaluations of unchanged projects
        store(session=session, evaluations=evaluate_projects(session=session, projects=projects, context=shipped),
              trigger=TRIGGER_MANUAL)
    session.commit()
    evaluations = session.exec(select(func.count()).select_from(Evaluation)).one()
    snapshots = session.exec(select(func.count()).select_from(EvaluationFacts)).one()
    assert evaluations == 3 * len(projects) and snapshots == len(projects)
    assert session.exec(select(func.count()).select_from(RuleSetSource)).one() == len(shipped.rule_sets)
    for row in session.exec(select(Evaluation)):
        assert row.legacy_results == [] and len(row.outcomes) < 1500, len(row.outcomes)
    assert max(len(row.data) for row in session.exec(select(EvaluationFacts))) < 4000


def test_an_evaluation_made_under_an_older_rule_file_is_explained_by_that_file(session, tmp_path):
    directory = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES, directory, ignore=shutil.ignore_patterns("*.md"))
    before = load_rule_context(str(directory))
    world = build_world(session)
    [item] = evaluate_projects(session=session, projects=[world.school], context=before, trees=True)
    [row] = store(session=session, evaluations=[item], trigger=TRIGGER_MANUAL)
    session.commit()
    path = directory / "oecd_principles.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('version: "', 'version: "9', 1), encoding="utf-8")
    after = load_rule_context(str(directory))
    assert after.rule_sets["oecd_principles"].sha256 != before.rule_sets["oecd_principles"].sha256
    stored._RULE_SETS.clear()
    stored._RENDERED.clear()
    assert stored.expand(session, row) == _fresh(item.results)


def test_an_unarchived_rule_file_is_said_not_guessed(session, shipped):
    world = build_world(session)
    [item] = evaluate_projects(session=session, projects=[world.school], context=shipped)
    [row] = store(session=session, evaluations=[item], trigger=TRIGGER_MANUAL)
    session.commit()
    session.execute(text("DELETE FROM rule_set_source"))
    stored._RULE_SETS.clear()
    stored._RENDERED.clear()
    with pytest.raises(stored.IrreproducibleEvaluation, match="not archived"):
        stored.expand(session, row)
    # Counting still works from the outcomes alone, under the rules' ids (rules of other stages are unknown).
    applicable = [(r.rule_id, r.outcome) for rule_set in item.results for r in rule_set.results
                  if r.reason != "stage"]
    assert [(r.rule_id, r.outcome) for r in stored.outcomes(session, [row])[row.id]] == applicable


def test_an_outcome_the_engine_no_longer_gives_is_shown_as_stored_and_flagged(session, shipped, caplog):
    world = build_world(session)
    [item] = evaluate_projects(session=session, projects=[world.school], context=shipped)
    [row] = store(session=session, evaluations=[item], trigger=TRIGGER_MANUAL)
    packed = stored.unpack(row.outcomes)
    rule_id, code = next((rule_id, code) for rule_id, code in packed[0]["outcomes"].items() if code == "pass")
    packed[0]["outcomes"][rule_id] = "fail"  # as if the engine had judged otherwise when it was stored
    row.outcomes = stored.compress(json.dumps(packed))
    stored._RENDERED.clear()
    rendered = stored.expand(session, row)
    assert rendered[0]["reproduced"] is False and "gives other outcomes" in caplog.text
    assert next(r for r in rendered[0]["results"] if r["rule_id"] == rule_id)["outcome"] == "fail"
    assert all(rule_set["reproduced"] for rule_set in rendered[1:])


def test_evaluations_from_before_compact_storage_read_as_they_were(session, shipped):
    world = build_world(session)
    [row] = store(session=session, evaluations=evaluate_projects(session=session, projects=[world.school],
                                                                 context=shipped), trigger=TRIGGER_MANUAL)
    legacy = [{"rule_set_id": "old", "version": "1", "sha256": "ab", "stage": "planning", "overrides": [],
               "fact_problems": [], "results": [
                   {"rule_id": "OLD-1", "rule_set_id": "old", "outcome": "fail", "severity": "blocker",
                    "principles": ["P7"], "tags": ["red_flag"], "gate": None, "title_uk": "Т", "title_en": "T",
                    "explanation_uk": "Ні.", "explanation_en": "No."}]}]
    row.outcomes, row.legacy_results = None, legacy
    session.commit()
    assert stored.expand(session, row) == legacy
    [outcome] = stored.outcomes(session, [row])[row.id]
    assert (outcome.rule_id, outcome.outcome, outcome.principles, outcome.tags) == (
        "OLD-1", Outcome.FAIL, ("P7",), ("red_flag",))


def test_latest_evaluation_after_compaction_still_answers(session, shipped):
    world = build_world(session)
    store(session=session, evaluations=evaluate_projects(session=session, projects=[world.school],
                                                         context=shipped), trigger=TRIGGER_MANUAL)
    session.commit()
    latest = latest_evaluation(session=session, project_id=world.school.id)
    assert latest is not None and stored.facts_of(session, latest)["identification"]["title"]

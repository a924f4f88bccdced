"""The data-quality rule reports a missing or inconsistent location, whichever way the data arrived (CSV too)."""
from __future__ import annotations

import csv
import io
import shutil

import pytest

from tests.factories import build_world
from tracker.core.config import PROJECT_ROOT
from tracker.governance.evaluations import latest_evaluation
from tracker.governance.stored import expand
from tracker.planning import csv_io


@pytest.fixture
def rules_dir(tmp_path):
    directory = tmp_path / "rules"
    directory.mkdir()
    shutil.copy(PROJECT_ROOT / "governance_rules" / "data_quality.yaml", directory)
    return directory


def _results(session, project_id) -> dict[str, dict]:
    evaluation = latest_evaluation(session=session, project_id=project_id)
    return {r["rule_id"]: r for rule_set in expand(session, evaluation) for r in rule_set["results"]}


def _import(session, changes: dict[str, dict]) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_io.export_projects(session=session))))
    for row in rows:
        row.update(changes.get(row["reference"], {}))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    report = csv_io.import_projects(session=session, data=out.getvalue().encode(), may_edit=lambda _a: True)
    assert report.ok, report.errors


def test_an_imported_point_in_another_oblast_is_reported_naming_both(evaluated_session):
    world = build_world(evaluated_session)
    assert _results(evaluated_session, world.school.id)["DQ-LOC-01"]["outcome"] == "fail"  # no point yet
    _import(evaluated_session, {world.school.reference: {
        "location_code": "UA63120270000096230", "latitude": "49.8397", "longitude": "24.0297"}})
    evaluated_session.commit()
    results = _results(evaluated_session, world.school.id)
    assert results["DQ-LOC-01"]["outcome"] == "pass"
    inconsistent = results["DQ-LOC-02"]
    assert inconsistent["outcome"] == "fail"
    text = str(inconsistent)
    assert "Lviv Oblast" in text and "Kharkiv Oblast" in text and "Львівська область" in text


def test_a_consistent_imported_point_passes(evaluated_session):
    world = build_world(evaluated_session)
    _import(evaluated_session, {world.school.reference: {
        "location_code": "UA63120270000096230", "latitude": "49.9935", "longitude": "36.2304"}})
    evaluated_session.commit()
    assert _results(evaluated_session, world.school.id)["DQ-LOC-02"]["outcome"] == "pass"

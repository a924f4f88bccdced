"""`vidnova export projects|progress` and `vidnova import projects|progress` through the real command group."""
from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from sqlmodel import select

from tests.factories import build_world
from tests.planner_factories import needs_values, save
from tracker.cli import main
from tracker.core.cli_progress import CommandProgress
from tracker.jobs.models import Job, JobState
from tracker.projects.models import Project


@pytest.fixture
def world(session):
    world = build_world(session)
    save(session, world.school, "needs", needs_values())
    session.commit()
    return world


def _cli(database_url, tmp_path, *args):
    env = {"TRACKER_DATABASE_URL": database_url, "TRACKER_JOB_QUEUE": "immediate",
           "TRACKER_JOB_FILES_FOLDER": str(tmp_path / "job-files"), "TRACKER_UPLOAD_FOLDER": str(tmp_path / "up")}
    return CliRunner().invoke(main, list(args), env=env)


def _read(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write(path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_export_then_import_a_change_as_a_recorded_job(database_url, session, world, tmp_path):
    exported = tmp_path / "projects.csv"
    result = _cli(database_url, tmp_path, "export", "projects", "-o", str(exported))
    assert result.exit_code == 0, result.output + result.stderr
    rows = _read(exported)
    assert f"{len(rows)} rows written" in result.output
    assert {row["reference"] for row in rows} >= {world.school.reference}
    school = next(row for row in rows if row["reference"] == world.school.reference)
    school["title_en"] = "School No. 1, changed from the command line"
    _write(exported, rows)

    result = _cli(database_url, tmp_path, "import", "projects", str(exported))
    assert result.exit_code == 0, result.output + result.stderr
    assert "1 updated" in result.output and f"{len(rows) - 1} unchanged" in result.output
    session.expire_all()
    assert session.get(Project, world.school.id).title_en == "School No. 1, changed from the command line"
    job, evaluation = session.exec(select(Job).order_by(Job.id)).all()
    assert (job.kind, job.state, job.started_by_id, job.summary["updated"]) == (
        "import.projects", JobState.DONE, None, 1)
    # The changed project is evaluated once, by a job of its own queued when the import committed.
    assert (evaluation.kind, evaluation.state, evaluation.params["project_ids"], evaluation.summary) == (
        "rules.evaluate", JobState.DONE, [world.school.id], {"evaluated": 1})
    assert job.params["source"] == "projects.csv"
    assert not list((tmp_path / "job-files").iterdir())  # the copied input is removed once imported
    # The piped run printed plain progress lines, never a terminal's carriage returns.
    assert "\r" not in result.stderr


def test_one_bad_row_fails_the_job_names_row_and_column_and_writes_nothing(database_url, session, world,
                                                                           tmp_path):
    exported = tmp_path / "projects.csv"
    assert _cli(database_url, tmp_path, "export", "projects", "-o", str(exported)).exit_code == 0
    rows = _read(exported)
    rows[0]["title_en"] = "Changed but must not be saved"
    rows[1]["sector"] = "spaceflight"
    _write(exported, rows)
    result = _cli(database_url, tmp_path, "import", "projects", str(exported))
    assert result.exit_code == 1
    assert "projects.csv: row 3, column sector:" in result.stderr
    assert "failed" in result.stderr and "nothing was written" in result.stderr
    session.expire_all()
    assert session.get(Project, world.school.id).title_en == "Restoration of school No. 1"
    job = session.exec(select(Job)).one()
    assert job.state == JobState.FAILED and job.errors[0]["column"] == "sector"


def test_messages_in_ukrainian_on_request(database_url, world, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("title_uk,colour\nX,red\n", encoding="utf-8")
    result = _cli(database_url, tmp_path, "import", "projects", str(broken), "--lang", "uk")
    assert result.exit_code == 1
    assert "нічого не записано" in result.stderr.lower(), result.stderr


def test_progress_export_round_trips(database_url, world, tmp_path):
    exported = tmp_path / "progress.csv"
    result = _cli(database_url, tmp_path, "export", "progress", "-o", str(exported))
    assert result.exit_code == 0, result.output + result.stderr
    header = exported.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("reference")
    result = _cli(database_url, tmp_path, "import", "progress", str(exported))
    assert result.exit_code == 0, result.output + result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_a_bar_on_a_terminal_and_lines_when_piped():
    terminal = _Terminal()
    bar = CommandProgress("job 7", stream=terminal)
    bar(0, 4, "checking")
    bar(2, 4, "writing")
    bar.close()
    assert terminal.getvalue().startswith("\rjob 7: [")
    assert "2/4 (50%) writing" in terminal.getvalue() and terminal.getvalue().endswith("\n")

    piped = io.StringIO()
    lines = CommandProgress("job 7", stream=piped, line_seconds=3600)
    lines(0, 4, "checking")
    lines(1, 4, "checking")  # within the interval: not printed
    lines(4, 4, "done")      # the end is always printed
    assert piped.getvalue().splitlines() == ["job 7: 0/4 (0%) checking", "job 7: 4/4 (100%) done"]

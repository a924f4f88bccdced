"""``vidnova import katottg`` runs as a recorded job: listed with the others, its summary or its problems kept."""
from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import Session, select

from tests.core.test_katottg import SMALL_ROWS, _bad_files, write_codifier
from tracker.cli import main
from tracker.jobs.models import Job, JobState


def _jobs(engine) -> list[Job]:
    with Session(engine) as session:
        return list(session.exec(select(Job).where(Job.kind == "import.katottg").order_by(Job.id)))


def _import(database_url, tmp_path, path):
    return CliRunner().invoke(main, ["import", "katottg", str(path)],
                              env={"TRACKER_DATABASE_URL": database_url,
                                   "TRACKER_JOB_FILES_FOLDER": str(tmp_path / "job-files")})


def test_an_import_is_a_done_job_with_its_counts_and_leaves_no_copy_behind(database_url, engine, tmp_path):
    result = _import(database_url, tmp_path, write_codifier(tmp_path / "k.csv", SMALL_ROWS))
    assert result.exit_code == 0, result.output
    [job] = _jobs(engine)
    assert job.state == JobState.DONE and job.started_by_id is None
    assert job.summary["created"] == len(SMALL_ROWS) and job.summary["updated"] == 0
    assert f"{len(SMALL_ROWS)} created" in result.output and f"(job {job.id})" in result.output
    assert list((tmp_path / "job-files").iterdir()) == []  # the job's copy of the file is gone


def test_a_bad_file_is_a_failed_job_naming_the_line_and_writes_nothing(database_url, engine, tmp_path):
    path, line, words = _bad_files(tmp_path)["cp1251"]
    result = _import(database_url, tmp_path, path)
    assert result.exit_code == 1
    [job] = _jobs(engine)
    assert job.state == JobState.FAILED and path.name in job.error
    assert job.errors[0]["row"] == line and words in job.errors[0]["message"]
    assert list((tmp_path / "job-files").iterdir()) == []

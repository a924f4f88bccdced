"""A CSV import job keeps its work chunk by chunk (others' saves go on between chunks) and is still all or nothing:
a conflict in a later chunk, or a worker that dies, takes back every kept chunk; a retried import ends as if it
had run once."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import Session, select

from tests.factories import build_world
from tests.jobs.conftest import queued_app  # noqa: F401  (an app whose queue holds jobs until a test runs them)
from tests.planner_factories import needs_values, save
from tracker.audit import trail
from tracker.core.columns import utcnow
from tracker.core.db import get_engine, session_scope
from tracker.jobs import runner
from tracker.jobs.models import Job, JobState, JobUndo
from tracker.planning import csv_io
from tracker.planning.import_jobs import IMPORT_PROJECTS, save_upload
from tracker.planning.models import NeedsAssessment
from tracker.projects.models import Project


@pytest.fixture
def world(queued_app):  # noqa: F811
    with queued_app.app_context(), session_scope(queued_app) as session:
        world = build_world(session)
        save(session, world.school, "needs", needs_values())
    return world


def _file(app, world, new_rows: int) -> tuple[str, list[dict]]:
    """Every project changed (title_en), then ``new_rows`` new projects: saved as a job's input file."""
    with app.app_context(), Session(get_engine(app)) as session:
        rows = list(csv.DictReader(io.StringIO(csv_io.export_projects(session=session))))
    changed = [{**row, "title_en": "Changed by the import"} for row in rows]
    new = [{**rows[0], "reference": "", "version": "", "parent_reference": "", "stage": "",
            "title_uk": f"Імпортований {number}"} for number in range(new_rows)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(new + changed)
    with app.app_context():
        return save_upload(stream=io.BytesIO(out.getvalue().encode()), folder=runner.files_folder(),
                           limit=10 ** 7), rows


def _submit(app, name: str) -> int:
    with app.app_context(), session_scope(app) as session:
        return runner.submit(session=session, kind=IMPORT_PROJECTS, params={"file": name, "locale": "en"}).id


def _state(app) -> dict:
    with app.app_context(), Session(get_engine(app)) as session:
        return {"projects": session.exec(select(func.count()).select_from(Project)).one(),
                "titles": set(session.exec(select(Project.title_en))),
                "undo": session.exec(select(func.count()).select_from(JobUndo)).one(),
                "needs": set(session.exec(select(NeedsAssessment.project_id))),
                "chain": trail.verify(session.connection()).ok}


def test_a_conflict_in_a_later_chunk_takes_back_the_chunks_already_kept(queued_app, world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(csv_io, "CHUNK", 2)
    monkeypatch.setattr(csv_io, "WRITE_CHUNK", {"postgresql": 2, "sqlite": 2})
    name, _rows = _file(queued_app, world, new_rows=4)  # chunks: 2 new, 2 new, then the 4 changed projects
    before = _state(queued_app)
    locking, kept = csv_io._lock_versions, []

    def someone_saves_meanwhile(session, expected, report):
        if expected and not kept:  # the first chunk of changes: two chunks of new projects are kept by now
            kept.append(_state(queued_app))
            with get_engine(queued_app).begin() as connection:  # a planner saves the school meanwhile
                connection.execute(update(Project).where(Project.id == world.school.id)
                                   .values(title_en="A planner's save", version=Project.version + 1))
        return locking(session, expected, report)

    monkeypatch.setattr(csv_io, "_lock_versions", someone_saves_meanwhile)
    job_id = _submit(queued_app, name)
    with queued_app.app_context():
        assert runner.run(job_id) == "failed"
    assert kept[0]["projects"] == before["projects"] + 4 and kept[0]["undo"] == 2  # really kept, then taken back
    with queued_app.app_context(), Session(get_engine(queued_app)) as session:
        job = session.get(Job, job_id)
        assert [(error["column"], "changed while the file was imported" in error["message"])
                for error in job.errors] == [("version", True)]
        assert session.exec(select(Job).where(Job.kind == "rules.evaluate")).all() == []  # nothing to evaluate
    after = _state(queued_app)
    assert after["projects"] == before["projects"] and after["undo"] == 0 and after["chain"]
    assert after["titles"] == (before["titles"] - {world.school.title_en}) | {"A planner's save"}
    assert after["needs"] == before["needs"]


def test_a_worker_dying_mid_import_leaves_nothing_and_the_retry_imports_once(queued_app, world,  # noqa: F811
                                                                           monkeypatch):
    monkeypatch.setattr(csv_io, "CHUNK", 2)
    monkeypatch.setattr(csv_io, "WRITE_CHUNK", {"postgresql": 2, "sqlite": 2})
    name, rows = _file(queued_app, world, new_rows=5)
    before = _state(queued_app)
    steps = []
    keep = runner.JobContext.commit_step

    def dies_after_two_chunks(self, payload):
        keep(self, payload)
        steps.append(payload)
        if len(steps) == 2:
            raise KeyboardInterrupt  # as a SIGKILL would: no handler runs, the job row stays "running"

    monkeypatch.setattr(runner.JobContext, "commit_step", dies_after_two_chunks)
    job_id = _submit(queued_app, name)
    with queued_app.app_context(), pytest.raises(KeyboardInterrupt):
        runner.run(job_id)
    half = _state(queued_app)
    assert half["projects"] == before["projects"] + 4 and half["undo"] == 2
    monkeypatch.setattr(runner.JobContext, "commit_step", keep)
    with get_engine(queued_app).begin() as connection:  # its heartbeat stopped long ago
        connection.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow() - timedelta(minutes=5)))
    with queued_app.app_context():
        assert runner.tidy(queued_app)["retried"] == 1
        assert _state(queued_app)["projects"] == before["projects"]  # taken back before anyone starts again
        assert runner.run(job_id) == "done"
    after = _state(queued_app)
    assert after["projects"] == before["projects"] + 5 and after["undo"] == 0 and after["chain"]
    # The existing projects changed once; the new ones carry the title of the row they were copied from.
    assert after["titles"] == {"Changed by the import", rows[0]["title_en"]}
    with queued_app.app_context(), Session(get_engine(queued_app)) as session:
        job = session.get(Job, job_id)
        assert (job.state, job.attempts, job.summary) == (JobState.DONE, 2, {"created": 5, "updated": len(rows),
                                                                             "unchanged": 0})


def test_of_two_imports_made_from_the_same_export_the_second_fails_with_the_rows_changed_meanwhile(
        queued_app, world):  # noqa: F811
    first_file, rows = _file(queued_app, world, new_rows=2)
    second_file, _rows = _file(queued_app, world, new_rows=2)  # the same export, before either ran
    first, second = _submit(queued_app, first_file), _submit(queued_app, second_file)
    with queued_app.app_context():
        assert runner.run(first) == "done" and runner.run(second) == "failed"
    with queued_app.app_context(), Session(get_engine(queued_app)) as session:
        job = session.get(Job, second)
        projects = session.exec(select(func.count()).select_from(Project)).one()
    assert {error["column"] for error in job.errors} == {"version"} and len(job.errors) == len(rows)
    assert all("changed since this file was made" in error["message"] for error in job.errors)
    assert projects == len(rows) + 2  # the first import's two new projects, not the second's

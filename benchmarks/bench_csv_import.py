"""Benchmark: the project CSV import of N rows, against a bare bulk insert of the same rows, with a planner saving.

Rows are generated from real DREAM project titles and hromada KATOTTG codes
(``shared/data/dream/dream-priorities.json`` beside the checkout). In one run, on one database:

1. the floor: the same data rows inserted bare (projects, needs, plans, first stages: an executemany a table,
   rolled back) — what the import adds on top is checking, the change history and the audit trail;
2. a planner's stage save (the needs form's service, its own transaction) timed on the idle database;
3. ``vidnova import projects FILE`` in a process of its own (as a worker runs it), while this process keeps
   saving that stage form; the import's rows per second come from its job row (start to finish), and the
   evaluation job it queues is timed the same way;
4. peak Python memory of the import (tracemalloc, never timed) at 2,000 rows and at N.

Prints rows/s (goal ≥ 1,000), import ÷ floor (goal ≤ 3), the save's p50/p95 idle and during the import (goal:
p95 ≤ 2× idle) and the two memory peaks (goal: the same). The database is created afresh: a SQLite file by
default, or a PostgreSQL URL whose database name contains "bench" (emptied first). Usage:

    .venv/bin/python -m benchmarks.bench_csv_import [--rows 20000] [--database-url URL]
"""
from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, select

from benchmarks.harness import ROOT, app_config, machine, summary

DATA = ROOT.parent / "shared" / "data" / "dream" / "dream-priorities.json"


def hromadas() -> list[dict]:
    return [h for h in json.loads(DATA.read_text(encoding="utf-8"))["hromadas"] if h.get("sample_titles")]


def make_csv(rows: int, units: list[dict], offset: int = 0) -> bytes:
    """``rows`` new projects spread over the hromadas, with needs and budget columns filled."""
    from tracker.core.vocab import ProjectType, Sector
    from tracker.planning import csv_io

    sectors, types = [s.value for s in Sector], {t.value for t in ProjectType}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in csv_io.PROJECT_COLUMNS])
    writer.writeheader()
    pairs = itertools.cycle((unit, title) for unit in units for title in unit["sample_titles"])
    for index, (unit, title) in zip(range(offset, offset + rows), pairs, strict=False):
        kind = next((t for t in unit.get("type_counts", {}) if t in types), "rehabilitation")
        purpose = max(unit.get("purpose_counts") or {"restoration": 1}, key=unit["purpose_counts"].get)
        writer.writerow({
            "authority_code": unit["katottg"], "title_uk": title[:500], "sector": sectors[index % len(sectors)],
            "project_type": kind, "purpose": purpose, "location_code": unit["katottg"], "is_public": "true",
            "assessment_date": "2024-03-01", "beneficiaries": str(100 + index % 900), "urgency": "high",
            "estimated_cost": str(Decimal(1_000_000 + index * 137)), "budget_total": str(Decimal(1_200_000 + index)),
        })
    return out.getvalue().encode("utf-8")


def fresh_database(url: str | None, folder: str) -> str:
    if not url:
        return f"sqlite:///{folder}/bench-import.sqlite3"
    if "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("give a PostgreSQL database whose name contains 'bench': it is emptied")
    from sqlalchemy import create_engine

    server, name = url.rsplit("/", 1)
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url


def setup(url: str, units: list[dict]):
    """The schema, every hromada as an authority, and one project whose needs form the planner saves."""
    from tracker.core.db import make_engine
    from tracker.core.hierarchy import add_authority
    from tracker.core.schema import upgrade
    from tracker.projects import operations

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        root = add_authority(session=session, name_uk="Україна", name_en="Ukraine", level="national")
        first = None
        for unit in units:
            authority = add_authority(session=session, parent=root, level="hromada", category="H",
                                      code=unit["katottg"], name_uk=(unit.get("name") or unit["katottg"])[:255])
            first = first or authority
        project = operations.create_project(session=session, authority=first, data=operations.project_data(
            {"title_uk": "Проєкт планувальника", "sector": "education", "project_type": "rehabilitation",
             "purpose": "restoration"}))
        session.commit()
        return engine, project.id


def floor_seconds(engine, data: bytes) -> tuple[float, int]:
    """The same data rows the import writes (projects, their needs and plans, their first stage) inserted bare:
    one executemany a table, ids given, in a transaction rolled back. Its seconds and its row count."""
    from tracker.core import bulk
    from tracker.planning import csv_io
    from tracker.planning.models import NeedsAssessment, ProjectPlan
    from tracker.projects.models import Project, StageHistory

    report = csv_io.ImportReport()
    tables: dict[type, list[dict]] = {Project: [], NeedsAssessment: [], ProjectPlan: [], StageHistory: []}
    with Session(engine) as session:
        authorities = {code: id_ for code, id_ in session.execute(text("SELECT code, id FROM authority"))}
        first_id = session.execute(text("SELECT coalesce(max(id), 0) FROM project")).scalar() + 1000
    for offset, (_number, cells) in enumerate(csv_io.iter_rows(data, csv_io.PROJECT_COLUMNS, report)):
        values, project_id = csv_io._parse(0, cells, csv_io.PROJECT_COLUMNS, report), first_id + offset
        tables[Project].append(bulk.complete(Project, {
            **values["project"], "id": project_id, "authority_id": authorities[cells["authority_code"]],
            "stage": "needs_assessment", "state": "active", "reference": f"floor-{project_id}"}))
        tables[StageHistory].append(bulk.complete(StageHistory, {"id": project_id, "project_id": project_id,
                                                                  "to_stage": "needs_assessment"}))
        for model, section in ((NeedsAssessment, "needs"), (ProjectPlan, "planning")):
            if any(value is not None for value in values[section].values()):
                tables[model].append(bulk.complete(model, {**values[section], "id": project_id,
                                                           "project_id": project_id}))
    with engine.connect() as connection:
        transaction = connection.begin()
        started = time.perf_counter()
        for model, rows in tables.items():
            connection.execute(insert(model.__table__), rows)
        elapsed = time.perf_counter() - started
        transaction.rollback()
    return elapsed, sum(len(rows) for rows in tables.values())


class Saver(threading.Thread):
    """Saves the planner's needs form over and over (its own transaction each time), timing each save."""

    def __init__(self, app, project_id: int) -> None:
        super().__init__(daemon=True)
        self.app, self.project_id = app, project_id
        self.stop = threading.Event()
        self.samples: list[float] = []
        self.started: list[datetime] = []  # when each timed save began (to split them by the job running then)
        self.errors: list[str] = []

    def save_once(self, counter: int) -> None:
        from tracker.core.db import new_session
        from tracker.planning.stage_edit import save_stage
        from tracker.projects.models import Project

        started, wall = time.perf_counter(), datetime.now(UTC)
        with self.app.app_context():
            session = new_session(self.app)
            try:
                project = session.get(Project, self.project_id)
                save_stage(session=session, project=project, section="needs", expected_version=project.version,
                           values={"beneficiaries": 100 + counter % 1000})
                session.commit()
            except Exception as error:  # noqa: BLE001 - a benchmark reports what went wrong and goes on
                session.rollback()
                self.errors.append(f"{type(error).__name__}: {error}"[:200])
                return
            finally:
                session.close()
        self.samples.append((time.perf_counter() - started) * 1000)
        self.started.append(wall)

    def during(self, start: datetime, end: datetime) -> list[float]:
        return [sample for sample, wall in zip(self.samples, self.started, strict=True) if start <= wall <= end]

    def run(self) -> None:
        for counter in itertools.count():
            if self.stop.is_set():
                return
            self.save_once(counter)
            time.sleep(0.05)


def run_import(url: str, path: Path, folder: str, app, project_id: int) -> tuple[dict, Saver]:
    """``vidnova import projects`` in its own process while a Saver works; the jobs' figures."""
    from tracker.core.columns import as_utc
    from tracker.jobs.models import Job

    environment = {**os.environ, "TRACKER_ENV": "production", "TRACKER_DATABASE_URL": url,
                   "TRACKER_SECRET_KEY": "benchmark-secret-key-not-for-production-0123456789",
                   "TRACKER_JOB_QUEUE": "immediate", "TRACKER_JOB_FILES_FOLDER": f"{folder}/job-files",
                   "TRACKER_UPLOAD_FOLDER": f"{folder}/uploads"}
    command = [str(Path(sys.executable).with_name("vidnova")), "import", "projects", str(path)]
    saver = Saver(app, project_id)
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,  # noqa: S603
                               cwd=ROOT)
    saver.start()
    output, _ = process.communicate()
    saver.stop.set()
    saver.join()
    if process.returncode != 0:
        raise SystemExit(f"the import failed:\n{output.decode(errors='replace')[-2000:]}")
    with Session(_engine(app)) as session:
        jobs = {job.kind: job for job in session.exec(select(Job).order_by(Job.id))}
    figures = {}
    for kind in ("import.projects", "rules.evaluate"):
        job = jobs.get(kind)
        if job is not None and job.finished_at and job.started_at:
            start, end = as_utc(job.started_at), as_utc(job.finished_at)
            figures[kind] = ((end - start).total_seconds(), job.summary, saver.during(start, end))
    return figures, saver


def _engine(app):
    from tracker.core.db import get_engine

    return get_engine(app)


def memory_peak(url: str, units: list[dict], rows: int, offset: int) -> float:
    """Peak Python memory (MiB) of importing ``rows`` new projects in this process (tracemalloc; not timed)."""
    from tracker.core.db import make_engine
    from tracker.planning import csv_io

    data = make_csv(rows, units, offset)
    engine = make_engine(url)
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        del data
        tracemalloc.start()
        with Session(engine, expire_on_commit=False) as session:
            report = csv_io.import_projects(session=session, data=Path(handle.name), may_edit=lambda _a: True)
            session.rollback()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    engine.dispose()
    if not report.ok:
        raise SystemExit(f"import refused: {report.errors[:5]}")
    return peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database-url", help="a PostgreSQL database named *bench* (default: a SQLite file)")
    parser.add_argument("--idle-saves", type=int, default=60)
    args = parser.parse_args()
    from tracker import create_app

    folder = tempfile.mkdtemp(prefix="vidnova-bench-import-")
    url = fresh_database(args.database_url, folder)
    units = hromadas()
    engine, project_id = setup(url, units)
    data = make_csv(args.rows, units)
    path = Path(folder) / "projects.csv"
    path.write_bytes(data)
    print(f"{machine()}; backend {engine.url.get_backend_name()}; {len(units)} hromadas; "
          f"{args.rows} rows, {len(data) / 1e6:.1f} MB")
    floor, floor_rows = floor_seconds(engine, data)
    app = create_app({**app_config(url, folder), "JOB_QUEUE": "immediate"})
    idle = Saver(app, project_id)
    for counter in range(args.idle_saves):
        idle.save_once(counter)
    figures, busy = run_import(url, path, folder, app, project_id)
    seconds, outcome, during_import = figures["import.projects"]
    print(f"floor: the same {floor_rows:,} data rows (projects, needs, plans, first stages) inserted bare: "
          f"{floor:.2f} s ({args.rows / floor:,.0f} projects/s)")
    print(f"import: {outcome} in {seconds:.2f} s: {args.rows / seconds:,.0f} rows/s; "
          f"import ÷ floor {seconds / floor:.2f}")
    during_evaluation: list[float] = []
    if "rules.evaluate" in figures:
        evaluated_seconds, evaluated, during_evaluation = figures["rules.evaluate"]
        print(f"evaluation job afterwards: {evaluated} in {evaluated_seconds:.2f} s")
    quiet = summary(idle.samples)
    print(f"stage save idle:              n={quiet['n']:4d}  p50 {quiet['p50']:8.1f} ms  p95 {quiet['p95']:8.1f} ms")
    for what, samples in (("during the import", during_import), ("during the evaluation", during_evaluation)):
        loaded = summary(samples)
        print(f"stage save {what:22s} n={loaded['n']:4d}  p50 {loaded['p50']:8.1f} ms  p95 {loaded['p95']:8.1f} ms"
              f"  (p95 ÷ idle p95 {loaded['p95'] / quiet['p95']:.1f})")
    print(f"save errors: {len(busy.errors)}{': ' + busy.errors[0] if busy.errors else ''}")
    engine.dispose()
    small = memory_peak(url, units, 2_000, offset=args.rows)
    large = memory_peak(url, units, args.rows, offset=args.rows)
    print(f"peak Python memory of the import: {small:.1f} MiB at 2,000 rows, {large:.1f} MiB at {args.rows:,}")


if __name__ == "__main__":
    main()

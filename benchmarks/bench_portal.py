"""Benchmark: the public portal, reports and open data over 10,000 projects from DREAM's real titles and codes.

Prints the public list and project page latency (median, p95) and their ratio to a trivial endpoint on the
same server; the SQL queries per page (the same whatever the page or project); the project PDF time against
WeasyPrint alone on the same HTML (goal: ratio <= 1.2); the cached PDF time; an authority report of 500
projects; the OC4IDS export of every project with its peak memory. Usage:

    .venv/bin/python -m benchmarks.bench_portal [--projects 10000] [--database-url URL] [--requests 60]

Without --database-url it builds a fresh SQLite file in a temporary folder.
"""
from __future__ import annotations

import argparse
import http.client
import io
import logging
import random
import statistics
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import event, update
from sqlmodel import Session, select
from werkzeug.serving import make_server

from benchmarks.portfolio_generator import generate
from tracker import create_app
from tracker.core.db import get_engine, session_scope
from tracker.core.models import Authority
from tracker.core.schema import upgrade
from tracker.governance.evaluations import TRIGGER_MANUAL, evaluate_and_store
from tracker.projects.models import Project
from tracker.publishing import oc4ids
from tracker.publishing import read_models as public_views
from tracker.publishing import reports as documents
from tracker.publishing.cache import PdfCache
from tracker.publishing.pdf import render_pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request would be measured too
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": "benchmark-secret-key",
                          "DATABASE_URL": url, "CACHE_FOLDER": str(Path(folder) / "cache")})
        engine = get_engine(app)
        upgrade(engine)
        started = time.perf_counter()
        ids, authority_id = _populate(app, args.projects)
        print(f"generated and evaluated {len(ids):,} projects in {time.perf_counter() - started:.1f} s "
              f"({engine.dialect.name})")
        with _serve(app) as base:
            _latencies(base, app, ids, args.requests)
        _queries(app, ids)
        _pdfs(app, ids, authority_id, Path(folder))
        _export(app, len(ids))


def _populate(app, count: int) -> tuple[list[int], int]:
    engine = get_engine(app)
    with Session(engine) as session:
        ids = generate(session, count)
        session.commit()
        # One hromada gets 500 projects: the authority report of the benchmark.
        owner_id = session.exec(select(Authority.id).where(Authority.level == "hromada").order_by(Authority.id)).first()
        session.execute(update(Project).where(Project.id.in_(ids[:500])).values(authority_id=owner_id))
        session.commit()
        context = app.extensions["tracker.rules"]
        for start in range(0, len(ids), 1000):
            projects = list(session.exec(select(Project).where(Project.id.in_(ids[start:start + 1000]))))
            evaluate_and_store(session=session, projects=projects, context=context, trigger=TRIGGER_MANUAL)
            session.commit()
            session.expunge_all()
        return ids, owner_id


class _serve:
    """The app on a free local port in a thread, as in the end-to-end tests."""

    def __init__(self, app):
        self.http = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"127.0.0.1:{self.http.server_port}"

    def __exit__(self, *exc):
        self.http.shutdown()
        self.thread.join(timeout=5)


def _get(connection: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status}")
    return time.perf_counter() - started


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _latencies(base: str, app, ids: list[int], count: int) -> None:
    rng = random.Random(7)
    with app.app_context(), session_scope(app) as session:
        references = [r for r in session.exec(select(Project.reference).where(Project.id.in_(rng.sample(ids, 50))))]
    connection = http.client.HTTPConnection(base)
    pages = max(1, len(ids) // 25)
    paths = {
        "trivial (/healthz)": lambda: "/healthz",
        "project list": lambda: f"/projects?page={rng.randrange(1, pages)}",
        "project list, filtered": lambda: "/projects?sector=education&source=eu&compliance=failing",
        "project page": lambda: f"/projects/{rng.choice(references)}",
    }
    for path in paths.values():
        _get(connection, path())  # warm up
    results = {name: _stats([_get(connection, path()) for _ in range(count)]) for name, path in paths.items()}
    trivial = results["trivial (/healthz)"][0]
    print("\nlatency over HTTP (same server)      median      p95   median / trivial")
    for name, (median, p95) in results.items():
        print(f"  {name:<32} {median * 1000:7.1f} ms {p95 * 1000:7.1f} ms   {median / trivial:6.1f}x")


def _queries(app, ids: list[int]) -> None:
    client = app.test_client()
    engine = get_engine(app)
    with app.app_context(), session_scope(app) as session:
        sample = [ids[0], ids[-1], ids[len(ids) // 2]]
        references = list(session.exec(select(Project.reference).where(Project.id.in_(sample))))

    def count(path: str) -> int:
        statements = []

        def listener(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    client.get("/projects")
    print("\nSQL queries per page")
    print(f"  project list, pages 1 / 50 / 399:   {[count(f'/projects?page={p}') for p in (1, 50, 399)]}")
    print(f"  project page, three projects:      {[count(f'/projects/{r}') for r in references]}")


def _pdfs(app, ids: list[int], authority_id: int, folder: Path) -> None:
    runs = 5
    with app.test_request_context():
        with session_scope(app) as session:
            project = session.get(Project, ids[len(ids) // 3])

            def build() -> documents.Report:
                view = public_views.project_view(session=session, project=project)
                return documents.Report("project", view, "uk", date.today(), view.summary.title("uk"))

            html = documents.render_html(build(), asset_base="")
            full, alone = [], []
            for _ in range(runs):
                started = time.perf_counter()
                documents.pdf_bytes(build(), cache=None)
                full.append(time.perf_counter() - started)
                started = time.perf_counter()
                render_pdf(html)
                alone.append(time.perf_counter() - started)
            cache = PdfCache(folder / "bench-cache")
            documents.pdf_bytes(build(), cache=cache)
            started = time.perf_counter()
            _pdf, hit = documents.pdf_bytes(build(), cache=cache)
            cached = time.perf_counter() - started
            authority = session.get(Authority, authority_id)
            started = time.perf_counter()
            data = public_views.authority_report(session=session, authority=authority)
            report = documents.Report("authority", data, "uk", date.today(), data.authority.name("uk"))
            pdf, _ = documents.pdf_bytes(report, cache=None)
            authority_time = time.perf_counter() - started
    full_median, alone_median = statistics.median(full), statistics.median(alone)
    print("\nPDF reports")
    print(f"  project report, everything:        {full_median * 1000:7.1f} ms (median of {runs})")
    print(f"  WeasyPrint alone, same HTML:       {alone_median * 1000:7.1f} ms")
    print(f"  overhead ratio (goal <= 1.2):      {full_median / alone_median:7.2f}")
    print(f"  cached project report ({'hit' if hit else 'MISS'}):      {cached * 1000:7.1f} ms (data read, key, file)")
    print(f"  authority report, {len(data.projects)} projects:    {authority_time:7.2f} s, "
          f"{len(pdf) / 1024:,.0f} KiB")


def _export(app, count: int) -> None:
    publication = oc4ids.Publication("vidnov", "Vidnova", "http://localhost/")

    class Counting(io.TextIOBase):
        size = 0

        def write(self, text: str) -> int:
            self.size += len(text.encode("utf-8"))
            return len(text)

    sink = Counting()
    tracemalloc.start()
    started = time.perf_counter()
    with app.app_context(), session_scope(app) as session:
        written = oc4ids.write_package(sink, session=session, publication=publication, uri="http://localhost/all",
                                       published=datetime.now(UTC))
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print("\nOC4IDS export of every public project")
    print(f"  {written:,} of {count:,} projects, {sink.size / 1024 / 1024:,.1f} MiB in {elapsed:.1f} s "
          f"(under tracemalloc); peak Python memory {peak / 1024 / 1024:,.1f} MiB")


if __name__ == "__main__":
    main()

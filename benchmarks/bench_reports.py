"""Benchmark: PDF reports and the full OC4IDS export, in-process, over a generated portfolio.

Prints the project report's PDF time against WeasyPrint alone on the same HTML (goal: ratio ≤ 1.2), the cached
PDF time, the busiest hromada's authority report as PDF, and the OC4IDS export of every public project with its
peak Python memory. (The pages over HTTP are ``bench_portal``'s.) Usage:

    .venv/bin/python -m benchmarks.bench_reports --database-url URL [--runs 5]
"""
from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import select

from benchmarks.harness import app_config, read_targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database from benchmarks.portfolio_generator")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    targets = read_targets(args.database_url)
    from tracker import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(app_config(args.database_url, folder))
        _pdfs(app, targets, args.runs, Path(folder))
        _export(app)


def _pdfs(app, targets, runs: int, folder: Path) -> None:
    from tracker.core.db import session_scope
    from tracker.core.models import Authority
    from tracker.projects.models import Project
    from tracker.publishing import read_models as public_views
    from tracker.publishing import reports as documents
    from tracker.publishing.cache import PdfCache
    from tracker.publishing.pdf import AssetFetcher, render_pdf

    with app.test_request_context(), session_scope(app) as session:
        project = session.exec(select(Project).where(Project.reference == targets.reference)).one()

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
            render_pdf(html, fetcher=AssetFetcher())
            alone.append(time.perf_counter() - started)
        cache = PdfCache(folder / "bench-cache")
        documents.pdf_bytes(build(), cache=cache)
        started = time.perf_counter()
        _pdf, hit = documents.pdf_bytes(build(), cache=cache)
        cached = time.perf_counter() - started
        authority = session.get(Authority, targets.hromada_id)
        started = time.perf_counter()
        data = public_views.authority_report(session=session, authority=authority)
        report = documents.Report("authority", data, "uk", date.today(), data.authority.name("uk"))
        pdf, _ = documents.pdf_bytes(report, cache=None)
        authority_time = time.perf_counter() - started
    full_median, alone_median = statistics.median(full), statistics.median(alone)
    print(f"PDF reports (project {targets.reference})")
    print(f"  project report, everything:        {full_median * 1000:8.1f} ms (median of {runs})")
    print(f"  WeasyPrint alone, same HTML:       {alone_median * 1000:8.1f} ms")
    print(f"  overhead ratio (goal <= 1.2):      {full_median / alone_median:8.2f}")
    print(f"  cached project report ({'hit' if hit else 'MISS'}):      {cached * 1000:8.1f} ms (data read, key, file)")
    print(f"  authority report of {targets.hromada_name}, {len(data.projects)} projects: {authority_time:7.2f} s, "
          f"{len(pdf) / 1024:,.0f} KiB")


def _export(app) -> None:
    from tracker.core.db import session_scope
    from tracker.publishing import oc4ids

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
    print("OC4IDS export of every public project")
    print(f"  {written:,} projects, {sink.size / 1024 / 1024:,.1f} MiB in {elapsed:.1f} s (under tracemalloc); "
          f"peak Python memory {peak / 1024 / 1024:,.1f} MiB")


if __name__ == "__main__":
    main()

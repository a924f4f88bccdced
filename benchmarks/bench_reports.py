"""Benchmark: PDF reports and the full OC4IDS export, in-process, over a generated portfolio.

Prints the project report's PDF time against WeasyPrint alone on the same HTML (goal: ratio ≤ 1.2), the cached
PDF time; the authority report of the unit nearest 1,000 public projects: its data and HTML (goal ≤ 1 s) and
its PDF against WeasyPrint alone on the same HTML (goal ≤ 1.5×); and the OC4IDS export of every public
project: its time against its own SQL (the statements it ran, captured in a separate pass and executed again on
a raw connection; goal ≤ 2×), then its peak Python memory in a third pass under tracemalloc (never timed).
(The pages over HTTP are ``bench_portal``'s.) Usage:

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
        authority = session.get(Authority, targets.thousand_id)
        html_times, pdf_times, bare_times = [], [], []
        for _ in range(max(1, runs // 2)):
            started = time.perf_counter()
            data = public_views.authority_report(session=session, authority=authority)
            report = documents.Report("authority", data, "uk", date.today(), data.authority.name("uk"))
            authority_html = documents.render_html(report, asset_base="")
            html_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            pdf, _ = documents.pdf_bytes(report, cache=None)
            pdf_times.append(time.perf_counter() - started + html_times[-1])
            started = time.perf_counter()
            render_pdf(authority_html, fetcher=AssetFetcher())
            bare_times.append(time.perf_counter() - started)
    full_median, alone_median = statistics.median(full), statistics.median(alone)
    print(f"PDF reports (project {targets.reference})")
    print(f"  project report, everything:        {full_median * 1000:8.1f} ms (median of {runs})")
    print(f"  WeasyPrint alone, same HTML:       {alone_median * 1000:8.1f} ms")
    print(f"  overhead ratio (goal <= 1.2):      {full_median / alone_median:8.2f}")
    print(f"  cached project report ({'hit' if hit else 'MISS'}):      {cached * 1000:8.1f} ms (data read, key, file)")
    html_s, pdf_s, bare_s = (statistics.median(t) for t in (html_times, pdf_times, bare_times))
    print(f"authority report of {targets.thousand_name} ({len(data.projects):,} public projects; median of "
          f"{len(html_times)})")
    print(f"  data and HTML (goal <= 1 s):       {html_s:8.2f} s")
    print(f"  PDF, everything:                   {pdf_s:8.2f} s   {len(pdf) / 1024:,.0f} KiB")
    print(f"  WeasyPrint alone, same HTML:       {bare_s:8.2f} s")
    print(f"  ratio (goal <= 1.5):               {pdf_s / bare_s:8.2f}")


def _export(app) -> None:
    from sqlalchemy import event

    from benchmarks.bench_portal import replay
    from tracker.core.db import get_engine, session_scope
    from tracker.publishing import oc4ids

    publication = oc4ids.Publication("vidnov", "Vidnova", "http://localhost/")

    class Counting(io.TextIOBase):
        size = 0

        def write(self, text: str) -> int:
            self.size += len(text.encode("utf-8"))
            return len(text)

    def export() -> tuple[int, int]:
        sink = Counting()
        with app.app_context(), session_scope(app) as session:
            written = oc4ids.write_package(sink, session=session, publication=publication,
                                           uri="http://localhost/all", published=datetime.now(UTC))
        return written, sink.size

    engine = get_engine(app)
    export()  # warm: templates, caches, the connection pool
    started = time.perf_counter()
    written, size = export()
    elapsed = time.perf_counter() - started
    captured: list[tuple[str, object, bool]] = []

    def record(_conn, _cursor, statement, parameters, _context, executemany):
        captured.append((statement, parameters, executemany))

    event.listen(engine, "before_cursor_execute", record)
    try:
        export()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    bare, _slowest, _text = replay(engine, captured, repeats=3)
    tracemalloc.start()
    export()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print("OC4IDS export of every public project")
    print(f"  {written:,} projects, {size / 1024 / 1024:,.1f} MiB in {elapsed:.2f} s")
    print(f"  its own SQL ({len(captured)} statements replayed, every row fetched): {bare:.2f} s; "
          f"ratio {elapsed / bare:.2f} (goal <= 2)")
    print(f"  peak Python memory (separate pass under tracemalloc): {peak / 1024 / 1024:,.1f} MiB")


if __name__ == "__main__":
    main()

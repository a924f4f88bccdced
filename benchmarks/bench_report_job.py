"""Benchmark: the authority PDF of about 1,000 projects drawn up by a real worker, and how often its progress moves.

Over a generated portfolio (``benchmarks.portfolio_generator``), the unit nearest 1,000 public projects:

1. the floor: WeasyPrint alone on the report's HTML, in this process;
2. ``GET /reports/authorities/<id>.pdf`` through the app (answered at once: 202 and the waiting page), while a
   ``vidnova worker`` process of its own draws the report up from the job queue (a SQLite file by default,
   Redis with ``--queue redis://…``); this process reads the job's progress as the waiting page does
   (``jobs.runner.progress_of``) every 100 ms and notes each time it changes;
3. the same URL again once the job is done: the PDF from the cache.

Prints the request's answer time, the job's time from queued to done (and ÷ the floor), how many progress changes
reached the page, and the longest and the 95th-percentile gap between two of them (goal: at most 2 s). Usage:

    .venv/bin/python -m benchmarks.bench_report_job --database-url URL [--queue redis://127.0.0.1:6379/9]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from benchmarks.harness import PUBLIC_BASE_URL, ROOT, SECRET_KEY, app_config, machine, read_targets, summary

POLL_SECONDS = 0.1


def floor_seconds(app, authority_id: int) -> tuple[float, int]:
    """WeasyPrint alone on the report's HTML (the data read and the HTML rendered beforehand, not timed)."""
    from tracker.core.db import session_scope
    from tracker.core.models import Authority
    from tracker.publishing import read_models as public_views
    from tracker.publishing import reports as documents
    from tracker.publishing.pdf import AssetFetcher, render_pdf

    with app.test_request_context(), session_scope(app) as session:
        data = public_views.authority_report(session=session, authority=session.get(Authority, authority_id))
        report = documents.Report("authority", data, "uk", date.today(), data.authority.name("uk"))
        html = documents.render_html(report, asset_base="")
    started = time.perf_counter()
    render_pdf(html, fetcher=AssetFetcher())
    return time.perf_counter() - started, len(data.projects)


def start_worker(url: str, queue: str, folder: str) -> subprocess.Popen:
    environment = {**os.environ, "TRACKER_ENV": "production", "TRACKER_DATABASE_URL": url,
                   "TRACKER_SECRET_KEY": SECRET_KEY, "TRACKER_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                   "TRACKER_JOB_QUEUE": queue, "TRACKER_CACHE_FOLDER": str(Path(folder) / "report-cache"),
                   "TRACKER_UPLOAD_FOLDER": str(Path(folder) / "uploads")}
    command = [str(Path(sys.executable).with_name("vidnova")), "worker", "--threads", "1"]
    return subprocess.Popen(command, env=environment, cwd=ROOT, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_worker(app, timeout: float = 120.0) -> None:
    """Until the worker process has started and said so (its beacon): the figures are the job's, not a start-up's."""
    from tracker.jobs import runner

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with app.app_context():
            if runner.queue_status(app)["worker_seen_seconds_ago"] is not None:
                return
        time.sleep(0.5)
    raise SystemExit("no worker started within two minutes")


def follow(app, path: str, timeout: float = 600.0) -> dict:
    """Ask for the report, then watch its job's progress until it is done; the figures."""
    from tracker.core.db import get_engine
    from tracker.jobs import runner
    from tracker.jobs.models import Job

    client = app.test_client()
    started = time.perf_counter()
    first = client.get(path)
    answered = time.perf_counter() - started
    if first.status_code != 202:
        raise SystemExit(f"expected 202 and the waiting page, got {first.status_code}")
    with Session(get_engine(app)) as session:
        job_id = session.exec(select(Job.id).where(Job.kind == "report.pdf").order_by(Job.id.desc())).first()
    seen, changes = None, []
    deadline = started + timeout
    while time.perf_counter() < deadline:
        with app.app_context(), Session(get_engine(app)) as session:
            job = session.get(Job, job_id)
            progress = runner.progress_of(job, app)
            state = job.state
        now = time.perf_counter()
        current = (progress.done, progress.total, progress.shown)
        if current != seen:
            changes.append((now - started, progress.shown))
            seen = current
        if state.finished:
            break
        time.sleep(POLL_SECONDS)
    finished = time.perf_counter() - started
    if state.value != "done":
        raise SystemExit(f"the report job ended {state.value}: {job.message}")
    served_started = time.perf_counter()
    served = client.get(path)
    served_seconds = time.perf_counter() - served_started
    if served.status_code != 200 or not served.data.startswith(b"%PDF"):
        raise SystemExit(f"the finished report was not served: {served.status_code}")
    # Gaps while the job ran: from its first message (a worker took it) to the last change.
    moments = [moment for moment, message in changes if message]
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
    return {"answered": answered, "finished": finished, "changes": changes, "gaps": gaps,
            "waited": moments[0] if moments else None,
            "served": served_seconds, "bytes": len(served.data), "pages": job.summary.get("pages")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database from benchmarks.portfolio_generator")
    parser.add_argument("--queue", default="", help="the job queue (default: a SQLite file of its own)")
    args = parser.parse_args()
    from tracker import create_app

    targets = read_targets(args.database_url)
    with tempfile.TemporaryDirectory(prefix="vidnova-bench-report-job-") as folder:
        queue = args.queue or f"sqlite:///{folder}/queue.sqlite3"
        app = create_app({**app_config(args.database_url, folder), "JOB_QUEUE": queue})
        floor, projects = floor_seconds(app, targets.thousand_id)
        worker = start_worker(args.database_url, queue, folder)
        try:
            wait_for_worker(app)
            figures = follow(app, f"/reports/authorities/{targets.thousand_id}.pdf")
        finally:
            worker.terminate()
            worker.wait(30)
    gaps = summary([gap * 1000 for gap in figures["gaps"]]) if figures["gaps"] else None
    print(f"{machine()}; queue {'redis' if queue.startswith('redis') else 'sqlite file'}")
    print(f"authority report of {targets.thousand_name}: {projects:,} public projects, {figures['pages']} pages, "
          f"{figures['bytes'] / 1024:,.0f} KiB")
    print(f"floor: WeasyPrint alone on its HTML:        {floor:8.2f} s")
    print(f"request answered (202, the waiting page):   {figures['answered'] * 1000:8.1f} ms")
    print(f"job queued -> done, through the worker:     {figures['finished']:8.2f} s  (÷ floor "
          f"{figures['finished'] / floor:.2f})")
    print(f"the finished PDF served from the cache:     {figures['served'] * 1000:8.1f} ms")
    if figures["waited"] is not None:
        print(f"a worker took the job after:                {figures['waited']:8.2f} s")
    if gaps:
        print(f"progress changes seen by the page: {len(figures['changes'])}; gap between two: p50 "
              f"{gaps['p50']:.0f} ms, p95 {gaps['p95']:.0f} ms, longest {max(figures['gaps']) * 1000:.0f} ms "
              f"(goal: at most 2,000 ms)")
    for moment, message in figures["changes"][:3] + [("…", "")] + figures["changes"][-3:]:
        print(f"  {moment if isinstance(moment, str) else f'{moment:7.2f} s'}  {message}")


if __name__ == "__main__":
    main()

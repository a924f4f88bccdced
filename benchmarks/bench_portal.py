"""Benchmark: the public portal, API, open data and reports under gunicorn, over a generated national portfolio.

For each page: p50 / p95 / p99 over HTTP (``--requests`` each, sequential unless ``--concurrency``), p95 as a
multiple of ``/healthz``'s p95 measured in the same run, the page's own SQL time (the statements one request of the
page runs, captured in-process with the Flask test client and a ``before_cursor_execute`` listener, then executed
exactly so with their parameters on a raw DBAPI connection ``--sql-repeats`` times; median), page p50 ÷ own SQL,
statements per page and response size. Then whether any page answers a conditional request with 304 (a row with
the 304 share and p95 if one does), and memory in separate passes: RSS of the gunicorn workers before and after
``--memory-requests`` requests of each page, and tracemalloc's peak for one in-process request. Usage:

    .venv/bin/python -m benchmarks.bench_portal --database-url URL [--requests 200] [--concurrency 1]
    .venv/bin/python -m benchmarks.bench_portal --projects 2000      # generates a fresh SQLite file first

The database comes from ``benchmarks.portfolio_generator``. Nothing is timed while anything else is measured:
HTTP timings run first, memory after, SQL replays with the server stopped.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url

from benchmarks.harness import (
    Server,
    Targets,
    app_config,
    describe_targets,
    get,
    machine,
    read_targets,
    standard_pages,
    summary,
)

# --- over HTTP -----------------------------------------------------------------------------------------

def time_page(address, path: str, count: int, concurrency: int, max_seconds: float,
              headers: dict | None = None) -> dict:
    """``count`` GETs of ``path`` (after 3 unmeasured ones), ``concurrency`` at a time, stopping at ``max_seconds``."""
    for _ in range(3):
        get(address, path, headers)
    samples: list[float] = []
    statuses: dict[int, int] = {}
    sizes: list[int] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    remaining = [count]

    def worker() -> None:
        nonlocal errors
        while True:
            with lock:
                if remaining[0] <= 0 or time.monotonic() > deadline:
                    return
                remaining[0] -= 1
            try:
                status, seconds, _headers, size = get(address, path, headers)
            except OSError:
                with lock:
                    errors += 1
                continue
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status in (200, 304):
                    samples.append(seconds)
                    sizes.append(size)
                else:
                    errors += 1

    threads = [threading.Thread(target=worker) for _ in range(max(1, concurrency))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = summary(samples)
    result.update(statuses=statuses, errors=errors, capped=len(samples) + errors < count,
                  kib=(statistics.median(sizes) / 1024) if sizes else 0.0)
    return result


def conditional_check(address, pages: list[tuple[str, str]]) -> dict[str, dict]:
    """Which pages send validators (ETag, Last-Modified) and which answer a conditional GET with 304."""
    found = {}
    for name, path in pages:
        _status, _seconds, headers, _size = get(address, path)
        entry = {"etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
                 "cache_control": headers.get("cache-control"), "conditional_status": None}
        conditional = {}
        if entry["etag"]:
            conditional["If-None-Match"] = entry["etag"]
        if entry["last_modified"]:
            conditional["If-Modified-Since"] = entry["last_modified"]
        if conditional:
            entry["conditional_status"] = get(address, path, conditional)[0]
            entry["headers"] = conditional
        found[name] = entry
    return found


def memory_pass(server: Server, pages: list[tuple[str, str]], count: int) -> list[dict]:
    """Workers' RSS before and after ``count`` requests of each page (nothing is timed here)."""
    rows = []
    for name, path in pages:
        before = server.worker_rss()
        for _ in range(count):
            get(server.address, path)
        after = server.worker_rss()
        rows.append({"page": name, "before_kib": sum(before.values()), "after_kib": sum(after.values()),
                     "max_worker_kib": max(after.values()) if after else 0})
    return rows


# --- in-process: statements, own SQL time, Python memory --------------------------------------------

def in_process(url: str, pages: list[tuple[str, str]], repeats: int) -> dict[str, dict]:
    """Capture each page's statements with the test client, replay them on a raw connection, trace memory."""
    from tracker import create_app
    from tracker.core.db import get_engine

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(app_config(url, folder))
        engine = get_engine(app)
        client = app.test_client()
        results = {}
        for name, path in pages:
            client.get(path).close()  # warm: first use of templates, caches and the connection pool
            captured: list[tuple[str, object, bool]] = []

            def listener(_conn, _cursor, statement, parameters, _context, executemany, sink=captured):
                copied = [tuple(p) if isinstance(p, (list, tuple)) else dict(p) for p in parameters] \
                    if executemany else (dict(parameters) if isinstance(parameters, dict)
                                         else tuple(parameters or ()))
                sink.append((statement, copied, executemany))

            event.listen(engine, "before_cursor_execute", listener)
            try:
                response = client.get(path)
                status, _data = response.status_code, response.get_data()
                response.close()
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            tracemalloc.start()
            tracemalloc.reset_peak()
            response = client.get(path)
            response.get_data()
            response.close()
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            total, slowest, text = replay(engine, captured, repeats)
            results[name] = {"status": status, "statements": len(captured),
                             "writes": sum(1 for s, _p, _m in captured if not s.lstrip().upper().startswith(
                                 ("SELECT", "WITH", "PRAGMA"))),
                             "sql_ms": total * 1000, "slowest_ms": slowest * 1000, "slowest": text,
                             "traced_peak_kib": peak / 1024}
        engine.dispose()
    return results


def replay(engine, statements: list[tuple[str, object, bool]], repeats: int) -> tuple[float, float, str]:
    """Median seconds to execute exactly ``statements`` (and fetch every row) on one raw DBAPI connection,
    and the median seconds and text of the slowest of them."""
    connection = engine.raw_connection()
    try:
        totals, each = [], [[] for _ in statements]
        for run in range(repeats + 1):  # the first run is not counted
            started = time.perf_counter()
            cursor = connection.cursor()
            for index, (statement, parameters, many) in enumerate(statements):
                tick = time.perf_counter()
                if many:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
                if run:
                    each[index].append(time.perf_counter() - tick)
            cursor.close()
            if run:
                totals.append(time.perf_counter() - started)
            connection.rollback()
        medians = [statistics.median(times) for times in each]
        slowest = max(range(len(statements)), key=medians.__getitem__) if statements else None
        return (statistics.median(totals), medians[slowest] if slowest is not None else 0.0,
                " ".join(statements[slowest][0].split()) if slowest is not None else "")
    finally:
        connection.close()


# --- the run -----------------------------------------------------------------------------------------

def run(url: str, *, requests: int = 200, concurrency: int = 1, workers: int = 2, sql_repeats: int = 20,
        memory_requests: int = 50, max_seconds: float = 120.0, pages: list[tuple[str, str]] | None = None,
        targets: Targets | None = None, quiet: bool = False) -> dict:
    """Measure every page; return the figures (and print them unless ``quiet``)."""
    targets = targets or read_targets(url)
    pages = pages or standard_pages(targets)
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    say(describe_targets(targets, url))
    say(f"gunicorn, {workers} sync workers, 127.0.0.1; {requests} requests a page, concurrency {concurrency}, "
        f"at most {max_seconds:.0f} s a page; {machine()}")
    timings: dict[str, dict] = {}
    with Server(url, workers=workers) as server:
        for name, path in pages:
            timings[name] = time_page(server.address, path, requests, concurrency, max_seconds)
            say(f"  timed {name:<36} p95 {timings[name]['p95'] * 1000:8.1f} ms  (n={timings[name]['n']})")
        validators = conditional_check(server.address, pages)
        conditional_rows = {}
        for name, path in pages:
            if validators[name]["conditional_status"] == 304:
                conditional_rows[name] = time_page(server.address, path, requests, concurrency, max_seconds,
                                                   validators[name]["headers"])
        memory = memory_pass(server, pages, memory_requests) if memory_requests else []
        final_rss = server.worker_rss()
    say(f"  HTTP passes done; {machine()}")
    own = in_process(url, pages, sql_repeats)
    results = {"url": make_url(url).render_as_string(), "backend": make_url(url).get_backend_name(),
               "targets": targets.__dict__, "pages": [name for name, _ in pages], "paths": dict(pages),
               "timings": timings, "own": own, "validators": validators, "conditional": conditional_rows,
               "memory": memory, "final_rss_kib": final_rss, "requests": requests, "concurrency": concurrency,
               "workers": workers, "sql_repeats": sql_repeats}
    if not quiet:
        report(results)
    return results


def report(results: dict) -> None:
    timings, own = results["timings"], results["own"]
    base = timings["/healthz"]["p95"]
    print(f"\nlatency over HTTP ({results['backend']}, {results['workers']} workers, concurrency "
          f"{results['concurrency']}); own SQL = the page's captured statements replayed on the engine "
          f"(median of {results.get('sql_repeats', 20)})")
    print(f"  {'page':<36} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95÷hz':>7} {'SQL ms':>8} "
          f"{'p50÷SQL':>8} {'stmts':>5} {'KiB':>7}  errors")
    for name in results["pages"]:
        t, o = timings[name], own[name]
        ratio = f"{t['p50'] * 1000 / o['sql_ms']:.1f}" if o["sql_ms"] >= 0.01 else "-"
        errors = f"{t['errors']} {t['statuses']}" if t["errors"] else ""
        capped = "*" if t["capped"] else " "
        print(f"  {name:<36} {t['n']:>4}{capped}{t['p50'] * 1000:>7.1f} {t['p95'] * 1000:>8.1f} "
              f"{t['p99'] * 1000:>8.1f} {t['p95'] / base:>7.1f} {o['sql_ms']:>8.2f} {ratio:>8} "
              f"{o['statements']:>5} {t['kib']:>7.1f}  {errors}")
    if any(t["capped"] for t in timings.values()):
        print("  * stopped at the time cap a page (--max-seconds) before all requests were sent")
    slow = [(name, o) for name, o in own.items() if o["sql_ms"] >= 20]
    if slow:
        print("\n  slowest statement of each page whose own SQL takes 20 ms or more (median ms, its start):")
        for name, o in slow:
            print(f"  {name:<36} {o['slowest_ms']:8.2f}  {shorten(o['slowest'])}")
    writes = {name: o["writes"] for name, o in own.items() if o["writes"]}
    if writes:
        print(f"  pages that wrote during a GET: {writes}")

    validators, conditional = results["validators"], results["conditional"]
    answered = [n for n, v in validators.items() if v["conditional_status"] == 304]
    print(f"\nconditional requests: a first GET, then the same with its validators (If-None-Match, "
          f"If-Modified-Since); {len(answered)} of {len(validators)} pages answer 304")
    print(f"  {'page':<36} {'ETag':>5} {'Last-Mod':>8} {'answer':>6} {'304 share':>9} {'p95 ms':>8} "
          f"{'p95 of 200':>10}  Cache-Control")
    for name in results["pages"]:
        v = validators[name]
        row = conditional.get(name)
        share = f"{row['statuses'].get(304, 0) / max(1, sum(row['statuses'].values())):.1%}" if row else ""
        p95 = f"{row['p95'] * 1000:.1f}" if row else ""
        print(f"  {name:<36} {'yes' if v['etag'] else 'no':>5} {'yes' if v['last_modified'] else 'no':>8} "
              f"{v['conditional_status'] or '-':>6} {share:>9} {p95:>8} {timings[name]['p95'] * 1000:>10.1f}  "
              f"{v['cache_control'] or ''}")

    if results["memory"]:
        print("\nmemory (separate pass, nothing timed): gunicorn workers' RSS, summed over workers, before and "
              "after the requests of each page; traced = tracemalloc peak of one in-process request")
        print(f"  {'page':<36} {'before MiB':>10} {'after MiB':>10} {'growth':>8} {'traced MiB':>11}")
        for row in results["memory"]:
            print(f"  {row['page']:<36} {row['before_kib'] / 1024:>10.1f} {row['after_kib'] / 1024:>10.1f} "
                  f"{(row['after_kib'] - row['before_kib']) / 1024:>8.1f} "
                  f"{own[row['page']]['traced_peak_kib'] / 1024:>11.2f}")
        final = results["final_rss_kib"]
        print(f"  workers at the end: {', '.join(f'{kib / 1024:.0f} MiB' for kib in final.values())}")


def shorten(statement: str, width: int = 220) -> str:
    """A statement without its column lists (``SELECT … FROM``), cut at ``width`` characters."""
    text = re.sub(r"SELECT (?:(?! FROM ).)*? FROM ", "SELECT … FROM ", statement)
    return text if len(text) <= width else text[:width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="a generated database (default: generate --projects)")
    parser.add_argument("--projects", type=int, default=2000, help="projects to generate when no URL is given")
    parser.add_argument("--requests", type=int, default=200, help="timed requests a page")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--sql-repeats", type=int, default=20)
    parser.add_argument("--memory-requests", type=int, default=50, help="requests a page in the memory pass (0: skip)")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time cap a page")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url
        if not url:
            from benchmarks.portfolio_generator import populate

            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            print(f"generating {args.projects:,} projects into a temporary SQLite file")
            populate(url, args.projects)
        results = run(url, requests=args.requests, concurrency=args.concurrency, workers=args.workers,
                      sql_repeats=args.sql_repeats, memory_requests=args.memory_requests, max_seconds=args.max_seconds)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()

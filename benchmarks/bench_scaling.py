"""Benchmark: how each page scales with the portfolio: 2,000, 20,000 and 50,000 projects in one table.

For each size it generates the portfolio (``benchmarks.portfolio_generator``; an existing database of that size
is reused) and runs the portal benchmark with a reduced request count and no memory pass, then prints p50, p95
and the page's own SQL time at every size side by side, with the statements a page (which should not grow),
then each page's Python memory a request at every size (tracemalloc's peak of one in-process request, taken
in the same separate pass as the statements, never while timing). Usage:

    .venv/bin/python -m benchmarks.bench_scaling [--sizes 2000,20000,50000] [--requests 50] \\
        [--database-url 'sqlite:///bench-results/portfolio-{n}.sqlite3']

``{n}`` in the URL is replaced by the size, so each size keeps its own database (for PostgreSQL:
``postgresql+psycopg://postgres:postgres@127.0.0.1:5432/vidnova_bench_{n}``). Without ``{n}`` the one database
is emptied and regenerated for every size (its name must contain ``bench``).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks import bench_portal
from benchmarks.portfolio_generator import populate


def database_size(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and Path(parsed.database).exists():
        return f"{Path(parsed.database).stat().st_size / 1024 / 1024:,.0f} MiB"
    from sqlalchemy import create_engine, text

    engine = create_engine(parsed)
    try:
        with engine.connect() as connection:
            size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
        return f"{size / 1024 / 1024:,.0f} MiB"
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,50000")
    parser.add_argument("--database-url", default="sqlite:///bench-results/portfolio-{n}.sqlite3")
    parser.add_argument("--requests", type=int, default=50, help="timed requests a page at each size")
    parser.add_argument("--sql-repeats", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time cap a page")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    runs = {}
    for size in sizes:
        url = args.database_url.replace("{n}", str(size))
        print(f"\n=== {size:,} projects: {make_url(url).render_as_string()}", flush=True)
        started = time.perf_counter()
        generated = populate(url, size, reuse=True, reset=True)
        generation = time.perf_counter() - started
        results = bench_portal.run(url, requests=args.requests, sql_repeats=args.sql_repeats, memory_requests=0,
                                   max_seconds=args.max_seconds, quiet=True)
        results["generation_seconds"] = None if generated.get("reused") else generation
        results["database_size"] = database_size(url)
        targets = results["targets"]
        last = max(1, -(-targets["public_projects"] // 25))
        results["targets_pages"] = f"{min(400, last)} / {last}"
        runs[size] = results
        print(f"  measured ({results['backend']}); generation "
              f"{'reused' if generated.get('reused') else f'{generation:,.0f} s'}, database {results['database_size']}",
              flush=True)
    report(runs, args.requests)
    if args.json:
        Path(args.json).write_text(json.dumps({str(k): v for k, v in runs.items()}, indent=1, default=str),
                                   encoding="utf-8")


def report(runs: dict[int, dict], requests: int) -> None:
    sizes = list(runs)
    first = runs[sizes[0]]
    print(f"\nscaling ({first['backend']}, gunicorn {first['workers']} workers, {requests} requests a page, "
          f"sequential): milliseconds; SQL = the page's own statements replayed on the engine (median)")
    head = "".join(f" {f'p50 {n / 1000:g}k':>9} {f'p95 {n / 1000:g}k':>9} {f'SQL {n / 1000:g}k':>9}" for n in sizes)
    print(f"  {'page':<34}{head}  statements")
    for name in first["pages"]:
        cells, statements = "", []
        for size in sizes:
            run = runs[size]
            if name not in run["timings"]:
                cells += f" {'':>9} {'':>9} {'':>9}"
                continue
            timing, own = run["timings"][name], run["own"][name]
            cells += f" {timing['p50'] * 1000:>9.1f} {timing['p95'] * 1000:>9.1f} {own['sql_ms']:>9.2f}"
            statements.append(str(own["statements"]))
        shown = statements[0] if len(set(statements)) == 1 else " / ".join(statements)
        print(f"  {name:<34}{cells}  {shown}")
    width = 30
    print(f"  {'public projects':<34}" + "".join(f"{runs[n]['targets']['public_projects']:>{width},}" for n in sizes))
    print(f"  {'deep / last list page':<34}" + "".join(
        f"{str(runs[n]['targets_pages']):>{width}}" for n in sizes))
    print(f"  {'database size':<34}" + "".join(f"{runs[n]['database_size']:>{width}}" for n in sizes))
    print(f"  {'generation (rows + evaluations)':<34}" + "".join(f"{generation_text(runs[n]):>{width}}"
                                                                for n in sizes))
    print("\nmemory a request (separate in-process pass, nothing timed): tracemalloc's peak of one request, KiB")
    print(f"  {'page':<34}" + "".join(f" {f'{n / 1000:g}k':>10}" for n in sizes) + "   last ÷ first")
    for name in first["pages"]:
        peaks = [runs[n]["own"][name]["traced_peak_kib"] if name in runs[n]["own"] else None for n in sizes]
        cells = "".join(f" {peak:>10,.0f}" if peak is not None else f" {'':>10}" for peak in peaks)
        ratio = (f"{peaks[-1] / peaks[0]:>8.2f}" if peaks[0] and peaks[-1] is not None else "")
        print(f"  {name:<34}{cells}   {ratio}")


def generation_text(run: dict) -> str:
    seconds = run.get("generation_seconds")
    return "reused" if seconds is None else f"{seconds / 60:,.1f} min"


if __name__ == "__main__":
    main()

"""Benchmark: the project list in each of its orders at national scale, through gunicorn.

On a generated portfolio (``make bench-data``), for every order the list offers (newest, name, budget, progress,
compliance; best match and newest for a text search), page 1 and a deep page: p50/p95 of the whole response, and
their ratio to ``/healthz`` on the same server (the floor) and to the newest-first page 1 (the indexed listing).

Usage:

    .venv/bin/python -m benchmarks.bench_list_orders --database-url sqlite:///bench-results/portfolio-20000.sqlite3
"""
from __future__ import annotations

import argparse
from urllib.parse import quote, unquote

from benchmarks.harness import Server, machine, summary, timed

ORDERS = (("newest", ""), ("name", ""), ("budget", ""), ("progress", ""), ("compliance", ""),
          ("relevance", "школа"), ("newest", "школа"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--deep-page", type=int, default=400)
    arguments = parser.parse_args()
    print(machine())
    with Server(arguments.database_url) as server:
        address = server.address
        for path in ("/healthz", "/projects"):  # warm both workers
            timed(address, path, 4)
        floor = summary(timed(address, "/healthz", arguments.requests))
        listing = summary(timed(address, "/projects?sort=newest", arguments.requests))
        print(f"{'/healthz':44} p50 {floor['p50']:7.1f} ms  p95 {floor['p95']:7.1f} ms")
        for sort, query in ORDERS:
            for page in (1, arguments.deep_page):
                path = f"/projects?sort={sort}&page={page}" + (f"&q={quote(query)}" if query else "")
                figures = summary(timed(address, path, arguments.requests))
                print(f"{unquote(path):44} p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  "
                      f"p95 ÷ healthz {figures['p95'] / floor['p95']:5.1f}  "
                      f"p95 ÷ newest page 1 {figures['p95'] / listing['p95']:5.1f}")


if __name__ == "__main__":
    main()

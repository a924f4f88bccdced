"""Benchmark: the public map at national scale, through gunicorn and headless Chromium.

On a generated portfolio (``make bench-data``: 20,000 projects by default), in one run:

1. the map's first data response (``/map/data.json`` for the whole country at the page's first zoom) and the
   boundaries: bytes as sent and gzip-compressed (what a compressing proxy in front sends; goal ≤ 300 KB);
2. p50/p95 of that data response and of ``/healthz`` on the same server (the floor), and their ratio;
3. in Chromium (the system's, ``TRACKER_CHROMIUM`` or /usr/bin/chromium; never a downloaded one): the time from
   navigation to the data drawn (``#project-map[data-loaded=true]``), p50 and max over several loads (goal
   ≤ 2 s); the requests one pan and one zoom make for data (goal ≤ 1 each); and any request leaving 127.0.0.1.

Usage:

    .venv/bin/python -m benchmarks.bench_map --database-url sqlite:///bench-results/portfolio-20000.sqlite3
"""
from __future__ import annotations

import argparse
import gzip
import os
import shutil
import time
from urllib.parse import urlsplit

from benchmarks.harness import Server, machine, summary, timed

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
FIRST_VIEW = "/map/data.json?zoom=6"
#: A closer view (Kharkiv oblast), computed for each request: no two screens ask for the same one.
CLOSER_VIEW = "/map/data.json?bbox=34.5,48.5,38.5,50.5&zoom=8"


def body(address, path: str) -> bytes:
    import http.client

    connection = http.client.HTTPConnection(*address, timeout=60)
    try:
        connection.request("GET", path)
        return connection.getresponse().read()
    finally:
        connection.close()


def browser_figures(base: str, loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("TRACKER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    figures: dict = {"drawn_ms": [], "outside": set()}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            for _ in range(loads):
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                requests: list[str] = []
                page.on("request", lambda request, found=requests: found.append(request.url))
                started = time.perf_counter()
                page.goto(base + "/map")
                page.wait_for_selector("#project-map[data-loaded=true]", timeout=30_000)
                figures["drawn_ms"].append((time.perf_counter() - started) * 1000)
                figures["outside"] |= {url for url in requests if urlsplit(url).hostname != "127.0.0.1"
                                       and not url.startswith("data:")}
                figures["first_requests"] = len(requests)
                page.focus("#project-map")  # Leaflet's keyboard: arrows pan, "+" zooms in
                for move, key in (("pan", "ArrowRight"), ("zoom", "Equal")):
                    before = sum("/map/data.json" in url for url in requests)
                    page.keyboard.press(key)
                    page.wait_for_timeout(1500)  # the move ends, its data arrives
                    figures[f"{move}_requests"] = sum("/map/data.json" in url for url in requests) - before
                page.close()
        finally:
            browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--loads", type=int, default=5)
    arguments = parser.parse_args()
    print(machine())
    with Server(arguments.database_url) as server:
        address = server.address
        data, boundaries = body(address, FIRST_VIEW), body(address, "/map/boundaries.json")
        for name, raw in (("first data response", data), ("boundaries", boundaries)):
            print(f"{name:<22} {len(raw) / 1024:8.1f} KiB as sent, {len(gzip.compress(raw, 6)) / 1024:7.1f} KiB "
                  "gzip-compressed")
        timed(address, FIRST_VIEW, 5)  # warm the workers' caches, as a running site has them
        healthz, view = summary(timed(address, "/healthz", arguments.requests)), \
            summary(timed(address, FIRST_VIEW, arguments.requests))
        print(f"/healthz               p50 {healthz['p50']:7.1f} ms  p95 {healthz['p95']:7.1f} ms")
        print(f"first data response    p50 {view['p50']:7.1f} ms  p95 {view['p95']:7.1f} ms  "
              f"(p95 ÷ /healthz p95 {view['p95'] / healthz['p95']:.1f})")
        closer = summary(timed(address, CLOSER_VIEW, arguments.requests))
        size = len(body(address, CLOSER_VIEW)) / 1024
        print(f"a closer view (oblast) p50 {closer['p50']:7.1f} ms  p95 {closer['p95']:7.1f} ms  "
              f"(p95 ÷ /healthz p95 {closer['p95'] / healthz['p95']:.1f}), {size:.1f} KiB")
        figures = browser_figures(f"http://{address[0]}:{address[1]}", arguments.loads)
    drawn = sorted(figures["drawn_ms"])
    print(f"Chromium, map drawn    p50 {drawn[len(drawn) // 2]:7.0f} ms  max {drawn[-1]:7.0f} ms "
          f"over {len(drawn)} loads (goal ≤ 2,000 ms)")
    print(f"data requests: pan {figures.get('pan_requests')}, zoom {figures.get('zoom_requests')} (goal ≤ 1 each); "
          f"requests leaving 127.0.0.1: {len(figures['outside'])}")


if __name__ == "__main__":
    main()

"""Benchmark: a bounded mixed load on gunicorn (127.0.0.1 only), next to ``/healthz`` alone on the same server.

``--concurrency`` client threads (each a new connection per request, standard-library ``http.client``) first ask
for ``/healthz`` only for ``--healthz-seconds``, then for a weighted mix of the public pages for ``--seconds``.
Each phase stops by itself at its deadline (a request still running then is awaited, at most the client
timeout). Prints sustained requests a second, p50 / p95 / p99, errors (non-2xx and connection failures), and the
count and p95 of each kind of page. Usage:

    .venv/bin/python -m benchmarks.bench_load --database-url URL [--seconds 60] [--concurrency 4]

Project pages, authority pages and list pages vary (200 projects, 100 authorities, any list page), so caches see
a spread of URLs rather than one. No conditional requests are sent: every answer is rendered.
"""
from __future__ import annotations

import argparse
import json
import random
import threading
import time
from pathlib import Path

from benchmarks.harness import Server, Targets, describe_targets, get, machine, read_targets, summary

#: (kind, weight): a guess at public traffic, most of it project pages and lists, a little open data.
MIX = (("home /", 10), ("list, a page", 16), ("list, a filter", 10), ("list, search", 5), ("project page", 25),
       ("authority page", 8), ("API projects", 7), ("API figures", 4), ("OC4IDS authority", 2),
       ("report HTML, project", 3), ("report HTML, authority", 1))
FILTERS = ("sector=education", "sector=health", "stage=implementation", "stage=planning", "source=eu",
           "source=state_budget", "compliance=failing", "compliance=passing")
WORDS = ("ремонт", "школ", "лікар", "укриття", "водопостачання", "дорог")


def path_for(kind: str, rng: random.Random, t: Targets) -> str:
    if kind == "home /":
        return "/"
    if kind == "list, a page":
        return f"/projects?page={rng.randrange(1, t.last_page + 1)}"
    if kind == "list, a filter":
        return f"/projects?{rng.choice(FILTERS)}&page={rng.choice((1, 1, 1, 2, 3))}"
    if kind == "list, search":
        from urllib.parse import quote

        return f"/projects?q={quote(rng.choice(WORDS))}"
    if kind == "project page":
        return f"/projects/{rng.choice(t.references)}"
    if kind == "authority page":
        return f"/authorities/{rng.choice(t.authority_ids)}"
    if kind == "API projects":
        return f"/api/v1/projects?page={rng.randrange(1, t.last_page + 1)}"
    if kind == "API figures":
        return "/api/v1/figures"
    if kind == "OC4IDS authority":
        return f"/open-data/oc4ids/authorities/{rng.choice(t.authority_ids[10:] or t.authority_ids)}.json"
    if kind == "report HTML, project":
        return f"/reports/projects/{rng.choice(t.references)}.html"
    return f"/reports/authorities/{rng.choice(t.authority_ids[:30])}.html"


def load(address, seconds: float, concurrency: int, choose) -> dict:
    """Run ``concurrency`` threads for ``seconds``; each sends ``choose(rng)``'s (kind, path) one after another."""
    records: list[tuple[str, float, int]] = []  # (kind, seconds, status; 0 = connection failure)
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        mine = []
        while time.monotonic() < deadline:
            kind, path = choose(rng)
            try:
                status, elapsed, _headers, _size = get(address, path)
            except OSError:
                status, elapsed = 0, 0.0
            mine.append((kind, elapsed, status))
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ok = [seconds for _kind, seconds, status in records if 200 <= status < 300]
    kinds: dict[str, list] = {}
    for kind, seconds_taken, status in records:
        kinds.setdefault(kind, []).append((seconds_taken, status))
    return {"elapsed": elapsed, "requests": len(records), "per_second": len(records) / elapsed,
            "errors": sum(1 for _k, _s, status in records if not 200 <= status < 300), **summary(ok),
            "kinds": {kind: {"count": len(rows), "errors": sum(1 for _s, status in rows if not 200 <= status < 300),
                             **summary([s for s, status in rows if 200 <= status < 300])}
                      for kind, rows in kinds.items()}}


def run(url: str, *, seconds: float = 60, healthz_seconds: float = 20, concurrency: int = 4, workers: int = 2,
        targets: Targets | None = None, quiet: bool = False) -> dict:
    targets = targets or read_targets(url)
    kinds, weights = zip(*MIX, strict=True)

    def mixed(rng: random.Random) -> tuple[str, str]:
        kind = rng.choices(kinds, weights=weights)[0]
        return kind, path_for(kind, rng, targets)

    if not quiet:
        print(describe_targets(targets, url))
        print(f"gunicorn, {workers} sync workers on 127.0.0.1; {concurrency} client threads; /healthz alone for "
              f"{healthz_seconds:.0f} s, then the mix for {seconds:.0f} s; {machine()}", flush=True)
    with Server(url, workers=workers) as server:
        for kind in kinds:  # one of each first, unmeasured: templates compiled, pools open
            get(server.address, path_for(kind, random.Random(0), targets))
        alone = load(server.address, healthz_seconds, concurrency, lambda rng: ("/healthz", "/healthz"))
        mix = load(server.address, seconds, concurrency, mixed)
    if not quiet:
        print(f"  done; {machine()}")
    results = {"healthz": alone, "mixed": mix, "concurrency": concurrency, "workers": workers, "seconds": seconds}
    if not quiet:
        report(results)
    return results


def report(results: dict) -> None:
    alone, mix = results["healthz"], results["mixed"]
    print(f"\n  {'phase':<28} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in (("/healthz alone", alone), ("mixed pages", mix)):
        print(f"  {name:<28} {row['requests']:>8} {row['per_second']:>8.1f} {row['p50'] * 1000:>8.1f} "
              f"{row['p95'] * 1000:>8.1f} {row['p99'] * 1000:>8.1f} {row['errors']:>7}")
    print(f"  mixed ÷ /healthz alone: {mix['per_second'] / alone['per_second']:.3f} of the requests a second")
    print(f"\n  {'kind (weight)':<34} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    weights = dict(MIX)
    for kind, row in sorted(mix["kinds"].items(), key=lambda item: -item[1]["count"]):
        print(f"  {kind + f' ({weights.get(kind, 0)})':<34} {row['count']:>6} {row['p50'] * 1000:>8.1f} "
              f"{row['p95'] * 1000:>8.1f} {row['errors']:>7}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database from benchmarks.portfolio_generator")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the mixed phase")
    parser.add_argument("--healthz-seconds", type=float, default=20.0, help="length of the /healthz-only phase")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = run(args.database_url, seconds=args.seconds, healthz_seconds=args.healthz_seconds,
                  concurrency=args.concurrency, workers=args.workers)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

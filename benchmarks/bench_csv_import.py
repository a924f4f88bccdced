"""Benchmark: import 5,000 projects from CSV and print rows per second and peak memory.

Rows are generated from real DREAM project titles and hromada KATOTTG codes
(``shared/data/dream/dream-priorities.json`` beside the checkout). Runs on a fresh SQLite file by
default; pass a database URL (an empty PostgreSQL database) to measure there instead:

    .venv/bin/python benchmarks/bench_csv_import.py [--rows 5000] [--url postgresql+psycopg://…]
"""
from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session

from tracker.core.db import make_engine
from tracker.core.hierarchy import add_authority
from tracker.core.schema import upgrade
from tracker.core.vocab import ProjectType, Sector
from tracker.planning import csv_io

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dream" / "dream-priorities.json"
SECTORS = [s.value for s in Sector]
TYPES = {t.value for t in ProjectType}


def hromadas() -> list[dict]:
    return [h for h in json.loads(DATA.read_text(encoding="utf-8"))["hromadas"] if h.get("sample_titles")]


def make_csv(rows: int, units: list[dict]) -> bytes:
    """``rows`` new projects spread over the hromadas, with needs and budget columns filled."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in csv_io.PROJECT_COLUMNS])
    writer.writeheader()
    pairs = itertools.cycle((unit, title) for unit in units for title in unit["sample_titles"])
    for index, (unit, title) in zip(range(rows), pairs, strict=False):
        kind = next((t for t in unit.get("type_counts", {}) if t in TYPES), "rehabilitation")
        purpose = max(unit.get("purpose_counts") or {"restoration": 1}, key=unit["purpose_counts"].get)
        writer.writerow({
            "authority_code": unit["katottg"], "title_uk": title[:500], "sector": SECTORS[index % len(SECTORS)],
            "project_type": kind, "purpose": purpose, "location_code": unit["katottg"], "is_public": "true",
            "assessment_date": "2024-03-01", "beneficiaries": str(100 + index % 900), "urgency": "high",
            "estimated_cost": str(Decimal(1_000_000 + index * 137)), "budget_total": str(Decimal(1_200_000 + index)),
        })
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="vidnova-bench-")
    engine = make_engine(args.url or f"sqlite:///{folder}/bench.sqlite3")
    upgrade(engine)
    units = hromadas()
    with Session(engine, expire_on_commit=False) as session:
        root = add_authority(session=session, name_uk="Україна", name_en="Ukraine", level="national")
        for unit in units:
            add_authority(session=session, parent=root, level="hromada", category="H", code=unit["katottg"],
                          name_uk=(unit.get("name") or unit["katottg"])[:255])
        session.commit()
    data = make_csv(args.rows, units)
    tracemalloc.start()
    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        report = csv_io.import_projects(session=session, data=data, may_edit=lambda _authority: True)
        session.commit()
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    if not report.ok:
        raise SystemExit(f"import refused: {report.errors[:5]}")
    print(f"backend: {engine.url.get_backend_name()}; hromadas: {len(units)}; file: {len(data) / 1e6:.1f} MB")
    print(f"imported {report.created} projects in {elapsed:.1f} s: {report.created / elapsed:.0f} rows/s")
    print(f"peak memory (Python allocations, tracemalloc): {peak / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()

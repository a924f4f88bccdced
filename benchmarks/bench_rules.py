"""Benchmark: evaluate every shipped rule over a portfolio of generated projects.

Prints the time to load the projects' facts from the database, the time to evaluate them (as stored:
outcomes without trees; the full evaluation with every tree beside it), their ratio (goal ≤ 1.0), the bare
SQL of the same loading (the statements fact loading ran, captured and executed again on a raw connection,
every row fetched; goal: loading ≤ 3× it), projects per second and rule checks per second. Usage:

    .venv/bin/python -m benchmarks.bench_rules [--projects 10000] [--database-url URL] [--batch 1000]

Without --database-url it builds a fresh SQLite file in a temporary folder. A database that already holds
projects (one from ``benchmarks.portfolio_generator``) is used as it is, all of its projects.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func
from sqlmodel import Session, select

from benchmarks.bench_portal import replay
from benchmarks.portfolio_generator import generate
from tracker.core.config import PROJECT_ROOT
from tracker.core.db import make_engine
from tracker.core.schema import upgrade
from tracker.governance.facts import build_facts
from tracker.governance.rule_context import load_rule_context
from tracker.projects.models import Project
from tracker.rules import evaluate, normalise_facts, resolve_parameters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as session:
            existing = session.exec(select(func.count()).select_from(Project)).one()
            if existing:
                print(f"using the {existing:,} projects already in the database ({engine.url.get_backend_name()})")
            else:
                started = time.perf_counter()
                generate(session, args.projects)
                session.commit()
                seconds = time.perf_counter() - started
                print(f"generated {args.projects} projects in {seconds:.1f} s ({engine.url.get_backend_name()})")

        context = load_rule_context(str(PROJECT_ROOT / "governance_rules"))
        rule_sets = list(context.rule_sets.values())
        parameters = {rs.id: resolve_parameters(rs) for rs in rule_sets}
        rules = sum(len(rs.rules) for rs in rule_sets)

        load_seconds = evaluate_seconds = trees_seconds = 0.0
        evaluated = checks = 0
        captured: list[tuple[str, object, bool]] = []
        recording = [False]

        def record(_conn, _cursor, statement, parameters, _context, executemany):
            if recording[0]:
                captured.append((statement, parameters, executemany))

        event.listen(engine, "before_cursor_execute", record)
        with Session(engine) as session:
            ids = list(session.exec(select(Project.id).order_by(Project.id)))
            for start in range(0, len(ids), args.batch):
                tick = time.perf_counter()
                recording[0] = True
                projects = list(session.exec(select(Project).where(Project.id.in_(ids[start:start + args.batch]))))
                facts = build_facts(session=session, projects=projects, to_uah=context.to_uah)
                recording[0] = False
                load_seconds += time.perf_counter() - tick
                tick = time.perf_counter()
                for project in projects:
                    normalised = normalise_facts(facts[project.id])  # as the service does: once per project
                    for rule_set in rule_sets:
                        # As evaluate_projects does: outcomes without trees (a page rebuilds what it shows).
                        evaluate(rule_set, normalised, stage=project.stage, parameters=parameters[rule_set.id],
                                 trees=False)
                        checks += len(rule_set.rules)
                evaluate_seconds += time.perf_counter() - tick
                tick = time.perf_counter()
                for project in projects:
                    normalised = normalise_facts(facts[project.id])
                    for rule_set in rule_sets:
                        evaluate(rule_set, normalised, stage=project.stage, parameters=parameters[rule_set.id])
                trees_seconds += time.perf_counter() - tick
                evaluated += len(projects)
                session.expunge_all()
        event.remove(engine, "before_cursor_execute", record)
        bare_seconds, _slowest, _text = replay(engine, captured, repeats=1)
        engine.dispose()

    print(f"rule sets: {len(rule_sets)}, rules: {rules}, projects evaluated: {evaluated}")
    print(f"load facts from the database: {load_seconds:8.2f} s")
    print(f"evaluate all rules:           {evaluate_seconds:8.2f} s   (outcomes, as stored)")
    print(f"  with every tree built:      {trees_seconds:8.2f} s   (as a page showing every rule needs)")
    print(f"ratio evaluate / load:        {evaluate_seconds / load_seconds:8.2f}   (goal ≤ 1.0)")
    print(f"bare SQL of the loading:      {bare_seconds:8.2f} s   ({len(captured)} statements replayed on a raw "
          "connection, every row fetched)")
    print(f"ratio load / bare SQL:        {load_seconds / bare_seconds:8.2f}   (goal ≤ 3.0)")
    print(f"projects per second (evaluate): {evaluated / evaluate_seconds:10.0f}")
    print(f"rule checks per second:         {checks / evaluate_seconds:10.0f}")
    print(f"projects per second (load+evaluate): {evaluated / (load_seconds + evaluate_seconds):6.0f}")


if __name__ == "__main__":
    main()

"""Compact evaluations: outcomes packed, facts kept once per digest, rule set files archived

Revision ID: 0011_compact_evaluations
Revises: 0010_data_version
Create Date: 2026-12-02

An evaluation stored its facts (about 10 KB of JSON) and its fully rendered results (about 117 KB: every
explanation in two languages and every condition tree), and every change stored another. From here on an
evaluation keeps its outcomes, overrides and fact problems packed (``evaluation.outcomes``), its facts go to
``evaluation_facts`` once per digest, and the rule set files it used to ``rule_set_source``;
``tracker.governance.stored`` renders the rest again when it is shown. ``rule_sets`` goes: ``rule_versions``
holds the same.

Existing evaluations: their facts move to ``evaluation_facts`` (deduplicated); their rendered results stay,
as ``legacy_results``, because the rule set files they were made with were never archived and so they could
not be rendered again.
"""
from __future__ import annotations

import json
import zlib

import sqlalchemy as sa
from alembic import op

revision = "0011_compact_evaluations"
down_revision = "0010_data_version"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    op.create_table(
        "evaluation_facts",
        sa.Column("sha256", sa.String(length=64), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "rule_set_source",
        sa.Column("sha256", sa.String(length=64), primary_key=True),
        sa.Column("rule_set_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    _move_facts(op.get_bind())
    _versions_from_rule_sets(op.get_bind())
    # Plain ALTER statements, which both databases have (SQLite since 3.35): a batch rebuild of the table
    # on SQLite would have to drop it, which the foreign keys onto it forbid.
    op.add_column("evaluation", sa.Column("outcomes", sa.LargeBinary(), nullable=True))
    op.execute("ALTER TABLE evaluation DROP COLUMN facts")
    op.execute("ALTER TABLE evaluation DROP COLUMN rule_sets")  # the same as rule_versions, which stays
    op.execute("ALTER TABLE evaluation RENAME COLUMN results TO legacy_results")


def _move_facts(connection) -> None:
    evaluation = sa.table("evaluation", sa.column("id", sa.Integer), sa.column("facts", sa.JSON),
                          sa.column("facts_sha256", sa.String))
    snapshots = sa.table("evaluation_facts", sa.column("sha256", sa.String), sa.column("data", sa.LargeBinary))
    seen: set[str] = set()
    last_id = 0
    while True:
        rows = connection.execute(sa.select(evaluation.c.id, evaluation.c.facts, evaluation.c.facts_sha256)
                                  .where(evaluation.c.id > last_id).order_by(evaluation.c.id).limit(BATCH)).all()
        if not rows:
            return
        last_id = rows[-1].id
        new = {}
        for row in rows:
            if row.facts_sha256 in seen or row.facts_sha256 in new:
                continue
            text = json.dumps(row.facts or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            new[row.facts_sha256] = zlib.compress(text.encode("utf-8"), 6)
        if new:
            connection.execute(sa.insert(snapshots), [{"sha256": key, "data": data} for key, data in new.items()])
            seen.update(new)


def _versions_from_rule_sets(connection) -> None:
    """0008 wrote ``rule_versions`` for the latest evaluations only; the older ones get theirs here, before
    ``rule_sets`` (the same data as JSON objects) goes."""
    evaluation = sa.table("evaluation", sa.column("id", sa.Integer), sa.column("rule_sets", sa.JSON),
                          sa.column("rule_versions", sa.Text))
    rows = connection.execute(sa.select(evaluation.c.id, evaluation.c.rule_sets)
                              .where(evaluation.c.rule_versions == "[]")).all()
    for evaluation_id, rule_sets in rows:
        rule_sets = json.loads(rule_sets) if isinstance(rule_sets, str) else (rule_sets or [])
        versions = json.dumps(sorted([r["id"], r["version"], r["sha256"]] for r in rule_sets), separators=(",", ":"))
        connection.execute(sa.update(evaluation).where(evaluation.c.id == evaluation_id)
                           .values(rule_versions=versions))


def downgrade() -> None:
    """Back to inline facts. Evaluations stored compactly get their facts back but no rendered results
    (the old schema cannot render them): their ``results`` stay ``[]``."""
    op.execute("ALTER TABLE evaluation RENAME COLUMN legacy_results TO results")
    op.add_column("evaluation", sa.Column("facts", sa.JSON(), nullable=True))
    op.add_column("evaluation", sa.Column("rule_sets", sa.JSON(), nullable=True))
    connection = op.get_bind()
    evaluation = sa.table("evaluation", sa.column("facts", sa.JSON), sa.column("facts_sha256", sa.String))
    snapshots = sa.table("evaluation_facts", sa.column("sha256", sa.String), sa.column("data", sa.LargeBinary))
    for sha256, data in connection.execute(sa.select(snapshots.c.sha256, snapshots.c.data)).all():
        connection.execute(sa.update(evaluation).where(evaluation.c.facts_sha256 == sha256)
                           .values(facts=json.loads(zlib.decompress(data))))
    for evaluation_id, versions in connection.execute(sa.text("SELECT id, rule_versions FROM evaluation")).all():
        connection.execute(sa.text("UPDATE evaluation SET rule_sets = :rule_sets WHERE id = :id"), {
            "id": evaluation_id, "rule_sets": json.dumps([{"id": i, "version": v, "sha256": h}
                                                          for i, v, h in json.loads(versions)])})
    op.execute("ALTER TABLE evaluation DROP COLUMN outcomes")
    op.drop_table("rule_set_source")
    op.drop_table("evaluation_facts")

"""Evaluation summaries: per principle and pillar counts, red flags and rule set versions in narrow columns

Revision ID: 0008_evaluation_summaries
Revises: 0007_merge
Create Date: 2026-12-01

Scorecards of many projects (the home page, authority pages and reports, the API figures) summed every latest
evaluation's stored results in Python: about 108 KB of JSON per project. From here on each evaluation stores its
counts per OECD principle and pillar in ``evaluation_score`` and its red flags and rule set versions in narrow
columns, so those pages sum rows in SQL. Existing latest evaluations are summarised here, from their stored
results (which stay as they are); older ones are never aggregated and keep only their full record.
"""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0008_evaluation_summaries"
down_revision = "0007_merge"
branch_labels = None
depends_on = None

BATCH = 500
RED_FLAG = "red_flag"


def upgrade() -> None:
    with op.batch_alter_table("evaluation") as batch_op:
        batch_op.add_column(sa.Column("red_flags", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("rule_versions", sa.Text(), nullable=False, server_default="[]"))
    op.create_table(
        "evaluation_score",
        sa.Column("evaluation_id", sa.Integer(), sa.ForeignKey("evaluation.id"), primary_key=True),
        sa.Column("code", sa.String(length=4), primary_key=True),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
    )
    _summarise_latest(op.get_bind())


def downgrade() -> None:
    op.drop_table("evaluation_score")
    with op.batch_alter_table("evaluation") as batch_op:
        batch_op.drop_column("rule_versions")
        batch_op.drop_column("red_flags")


class _Stored:
    """What the scorecard reads of one stored result."""

    __slots__ = ("outcome", "principles", "severity", "rule_id")

    def __init__(self, data: dict):
        from tracker.rules import Outcome

        self.outcome = Outcome(data["outcome"])
        self.principles = tuple(data["principles"])
        self.severity = data["severity"]
        self.rule_id = data["rule_id"]


def _summarise_latest(connection) -> None:
    """Counts, red flags and versions of every latest evaluation, a batch at a time (flat memory)."""
    from tracker.rules import build_scorecard, score_counts

    tagged = _red_flag_rules()
    evaluation = sa.table("evaluation", sa.column("id"), sa.column("is_latest"), sa.column("results"),
                          sa.column("rule_sets"), sa.column("red_flags"), sa.column("rule_versions"))
    score = sa.table("evaluation_score", sa.column("evaluation_id"), sa.column("code"), sa.column("passed"),
                     sa.column("failed"), sa.column("errors"))
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(evaluation.c.id, evaluation.c.results, evaluation.c.rule_sets)
            .where(evaluation.c.is_latest == sa.true(), evaluation.c.id > last_id)
            .order_by(evaluation.c.id).limit(BATCH)).all()
        if not rows:
            return
        scores = []
        for evaluation_id, results, rule_sets in rows:
            results = json.loads(results) if isinstance(results, str) else (results or [])
            rule_sets = json.loads(rule_sets) if isinstance(rule_sets, str) else (rule_sets or [])
            flat = [item for rule_set in results for item in rule_set["results"]]
            counts = score_counts(build_scorecard(_Stored(item) for item in flat))
            scores.extend({"evaluation_id": evaluation_id, "code": code, "passed": p, "failed": f, "errors": e}
                          for code, (p, f, e) in counts.items())
            red_flags = sum(1 for item in flat if item["outcome"] == "fail"
                            and RED_FLAG in item.get("tags", tagged.get(item["rule_id"], ())))
            versions = json.dumps(sorted([r["id"], r["version"], r["sha256"]] for r in rule_sets),
                                  separators=(",", ":"))
            connection.execute(sa.update(evaluation).where(evaluation.c.id == evaluation_id)
                               .values(red_flags=red_flags, rule_versions=versions))
        connection.execute(sa.insert(score), scores)
        last_id = rows[-1][0]


def _red_flag_rules() -> dict[str, tuple[str, ...]]:
    """Tags by rule id from the shipped rule sets, for results stored before results carried their tags."""
    from tracker.rules import RuleLoadError, load_rule_sets

    directory = Path(__file__).resolve().parents[3] / "governance_rules"
    try:
        rule_sets = load_rule_sets(directory)
    except RuleLoadError:
        return {}
    return {rule.id: tuple(rule.tags) for rule_set in rule_sets.values() for rule in rule_set.rules}

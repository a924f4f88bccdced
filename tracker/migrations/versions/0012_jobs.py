"""Jobs: long work off the request, as rows with state and progress; the workers' sign of life; mail claims

Revision ID: 0012_jobs
Revises: 0011_compact_evaluations
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_jobs"
down_revision = "0011_compact_evaluations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("started_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=300), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("result_file", sa.String(length=255), nullable=True),
        sa.Column("result_name", sa.String(length=255), nullable=True),
        sa.Column("result_url", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_job_started_by_created", "job", ["started_by_id", "created_at"])
    op.create_index("ix_job_state_heartbeat", "job", ["state", "heartbeat_at"])
    op.create_table(
        "job_worker",
        sa.Column("name", sa.String(length=120), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_job_worker_seen_at", "job_worker", ["seen_at"])
    # A worker claims outbox rows before sending them, so that two workers never send one message.
    op.add_column("mail_outbox", sa.Column("claimed_by", sa.String(length=40), nullable=True))
    op.add_column("mail_outbox", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("mail_outbox", "claimed_at")
    op.drop_column("mail_outbox", "claimed_by")
    op.drop_table("job_worker")
    op.drop_table("job")

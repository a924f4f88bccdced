"""The undo journal of jobs that commit step by step (CSV imports): what each kept step wrote

Revision ID: 0013_job_undo
Revises: 0012_jobs
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_job_undo"
down_revision = "0012_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_undo",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("job.id"), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
    )
    op.create_index("ix_job_undo_job_id", "job_undo", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_job_undo_job_id", table_name="job_undo")
    op.drop_table("job_undo")

"""A session version per user (signing out revokes every copy of a session); one latest evaluation per project

Revision ID: 0014_sessions_and_latest
Revises: 0013_job_undo
Create Date: 2026-12-07

Before the unique index can hold, projects that two concurrent evaluations left with two "latest" rows keep the
newest (the highest id) as latest; the others stay in the history as they were.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_sessions_and_latest"
down_revision = "0013_job_undo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    evaluation = sa.table("evaluation", sa.column("id", sa.Integer), sa.column("project_id", sa.Integer),
                          sa.column("is_latest", sa.Boolean))
    newest = (sa.select(sa.func.max(evaluation.c.id)).where(evaluation.c.is_latest.is_(sa.true()))
              .group_by(evaluation.c.project_id))
    op.execute(evaluation.update()
               .where(evaluation.c.is_latest.is_(sa.true()), evaluation.c.id.not_in(newest))
               .values(is_latest=False))
    op.create_index("ux_evaluation_one_latest", "evaluation", ["project_id"], unique=True,
                    postgresql_where=sa.text("is_latest"), sqlite_where=sa.text("is_latest"))


def downgrade() -> None:
    op.drop_index("ux_evaluation_one_latest", table_name="evaluation")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("session_version")

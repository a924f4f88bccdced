"""Indexes behind the project lists' order: newest first, for everyone and (partial) for the public

Revision ID: 0009_project_listing_indexes
Revises: 0008_evaluation_summaries
Create Date: 2026-12-01

Without them every list page sorted all projects (on PostgreSQL spilling to disk on deep pages). The partial
index holds public rows only; its predicate is written per backend as the queries write "is public".
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_project_listing_indexes"
down_revision = "0008_evaluation_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A two-valued column's own index only steered planners away from the ordered one; the partial index
    # serves "public only" and the order together.
    op.drop_index("ix_project_is_public", table_name="project")
    op.create_index("ix_project_listing", "project", ["created_at", "id"])
    op.create_index("ix_project_public_listing", "project", ["created_at", "id"],
                    postgresql_where=sa.text("is_public"), sqlite_where=sa.text("is_public = 1"))


def downgrade() -> None:
    op.drop_index("ix_project_public_listing", table_name="project")
    op.drop_index("ix_project_listing", table_name="project")
    op.create_index("ix_project_is_public", "project", ["is_public"])

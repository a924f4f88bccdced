"""The published data's version: one row raised by every transaction that writes, the key of HTTP caching

Revision ID: 0010_data_version
Revises: 0009_project_listing_indexes
Create Date: 2026-12-01
"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010_data_version"
down_revision = "0009_project_listing_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "version": 1, "changed_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("data_version")

"""Citizens' voice: questions, comments, complaints and photos on public projects

Revision ID: 0016_citizen_voice
Revises: 0015_project_search
Create Date: 2026-12-08

New tables only; the moderator role is a new value of ``user_account.role`` (a plain string column).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_citizen_voice"
down_revision = "0015_project_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("observed_on", sa.Date(), nullable=True),
        sa.Column("author_name", sa.String(length=100), nullable=True),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("project.id"), nullable=False),
        sa.Column("author_email", sa.String(length=255), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("hidden_reason", sa.String(length=30), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finding_id", sa.Integer(), sa.ForeignKey("audit_finding.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_citizen_item_project_state", "citizen_item", ["project_id", "state"])
    op.create_index("ix_citizen_item_state_created", "citizen_item", ["state", "created_at"])
    op.create_index("ix_citizen_item_author_email", "citizen_item", ["author_email"])
    op.create_table(
        "citizen_photo",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("citizen_item.id"), nullable=False),
        sa.Column("phase", sa.String(length=10), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False, unique=True),
        sa.Column("thumb_name", sa.String(length=64), nullable=False, unique=True),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_citizen_photo_item_id", "citizen_photo", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_citizen_photo_item_id", table_name="citizen_photo")
    op.drop_table("citizen_photo")
    for name in ("ix_citizen_item_author_email", "ix_citizen_item_state_created", "ix_citizen_item_project_state"):
        op.drop_index(name, table_name="citizen_item")
    op.drop_table("citizen_item")

"""A flag on an account whose password an administrator reset: the user must choose their own

Revision ID: 0020_password_change_required
Revises: 0019_project_owner_contact
Create Date: 2026-12-08

An administrator resetting a password (``/manage/users``, ``vidnova user password --temporary``) gives a temporary
one; until the user changes it, every page they open leads to the password form.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_password_change_required"
down_revision = "0019_project_owner_contact"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: a batch (copy-and-swap) on SQLite would drop a table other rows
    # point at, which its foreign keys refuse once accounts exist.
    op.add_column("user_account", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("user_account", "must_change_password")

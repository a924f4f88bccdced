"""The project owner's public contact (CoST IDS item 11)

Revision ID: 0019_project_owner_contact
Revises: 0018_search_rank_and_sort
Create Date: 2026-12-08

Rule COST-IDS-11 asks for the owner's contact details, yet no form could record them: the project form now has
the field, stored here.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_project_owner_contact"
down_revision = "0018_search_rank_and_sort"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (a batch would copy and drop the table every other table points at).
    op.add_column("project", sa.Column("owner_contact", sa.String(300), nullable=True))


def downgrade() -> None:
    op.drop_column("project", "owner_contact")

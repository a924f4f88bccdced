"""An index on the projects' points, for the map's views

Revision ID: 0017_project_location_index
Revises: 0016_citizen_voice
Create Date: 2026-12-08

A view of one oblast read every public project to find the few inside it (54 ms at 20,000 projects); with the
index the database finds them by their latitude range.
"""
from __future__ import annotations

from alembic import op

revision = "0017_project_location_index"
down_revision = "0016_citizen_voice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_project_location", "project", ["latitude", "longitude"])


def downgrade() -> None:
    op.drop_index("ix_project_location", table_name="project")

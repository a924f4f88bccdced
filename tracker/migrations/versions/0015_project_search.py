"""Search words per project (``project_search``), filled for the projects already stored

Revision ID: 0015_project_search
Revises: 0014_sessions_and_latest
Create Date: 2026-12-08

Search now finds Ukrainian words whatever their case, apostrophe or form (``core.search_text``); the words of
every project are folded once here, in batches, and kept by ``projects.search`` from now on.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_project_search"
down_revision = "0014_sessions_and_latest"
branch_labels = None
depends_on = None

_BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "project_search",
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("project.id"), primary_key=True),
        sa.Column("words", sa.Text(), nullable=False, server_default=" "),
    )
    _fill(op.get_bind())


def _fill(connection) -> None:
    from tracker.projects.search import words_of

    project = sa.table("project", sa.column("id", sa.Integer), sa.column("authority_id", sa.Integer),
                       *(sa.column(name, sa.Text) for name in ("title_uk", "title_en", "description_uk",
                                                               "description_en")))
    authority = sa.table("authority", sa.column("id", sa.Integer), sa.column("name_uk", sa.Text),
                         sa.column("name_en", sa.Text))
    search = sa.table("project_search", sa.column("project_id", sa.Integer), sa.column("words", sa.Text))
    after = 0
    while True:
        rows = connection.execute(
            sa.select(project, authority.c.name_uk, authority.c.name_en)
            .join(authority, authority.c.id == project.c.authority_id)
            .where(project.c.id > after).order_by(project.c.id).limit(_BATCH)).mappings().all()
        if not rows:
            return
        connection.execute(sa.insert(search), [
            {"project_id": row["id"], "words": words_of(row, {"name_uk": row["name_uk"], "name_en": row["name_en"]})}
            for row in rows])
        after = rows[-1]["id"]


def downgrade() -> None:
    op.drop_table("project_search")

"""Search ranks by the titles and sorts by name; contracts and parties among a project's words

Revision ID: 0018_search_rank_and_sort
Revises: 0017_project_location_index
Create Date: 2026-12-08

``project_search`` gains the titles' own words (a query found there ranks first), the codes lists sort names by
in Ukrainian alphabetical order (``core.collation.sort_code``), indexed, and its words now hold the project's
contracts (titles, tender ids, contractors) and its parties' organisations. Every row is written afresh here, in
batches, by the same function that keeps them from now on.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_search_rank_and_sort"
down_revision = "0017_project_location_index"
branch_labels = None
depends_on = None

_BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("project_search") as table:
        table.add_column(sa.Column("title_words", sa.Text(), nullable=False, server_default=" "))
        table.add_column(sa.Column("name_code_uk", sa.String(160), nullable=False, server_default=""))
        table.add_column(sa.Column("name_code_en", sa.String(160), nullable=False, server_default=""))
    op.create_index("ix_project_search_name_uk", "project_search", ["name_code_uk", "project_id"])
    op.create_index("ix_project_search_name_en", "project_search", ["name_code_en", "project_id"])
    _fill(op.get_bind())


def _fill(connection) -> None:
    import tracker.tables  # noqa: F401  (every feature's word sources registered, as in the running app)
    from tracker.projects.search import rewrite

    project = sa.table("project", sa.column("id", sa.Integer))
    after = 0
    while True:
        ids = list(connection.execute(sa.select(project.c.id).where(project.c.id > after)
                                      .order_by(project.c.id).limit(_BATCH)).scalars())
        if not ids:
            return
        rewrite(connection, ids)
        after = ids[-1]


def downgrade() -> None:
    op.drop_index("ix_project_search_name_en", table_name="project_search")
    op.drop_index("ix_project_search_name_uk", table_name="project_search")
    with op.batch_alter_table("project_search") as table:
        table.drop_column("name_code_en")
        table.drop_column("name_code_uk")
        table.drop_column("title_words")

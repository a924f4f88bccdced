"""The project lists read their rows in order from an index: no page sorts the whole table (issue 11)."""
from __future__ import annotations

from sqlalchemy import event

from tests.factories import build_world
from tracker.projects.policy import visible_projects
from tracker.projects.queries import ProjectFilters, list_projects


def _page_query(session, visible) -> tuple[str, object]:
    """The SQL and parameters of the list's page query (its last statement)."""
    seen = []

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        list_projects(session=session, filters=ProjectFilters(), visible=visible, page=3, per_page=2)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen[-1]


def _plan(session, statement: str, parameters) -> str:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # A test table is tiny, so the planner would rather scan or sort it (which it picks depends on the
        # statistics autovacuum happened to gather): forbid both to see whether an index *can* give the order.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            connection.exec_driver_sql(f"SET LOCAL {setting} = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
    else:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(str(row[-1]) for row in rows)


def test_the_public_list_reads_the_partial_index_in_order(session):
    build_world(session)
    statement, parameters = _page_query(session, visible_projects(None, []))
    plan = _plan(session, statement, parameters)
    assert "ix_project_public_listing" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_the_full_list_reads_the_listing_index_in_order(session):
    build_world(session)
    statement, parameters = _page_query(session, None)
    plan = _plan(session, statement, parameters)
    assert "ix_project_listing" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan

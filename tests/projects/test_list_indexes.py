"""The project lists read their rows in order from an index: no page sorts the whole table (issue 11)."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.factories import build_world
from tracker.projects.policy import visible_projects
from tracker.projects.queries import LISTING_ORDER, ProjectFilters, list_projects, listing_ids


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


def _paging_plan(session, visible) -> str:
    """The plan of what a deep page offsets over: the ids alone, in the list's order."""
    query = listing_ids(ProjectFilters(), visible).order_by(*LISTING_ORDER).offset(40).limit(2)
    compiled = query.compile(dialect=session.get_bind().dialect)
    parameters = compiled.params if session.get_bind().dialect.name == "postgresql" else tuple(
        compiled.params[name] for name in compiled.positiontup)
    return _plan(session, str(compiled), parameters)


@pytest.mark.parametrize("who", ["public", "everyone"])
def test_a_page_is_offset_over_the_listing_index_alone(session, who):
    build_world(session)
    visible, index = ((visible_projects(None, []), "ix_project_public_listing") if who == "public"
                      else (None, "ix_project_listing"))
    paging = _paging_plan(session, visible)
    assert index in paging, paging
    assert "Sort" not in paging and "TEMP B-TREE" not in paging, paging
    assert "authority" not in paging.lower(), paging  # no join for a list that filters no authority
    # The page's statement pages so, then loads only the page's rows (their sort is of those rows alone).
    statement, parameters = _page_query(session, visible)
    assert index in _plan(session, statement, parameters)


def test_deep_and_past_the_end_pages(session):
    world = build_world(session)
    everything = list_projects(session=session, filters=ProjectFilters(), visible=None, page=1, per_page=100)
    pages = [list_projects(session=session, filters=ProjectFilters(), visible=None, page=number, per_page=2)
             for number in range(1, -(-everything.total // 2) + 1)]
    walked = [row for page in pages for row in page.rows]
    assert [p.id for p, _ in walked] == [p.id for p, _ in everything.rows]  # same order, nothing twice
    last = list_projects(session=session, filters=ProjectFilters(), visible=None, page=10**30, per_page=2)
    assert last.page == last.pages and last.rows == pages[last.pages - 1].rows
    assert world.school.id in {p.id for p, _ in everything.rows}


def test_a_subtree_read_from_its_authorities_lists_the_same_projects(session):
    world = build_world(session)
    filters = ProjectFilters(authority_path=world.kharkiv_oblast.path)
    both = [list(session.exec(listing_ids(filters, None, subtree_first=first).order_by(*LISTING_ORDER)))
            for first in (False, True)]
    assert both[0] == both[1] and world.school.id in both[0]
    shown = list_projects(session=session, filters=filters, visible=None, per_page=100)
    assert [project.id for project, _ in shown.rows] == both[0] and shown.total == len(both[0])


def test_a_list_nobody_matches_reads_the_count_only(session):
    build_world(session)
    seen = []
    engine = session.get_bind()

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        empty = list_projects(session=session, filters=ProjectFilters(text="no such project"), visible=None)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert (empty.rows, empty.total, empty.page, empty.pages) == ([], 0, 1, 1)
    assert len(seen) == 1 and "count" in seen[0].lower(), seen

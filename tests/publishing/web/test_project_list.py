"""The public project list: sorted as asked, each row's title a link with its budget and progress, in a fixed
number of statements whatever the order or the number of projects."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from tests.factories import project_data
from tracker.core.data_version import forget_memoized
from tracker.core.db import get_engine, session_scope
from tracker.core.models import Authority
from tracker.projects.operations import create_project
from tracker.projects.queries import SORT_NAMES


def _statements(app, client, url: str) -> tuple[int, str]:
    seen = []
    engine = get_engine(app)

    def count(*_args):
        seen.append(1)

    forget_memoized()
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return len(seen), response.get_data(as_text=True)


def _references(html: str) -> list[str]:
    return re.findall(r'class="reference">(VID-[\d-]+)<', html)


@pytest.mark.parametrize("sort", SORT_NAMES)
def test_every_order_costs_the_same_statements_for_few_or_many_projects(app, client, rich, sort):
    url = f"/projects?sort={sort}" + ("&q=школа" if sort == "relevance" else "")
    few, _html = _statements(app, client, url)
    with app.app_context(), session_scope(app) as session:
        hromada = session.get(Authority, rich.world.kharkiv_hromada.id)
        for number in range(30):
            create_project(session=session, authority=hromada,
                           data=project_data(title_uk=f"Школа № {number + 10}", is_public=True))
    many, html = _statements(app, client, url)
    assert many == few, (sort, few, many)
    assert len(_references(html)) == 25  # a full page


def test_rows_link_their_titles_and_show_budget_and_progress_for_the_reader(client, rich):
    html = client.get("/projects?sort=budget").get_data(as_text=True)
    project = rich.project
    assert f'<a href="/projects/{project.reference}">{project.title_uk}</a>' in html
    ukrainian = r'<td class="num" data-label="[^"]*">[\d\u202f\u00a0 ]+,\d\d\u00a0грн</td>'
    assert re.search(ukrainian, html), "budget in Ukrainian format"
    client.get("/lang/en")
    html = client.get("/projects?sort=budget").get_data(as_text=True)
    assert re.search(r'<td class="num" data-label="[^"]*">UAH\u00a0[\d,]+\.\d\d</td>', html), "budget in English format"
    assert '<option value="budget" selected>Budget, largest first</option>' in html
    assert 'value="relevance"' not in html  # best match is offered only for a text search


def test_an_unknown_order_reads_as_the_default(client, rich):
    newest = _references(client.get("/projects").get_data(as_text=True))
    assert _references(client.get("/projects?sort=<script>").get_data(as_text=True)) == newest

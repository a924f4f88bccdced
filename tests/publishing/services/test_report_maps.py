"""Server-drawn maps: the project's place in its oblast on its page and in its report, the projects of an
authority and of the portfolio; a PDF with its map is drawn with the fetcher refusing everything else."""
from __future__ import annotations

import re

import pytest

from tests.publishing.services.test_reports import fetched, pdf_text  # noqa: F401  (a fixture, imported)
from tracker.core.db import session_scope
from tracker.projects.models import Project
from tracker.projects.operations import ProjectUpdate, update_project
from tracker.publishing import map_svg
from tracker.publishing import pdf as pdf_module
from tracker.publishing import reports as reports_module
from tracker.publishing.public import MapPoint

KHARKIV = {"latitude": 49.9935, "longitude": 36.2304, "location_code": "UA63120270000096230"}


@pytest.fixture
def placed(app, rich):
    with app.app_context(), session_scope(app) as session:
        school = session.get(Project, rich.project.id)
        update_project(session=session, project=school, expected_version=school.version,
                       changes=ProjectUpdate(**KHARKIV))
    return rich


def _self_contained(svg: str) -> None:
    assert "<script" not in svg and "href" not in svg and "url(" not in svg and "style=" not in svg


def test_the_location_map_shades_the_oblast_and_marks_the_point():
    svg = str(map_svg.location_map(title="<b>Школа</b>", **KHARKIV))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>&lt;b&gt;Школа&lt;/b&gt;</title>" in svg
    assert svg.count("<path") == 27 and svg.count(f'fill="{map_svg.HIGHLIGHT}"') == 1
    assert svg.count("<circle") == 2
    _self_contained(svg)
    assert str(map_svg.location_map(title="x", latitude=None, longitude=None, location_code=None)) == ""


def test_the_points_map_sizes_dots_by_their_projects():
    svg = str(map_svg.points_map([MapPoint(latitude=50.45, longitude=30.52, projects=1),
                                  MapPoint(latitude=49.99, longitude=36.23, projects=30)], title="t",
                                 location_code="UA63000000000041885"))
    radii = [float(r) for r in re.findall(r'<circle[^>]* r="([\d.]+)"', svg)]
    assert len(radii) == 2 and radii[0] < radii[1]
    _self_contained(svg)


def test_the_project_page_and_report_show_the_place(client, placed):
    page = client.get(f"/projects/{placed.project.reference}").get_data(as_text=True)
    assert 'class="location-map"' in page and 'class="chart map"' in page
    report = client.get(f"/reports/projects/{placed.project.reference}.html").get_data(as_text=True)
    assert 'class="report-map"' in report and "geoBoundaries" in report


def test_the_pdf_report_draws_its_map_fetching_nothing_outside_the_assets(client, placed, fetched, monkeypatch):  # noqa: F811
    drawn: list[str] = []
    original = reports_module.render_pdf

    def recording(html, **kwargs):
        drawn.append(html)
        return original(html, **kwargs)

    monkeypatch.setattr(reports_module, "render_pdf", recording)
    response = client.get(f"/reports/projects/{placed.project.reference}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'class="report-map"' in drawn[0] and drawn[0].count("<path") >= 27
    assert "geoBoundaries" in pdf_text(response.data)
    root = pdf_module.base_url()
    assert fetched and all(url.startswith(root) for url in fetched)


def test_authority_page_and_reports_show_where_the_projects_are(client, placed):
    oblast = placed.world.kharkiv_oblast.id
    page = client.get(f"/authorities/{oblast}").get_data(as_text=True)
    assert 'class="location-map"' in page and f"/map?authority={oblast}" in page
    for path in (f"/reports/authorities/{oblast}.html", "/reports/portfolio.html"):
        report = client.get(path).get_data(as_text=True)
        assert 'class="report-map"' in report, path

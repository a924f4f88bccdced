"""Reports are drawn up with an app context only (the command line, background jobs): no request anywhere.

Their links are absolute addresses on ``PUBLIC_BASE_URL`` and their language is the report's own.
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from flask import has_request_context, url_for
from pypdf import PdfReader

from tests.publishing.services.fixtures import build_rich
from tracker.cli import main
from tracker.core.db import session_scope
from tracker.core.hierarchy import get_by_code
from tracker.core.i18n import current_language
from tracker.projects.operations import get_project
from tracker.publishing import read_models as public_views
from tracker.publishing import reports as documents
from tracker.publishing.cache import PdfCache
from tracker.publishing.links import public_base_url, public_url

SITE = "https://vidnova.example.org"


@pytest.fixture
def app(app, tmp_path):
    app.config["CACHE_FOLDER"] = str(tmp_path / "report-cache")
    app.config["PUBLIC_BASE_URL"] = SITE
    return app


@pytest.fixture
def rich(app):
    with app.app_context(), session_scope(app) as session:
        return build_rich(session, app.config["UPLOAD_FOLDER"])


def _data(app, kind: str, rich):
    with app.app_context(), session_scope(app) as session:
        if kind == "project":
            project = get_project(session=session, reference=rich.project.reference)
            return public_views.project_view(session=session, project=project)
        if kind == "authority":
            authority = get_by_code(session=session, code=rich.world.kharkiv_oblast.code)
            return public_views.authority_report(session=session, authority=authority)
        return public_views.portfolio(session=session)


def _links(kind: str, rich) -> list[str]:
    reference, oblast = rich.project.reference, rich.world.kharkiv_oblast.id
    return {"project": [f"{SITE}/projects/{reference}", f"{SITE}/open-data/oc4ids/projects/{reference}.json"],
            "authority": [f"{SITE}/authorities/{oblast}", f"{SITE}/open-data/oc4ids/authorities/{oblast}.json"],
            "portfolio": [f"{SITE}/projects", f"{SITE}/open-data/oc4ids/projects.json"]}[kind]


def _title(kind: str, data, locale: str) -> str:
    if kind == "project":
        return data.summary.title(locale)
    if kind == "authority":
        return data.authority.name(locale)
    return "Portfolio" if locale == "en" else "Портфель"


#: Per kind and language: the label of the public page's link, then more text in that language (labels, data).
IN_LANGUAGE = {
    ("project", "uk"): ["Сторінка проєкту", "Відновлення школи № 1", "Огляд"],
    ("project", "en"): ["Project page", "Restoration of school No. 1", "Overview"],
    ("authority", "uk"): ["Орган влади", "Харківська", "Проєкти тут і нижче"],
    ("authority", "en"): ["Authority", "Kharkiv Oblast", "Projects here and beneath"],
    ("portfolio", "uk"): ["Усі проєкти", "Харківська", "Усі проєкти в OC4IDS (JSON)"],
    ("portfolio", "en"): ["All projects", "Kharkiv Oblast", "All projects in OC4IDS (JSON)"],
}


@pytest.mark.parametrize("locale", ["uk", "en"])
@pytest.mark.parametrize("kind", documents.KINDS)
def test_report_renders_with_an_app_context_only(app, rich, kind, locale):
    data = _data(app, kind, rich)
    with app.app_context():
        assert not has_request_context()
        report = documents.Report(kind, data, locale, date(2026, 3, 1), _title(kind, data, locale))
        html = documents.render_html(report, asset_base="")
    assert f'<html lang="{locale}">' in html
    for link in _links(kind, rich):
        assert f'href="{link}"' in html
    label, *texts = IN_LANGUAGE[(kind, locale)]
    assert f"<dt>{label}</dt>" in html
    for text in texts:
        assert text in html, text
    other = "en" if locale == "uk" else "uk"
    assert f"<dt>{IN_LANGUAGE[(kind, other)][0]}</dt>" not in html


def test_pdf_with_an_app_context_only(app, rich):
    data = _data(app, "project", rich)
    report = documents.Report("project", data, "en", date(2026, 3, 1), "Restoration of school No. 1")
    cache = PdfCache(app.config["CACHE_FOLDER"])
    with app.app_context():
        pdf, cached = documents.pdf_bytes(report, cache=cache)
        again, cached_again = documents.pdf_bytes(report, cache=cache)
    assert not cached and cached_again and again == pdf
    reader = PdfReader(io.BytesIO(pdf))
    uris = {annotation.get_object()["/A"]["/URI"] for page in reader.pages
            for annotation in page.get("/Annots") or [] if "/A" in annotation.get_object()}
    assert set(_links("project", rich)) <= uris
    assert "Project page" in reader.pages[0].extract_text()


def test_cli_project_report_as_html_has_public_links(app, rich, tmp_path):
    output = tmp_path / "school.html"
    result = app.test_cli_runner().invoke(main, ["report", "project", rich.project.reference, "--format", "html",
                                                 "--lang", "en", "-o", str(output)])
    assert result.exit_code == 0, result.output
    html = output.read_text(encoding="utf-8")
    assert "Restoration of school No. 1" in html and '<html lang="en">' in html
    for link in _links("project", rich):
        assert f'href="{link}"' in html


def test_web_reports_link_to_the_public_base_url_or_the_host_asked(app, client, rich):
    reference = rich.project.reference
    html = client.get(f"/reports/projects/{reference}.html").get_data(as_text=True)
    assert f'href="{SITE}/projects/{reference}"' in html and 'lang="uk"' in html
    app.config["PUBLIC_BASE_URL"] = ""
    html = client.get(f"/reports/projects/{reference}.html?lang=en",
                      base_url="https://mirror.example.net").get_data(as_text=True)
    assert f'href="https://mirror.example.net/projects/{reference}"' in html and "Project page" in html


@pytest.mark.parametrize("configured, expected", [
    ("https://vidnova.example.org", "https://vidnova.example.org/projects/VID-1"),
    ("https://vidnova.example.org/portal/", "https://vidnova.example.org/portal/projects/VID-1"),
    ("", "http://localhost/projects/VID-1"),
])
def test_public_url_without_a_request(app, configured, expected):
    app.config["PUBLIC_BASE_URL"] = configured
    with app.app_context():
        assert public_url("portal.project_detail", reference="VID-1") == expected
        assert public_base_url() == expected.removesuffix("projects/VID-1")
        assert current_language() == "uk"  # the locale selector asks no session when there is no request


def test_public_url_in_a_request_is_what_url_for_builds(app):
    app.config["PUBLIC_BASE_URL"] = ""
    with app.test_request_context("/", base_url="https://host.example.net/app"):
        for endpoint, values in (("portal.project_detail", {"reference": "VID-1"}),
                                 ("reports.authority_report", {"authority_id": 7, "fmt": "pdf", "lang": "en"}),
                                 ("reports.oc4ids_all", {})):
            assert public_url(endpoint, **values) == url_for(endpoint, _external=True, **values)

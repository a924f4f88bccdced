"""Reports in HTML and PDF: the right figures, public data only, hostile text inert, PDFs cached."""
from __future__ import annotations

import io
import urllib.request

import pytest
from pypdf import PdfReader

from tests.publishing.services.fixtures import HOSTILE_TITLE, PUBLIC_DOC, RESTRICTED_DOC
from tracker.core.db import session_scope
from tracker.publishing import pdf as pdf_module


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks for, and a guarantee that no network request is made."""
    urls: list[str] = []
    original = pdf_module.AssetFetcher.fetch

    def recording(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    def no_network(*_args, **_kwargs):
        raise AssertionError("a report tried to reach the network")

    monkeypatch.setattr(pdf_module.AssetFetcher, "fetch", recording)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    return urls


def test_project_report_pdf_shows_title_budget_and_versions(client, rich, fetched):
    response = client.get(f"/reports/projects/{rich.project.reference}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Відновлення школи № 1" in text
    plain = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    assert "1 500 000,00 грн" in plain and "250 000,00 грн" in plain and "14 000 000,00 грн" in plain
    assert "oecd_principles v" in text
    assert PUBLIC_DOC in text and RESTRICTED_DOC not in text
    root = pdf_module.base_url()
    assert fetched and all(url.startswith(root) for url in fetched)


def test_project_report_html_and_english(client, rich):
    html = client.get(f"/reports/projects/{rich.project.reference}.html?lang=en").get_data(as_text=True)
    assert "Restoration of school No. 1" in html and "Contents" in html and "Report date" in html
    assert 'href="/reports/assets/report.css"' in html and "<svg" in html
    assert RESTRICTED_DOC not in html and PUBLIC_DOC in html


#: Headings of the reports that once stayed English in Ukrainian reports (their templates were not extracted).
REPORT_HEADINGS = {"Project accountability report": "Звіт про підзвітність проєкту",
                   "Budget and funding": "Бюджет і фінансування", "Report date": "Дата звіту",
                   "Published by": "Видавець", "Rule set versions": "Версії наборів правил"}


def test_ukrainian_report_headings_are_ukrainian_in_html_and_pdf(client, rich, fetched):
    html = client.get(f"/reports/projects/{rich.project.reference}.html?lang=uk").get_data(as_text=True)
    text = pdf_text(client.get(f"/reports/projects/{rich.project.reference}.pdf?lang=uk").data)
    flat = " ".join(text.split())
    for english, ukrainian in REPORT_HEADINGS.items():
        assert english not in html and ukrainian in html, english
        assert english.upper() not in flat.upper() and ukrainian.upper() in flat.upper(), english
    for kind in (f"authorities/{rich.world.kharkiv_oblast.id}", "portfolio"):
        page = client.get(f"/reports/{kind}.html?lang=uk").get_data(as_text=True)
        assert "accountability report" not in page and "Звіт про підзвітність" in page


def test_hostile_text_is_inert_in_pages_and_reports(client, rich, fetched):
    reference = rich.hostile.reference
    for url in (f"/projects/{reference}", f"/reports/projects/{reference}.html", "/projects",
                f"/reports/authorities/{rich.world.kharkiv_oblast.id}.html"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and '<img src="file:///etc/passwd"' not in html
        assert "https://evil.example" not in html or "&lt;img src=&#34;https://evil.example" in html
        assert "&lt;script&gt;" in html
    text = pdf_text(client.get(f"/reports/projects/{reference}.pdf").data)
    assert '<script>alert("x")</script>' in text  # shown as text, never run
    assert '<img src="file:///etc/passwd">' in text
    assert all(url.startswith(pdf_module.base_url()) for url in fetched)
    assert HOSTILE_TITLE.split("<")[0].strip() in text


def test_non_public_projects_have_no_report(client, rich, login):
    login(rich.world.admin)  # even an administrator: reports are public documents
    for fmt in ("html", "pdf"):
        assert client.get(f"/reports/projects/{rich.world.draft.reference}.{fmt}").status_code == 404
    html = client.get(f"/reports/authorities/{rich.world.derhachi_hromada.id}.html").get_data(as_text=True)
    assert "Чернетка" not in html and rich.world.draft.reference not in html


def test_authority_and_portfolio_reports(client, rich):
    oblast = rich.world.kharkiv_oblast
    # The first request answers at once with the page following the worker's job (the test queue runs it as
    # soon as the request commits); the same address then serves the file from the cache.
    waiting = client.get(f"/reports/authorities/{oblast.id}.pdf")
    assert waiting.status_code == 202 and waiting.headers["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="2">' in waiting.get_data(as_text=True)
    pdf = client.get(f"/reports/authorities/{oblast.id}.pdf")
    text = pdf_text(pdf.data)
    assert pdf.status_code == 200 and pdf.headers["X-Report-Cache"] == "hit"
    assert rich.project.reference in text and rich.world.bridge.reference not in text
    assert "P1" in text and "1 500 000" in text
    assert client.get("/reports/portfolio.pdf?lang=en").status_code == 202
    portfolio = client.get("/reports/portfolio.pdf?lang=en")
    assert portfolio.status_code == 200 and "Kharkiv Oblast" in pdf_text(portfolio.data)
    assert "Reconstruction projects of Ukraine" in pdf_text(portfolio.data)  # the report's language, not the page's


def test_pdf_is_cached_until_what_it_shows_changes(app, client, rich):
    url = f"/reports/projects/{rich.project.reference}.pdf"
    first = client.get(url)
    second = client.get(url)
    assert first.headers["X-Report-Cache"] == "miss" and second.headers["X-Report-Cache"] == "hit"
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    with app.app_context(), session_scope(app) as session:
        from tracker.projects.models import Project

        project = session.get(Project, rich.project.id)
        project.title_uk = "Відновлення школи № 1 (корпус Б)"
    third = client.get(url)
    assert third.headers["X-Report-Cache"] == "miss" and third.headers["ETag"] != first.headers["ETag"]
    assert "корпус Б" in pdf_text(third.data)
    assert client.get(url + "?lang=en").headers["X-Report-Cache"] == "miss"  # another language, another PDF

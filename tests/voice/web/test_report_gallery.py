"""The project report's gallery: published photos only, by phase, embedded so that the PDF fetches nothing."""
from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from sqlmodel import select

from tests.voice.conftest import add_moderator, confirmation_path
from tests.voice.images import photo_with_gps
from tests.web_fixtures import sign_in
from tracker.core.db import session_scope
from tracker.publishing import read_models, reports
from tracker.publishing.pdf import AssetFetcher, render_pdf
from tracker.voice import operations
from tracker.voice.models import CitizenItem, CitizenPhoto

SIZES = {"shown@example.org": (64, 48), "hidden@example.org": (80, 40), "waiting@example.org": (40, 80),
         "unconfirmed@example.org": (50, 50)}


def _send(client, project, email, phase, **extra):
    """A photo of its own size for each author, so that no two thumbnails are the same bytes."""
    response = client.post(f"/projects/{project.reference}/voice", content_type="multipart/form-data", data={
        "kind": "photo", "body": "", "email": email, "phase": phase, "website": "",
        "photo": (io.BytesIO(photo_with_gps(size=SIZES[email])), "site.jpg"), **extra})
    assert response.status_code == 302, response.get_data(as_text=True)


def _photos(app):
    """{author's address: (item, its photo's thumbnail bytes as a data: URL)}."""
    folder = app.config["UPLOAD_FOLDER"]
    with app.app_context(), session_scope(app) as session:
        rows = session.exec(select(CitizenItem, CitizenPhoto).join(CitizenPhoto)).all()
        return {item.author_email: (item.id, "data:image/jpeg;base64," + base64.b64encode(
            (Path(folder) / "voice" / photo.thumb_name).read_bytes()).decode()) for item, photo in rows}


def _images(pdf: bytes) -> int:
    """How many different pictures the PDF holds."""
    return len({image.data for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images})


def _gallery(app, client, world):
    """Published before (with a place and a day), published then hidden, waiting, never confirmed."""
    project = world.clinic
    _send(client, project, "shown@example.org", "before", latitude="50.45", longitude="30.52",
          observed_on="2026-03-01")
    _send(client, project, "hidden@example.org", "after")
    _send(client, project, "waiting@example.org", "during")
    _send(client, project, "unconfirmed@example.org", "during")
    with app.app_context(), session_scope(app) as session:
        moderator = add_moderator(session)
        links = [confirmation_path(session, email) for email in
                 ("shown@example.org", "hidden@example.org", "waiting@example.org")]
    for link in links:
        assert client.get(link).status_code == 200
    photos = _photos(app)
    with app.app_context(), session_scope(app) as session:
        for email in ("shown@example.org", "hidden@example.org"):
            operations.publish(session=session, item=session.get(CitizenItem, photos[email][0]), moderator=moderator)
    sign_in(client, moderator.email)
    hidden = photos["hidden@example.org"][0]
    assert client.post(f"/manage/voice/{hidden}/hide-published", data={"reason": "off_topic"}).status_code == 303
    client.post("/logout")
    return photos


def test_the_report_shows_published_photos_only_embedded_with_their_captions(app, client, world):
    photos = _gallery(app, client, world)
    html = client.get(f"/reports/projects/{world.clinic.reference}.html?lang=en").get_data(as_text=True)
    assert "Photos of the site" in html and 'alt="Before the works"' in html
    assert html.count("data:image/jpeg;base64,") == 1 and photos["shown@example.org"][1] in html
    for email in ("hidden@example.org", "waiting@example.org", "unconfirmed@example.org"):
        assert photos[email][1] not in html
    assert "2026-03-01 · 50.45000, 30.52000" in " ".join(html.split())
    assert "@example.org" not in html and "/voice/photos/" not in html  # nothing personal, nothing to fetch
    api = client.get(f"/api/v1/projects/{world.clinic.reference}").get_json()
    assert [photo["phase"] for photo in api["photos"]] == ["before"]

    pdf = client.get(f"/reports/projects/{world.clinic.reference}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # The one published photo (the pages share their resources, so it is named on each); charts and maps are drawn.
    assert _images(pdf.data) == 1


def test_the_pdf_embeds_the_thumbnails_and_fetches_nothing_outside_its_assets(app, client, world):
    _gallery(app, client, world)
    with app.app_context(), session_scope(app) as session:
        view = read_models.project_view(session=session, project=world.clinic)
        assert [photo.phase for photo in view.photos] == ["before"]
        report = reports.Report("project", view, "uk", date(2026, 12, 8), "Report")
        with app.test_request_context():
            html = reports.render_html(report, asset_base="")
        fetcher = AssetFetcher()
        pdf = render_pdf(html, fetcher=fetcher)
    assert fetcher.refused == [] and fetcher.inlined == 1
    assert _images(pdf) == 1


def test_a_report_without_published_photos_has_no_gallery(app, client, world):
    _send(client, world.clinic, "unconfirmed@example.org", "during")
    html = client.get(f"/reports/projects/{world.clinic.reference}.html?lang=en").get_data(as_text=True)
    assert "data:image/jpeg" not in html and "Photos of the site" not in html

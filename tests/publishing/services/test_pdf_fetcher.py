"""The WeasyPrint URL fetcher serves report assets and refuses everything else."""
from __future__ import annotations

import os

import pytest
from pypdf import PdfReader

from tracker.publishing.pdf import ASSETS, AssetFetcher, RefusedURL, base_url, render_pdf

REFUSED = [
    "file:///etc/passwd",
    "http://127.0.0.1:9/secret",
    "https://example.org/logo.png",
    "ftp://example.org/file",
    "data:text/css,body{color:red}",
    "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
    "data:image/jpeg;base64,PHN2Zz48L3N2Zz4=",  # says JPEG, holds SVG
    "data:image/jpeg;base64,/9j/not base64!",
    "data:image/jpeg,\xff\xd8\xff",
    base_url() + "../../tracker/config.py",
    base_url() + "%2e%2e/%2e%2e/pyproject.toml",
    base_url() + "fonts/../../../../../etc/passwd",
    base_url() + "report.css?x=1",
    "file://evil.example" + str(ASSETS / "report.css"),
    base_url() + "fonts/",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("url", REFUSED)
def test_every_url_outside_the_assets_is_refused(url):
    fetcher = AssetFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_symbolic_link_out_of_the_assets_is_refused(tmp_path):
    root = tmp_path / "assets"
    root.mkdir()
    os.symlink("/etc/passwd", root / "passwd.css")
    with pytest.raises(RefusedURL):
        AssetFetcher(root).fetch((root / "passwd.css").as_uri())


def test_redirects_are_never_followed():
    # No HTTP request is ever made, so there is no response to redirect; the handler is not even installed.
    from urllib.request import HTTPRedirectHandler

    assert not any(isinstance(handler, HTTPRedirectHandler) for handler in AssetFetcher().handlers)


def test_assets_are_served():
    response = AssetFetcher().fetch(base_url() + "report.css")
    assert b"@page" in response.read() and response.content_type == "text/css"
    assert AssetFetcher().fetch(base_url() + "fonts/DejaVuSans.ttf").read()[:4] == b"\x00\x01\x00\x00"


def test_a_document_naming_forbidden_urls_renders_and_fetches_nothing_of_them():
    fetcher = AssetFetcher()
    html = ('<html><head><link rel="stylesheet" href="report.css">'
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head><body class="report">'
            '<p>Тест</p><img src="file:///etc/passwd"><img src="https://example.org/a.png">'
            '<img src="../../../etc/passwd"></body></html>')
    pdf = render_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert set(fetcher.refused) >= {"http://127.0.0.1:9/x.css", "file:///etc/passwd", "https://example.org/a.png"}
    assert any(url.endswith("/etc/passwd") and url != "file:///etc/passwd" for url in fetcher.refused)
    assert "Тест" in PdfReader(__import__("io").BytesIO(pdf)).pages[0].extract_text()


def test_fonts_are_embedded():
    import io

    pdf = render_pdf('<html><head><link rel="stylesheet" href="report.css"></head>'
                     '<body class="report"><p>Відновлення</p></body></html>')
    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("Vidnova-Sans" in name for name in names)
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts.values()]
    assert all("/FontFile2" in d for d in descriptors)


def test_the_layout_is_heard_page_by_page_and_nothing_reaches_the_logs(caplog):
    import logging

    from weasyprint.logger import PROGRESS_LOGGER

    pages = "".join(f'<p style="page-break-after: always">Page {n}</p>' for n in range(1, 5))
    html = f"<html><body>{pages}</body></html>"
    heard, counted = [], []
    level_before = PROGRESS_LOGGER.level
    with caplog.at_level(logging.DEBUG):
        pdf = render_pdf(html, laying_out=heard.append, laid_out=counted.append)
    assert pdf.startswith(b"%PDF")
    assert heard == [1, 2, 3, 4] and counted == [4]
    # The layout's records were heard, not logged (writing the PDF afterwards logs as it always did).
    assert not [record for record in caplog.records if "Creating layout" in record.getMessage()]
    assert [record for record in caplog.records if "Creating PDF" in record.getMessage()]
    assert PROGRESS_LOGGER.level == level_before and not PROGRESS_LOGGER.filters


def test_a_listener_that_raises_stops_the_layout():
    class Cancelled(Exception):
        pass

    def cancel_at_second_page(page: int) -> None:
        if page == 2:
            raise Cancelled

    html = "<html><body>" + '<p style="page-break-after: always">x</p>' * 5 + "</body></html>"
    try:
        render_pdf(html, laying_out=cancel_at_second_page)
    except Cancelled:
        pass
    else:
        raise AssertionError("the layout went on after its listener raised")


def test_an_inline_jpeg_is_served_from_its_own_bytes():
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, "JPEG")
    fetcher = AssetFetcher()
    response = fetcher.fetch("data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode())
    assert response.read() == out.getvalue() and response.content_type == "image/jpeg"
    assert fetcher.inlined == 1 and fetcher.refused == []

"""HTML to PDF with WeasyPrint: the only module that imports it.

WeasyPrint fetches every stylesheet, font and image a document names. Reports show text that citizens'
representatives typed, so the fetcher here refuses everything except files inside ``reports/assets``:
no other file (``file:///etc/passwd``, ``../`` tricks, symbolic links out), no network (http, https,
ftp), no redirects, because nothing is ever requested from a server at all, and no ``data:`` URL but one kind:
a base64 JPEG (``data:image/jpeg;base64,…``, checked to be one and bounded in size), which is how a report embeds
the thumbnails of citizens' photos the application itself re-encoded (``voice.photos.stored_data_uri``). Such a
URL carries its bytes with it: nothing is fetched, and no other kind of image (SVG, which could name further
URLs) or stylesheet gets in that way.
"""
from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, URLFetcher
from weasyprint.logger import PROGRESS_LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from tracker.core.config import PROJECT_ROOT

ASSETS = PROJECT_ROOT / "reports" / "assets"
#: The one kind of ``data:`` URL served: a base64 JPEG, no larger than this once decoded.
INLINE_JPEG = "data:image/jpeg;base64,"
INLINE_MAX_BYTES = 2 * 1024 * 1024


class RefusedURL(ValueError):
    """A report asked for something outside its assets."""


class AssetFetcher(URLFetcher):
    """Serves files under ``root`` to WeasyPrint and refuses every other URL (recorded in ``refused``)."""

    def __init__(self, root: Path = ASSETS):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
        self.root = root.resolve()
        self.refused: list[str] = []
        #: How many inline JPEGs (citizens' photo thumbnails) the document carried.
        self.inlined = 0

    def fetch(self, url, headers=None):
        try:
            if url.startswith(INLINE_JPEG):
                body = self.inline_jpeg(url)
                self.inlined += 1
                return URLFetcherResponse(INLINE_JPEG, body=body, headers={"Content-Type": "image/jpeg"})
            path = self.resolve(url)
        except RefusedURL:
            self.refused.append(url[:200])
            raise
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": media_type})

    @staticmethod
    def inline_jpeg(url: str) -> bytes:
        """The bytes of a ``data:image/jpeg;base64,`` URL; RefusedURL unless they are a JPEG of bounded size."""
        encoded = url[len(INLINE_JPEG):]
        if len(encoded) > INLINE_MAX_BYTES * 4 // 3 + 4:
            raise RefusedURL("refused: an inline image too large")
        try:
            body = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise RefusedURL("refused: an inline image that is not base64") from None
        if not body.startswith(b"\xff\xd8\xff"):
            raise RefusedURL("refused: an inline image that is not a JPEG")
        return body

    def resolve(self, url: str) -> Path:
        """The asset file ``url`` names; RefusedURL for anything else."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
            raise RefusedURL(f"refused: {url[:200]}")
        # resolve() follows symbolic links and "..", so the check below sees the real target.
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused: {url[:200]}")
        return path


def base_url(root: Path = ASSETS) -> str:
    """The base against which a report's relative asset links (``report.css``, ``fonts/…``) resolve."""
    return root.resolve().as_uri() + "/"


def render_pdf(html: str, *, fetcher: AssetFetcher | None = None, stylesheets: tuple[str, ...] = (),
               laid_out: Callable[[int], None] | None = None,
               laying_out: Callable[[int], None] | None = None) -> bytes:
    """``html`` as PDF bytes, fonts embedded; relative links resolve inside the assets only.

    ``laying_out(page)`` hears each page as the layout (most of the time) reaches it; ``laid_out(pages)`` hears
    when the layout is done, before the PDF is written. Either may raise to stop the work (a cancelled job).
    """
    fetcher = fetcher or AssetFetcher()
    fonts = FontConfiguration()
    extra = [CSS(string=css, base_url=base_url(fetcher.root), url_fetcher=fetcher, font_config=fonts)
             for css in stylesheets]
    with _pages_heard(laying_out):
        document = HTML(string=html, base_url=base_url(fetcher.root), url_fetcher=fetcher).render(
            stylesheets=extra, font_config=fonts)
    if laid_out is not None:
        laid_out(len(document.pages))
    return document.write_pdf()


#: The message WeasyPrint's progress logger gives each page as its layout starts (``weasyprint/layout/page.py``).
_PAGE_STEP = "Step 5 - Creating layout - Page %d"


@contextmanager
def _pages_heard(laying_out: Callable[[int], None] | None) -> Iterator[None]:
    """Pass WeasyPrint's per-page progress of this thread to ``laying_out`` while the block runs.

    WeasyPrint reports progress on a logger, not through a callback. A filter on that logger sees each record
    before any handler: this thread's page records go to ``laying_out`` and no further (nothing reaches the
    logs); other threads' records pass as before. The logger's level is lowered only while someone listens.
    """
    if laying_out is None:
        yield
        return
    thread = threading.get_ident()

    def hear(record: logging.LogRecord) -> bool:
        if record.thread != thread:
            return True
        if record.msg == _PAGE_STEP and record.args:
            laying_out(int(record.args[0]))  # type: ignore[index,call-overload]
        return False

    with _LISTENING:
        if not _LEVEL_BEFORE:  # the first render listening now
            _LEVEL_BEFORE.append(PROGRESS_LOGGER.level)
            PROGRESS_LOGGER.setLevel(logging.INFO)
        _LISTENERS.append(hear)
        PROGRESS_LOGGER.addFilter(hear)
    try:
        yield
    finally:
        with _LISTENING:
            PROGRESS_LOGGER.removeFilter(hear)
            _LISTENERS.remove(hear)
            if not _LISTENERS:  # the last one: the logger as it was
                PROGRESS_LOGGER.setLevel(_LEVEL_BEFORE.pop())


_LISTENING = threading.Lock()
_LISTENERS: list[Callable[[logging.LogRecord], bool]] = []
_LEVEL_BEFORE: list[int] = []

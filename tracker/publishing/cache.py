"""A cache of rendered PDFs, keyed by a hash of everything they show.

The key is the sha256 of the canonical JSON of the report's public data, its kind and language, and
the digest of the report sources (templates, print CSS, fonts, chart code), so any change to the data
or the layout gives a new key and a stale PDF is never served. Entries live as files in
``TRACKER_CACHE_FOLDER``: app processes keep no state of their own, so in production that folder is
shared storage (like the upload folder); deleting it at any time is safe.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from tracker.core.config import PROJECT_ROOT
from tracker.publishing.public import plain

SOURCES = (PROJECT_ROOT / "reports", Path(__file__).parent)


@lru_cache(maxsize=1)
def _sources_digest_at(stamp: tuple) -> str:
    digest = hashlib.sha256()
    for path, _mtime in stamp:
        digest.update(path.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def sources_digest() -> str:
    """The digest of every report source file (recomputed only when one of them changes)."""
    files = sorted(p for root in SOURCES for p in root.rglob("*")
                   if p.is_file() and p.suffix in {".html", ".css", ".py", ".ttf"})
    return _sources_digest_at(tuple((str(p), p.stat().st_mtime_ns) for p in files))


def cache_key(*, kind: str, locale: str, data: Any) -> str:
    """sha256 of the canonical JSON of what the report shows plus the sources it is drawn with."""
    canonical = json.dumps({"kind": kind, "locale": locale, "data": plain(data), "sources": sources_digest()},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class PdfCache:
    """Files named by key in ``folder``; writes are atomic so concurrent workers never read half a PDF."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a cache key")
        return self.folder / key[:2] / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, pdf: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(pdf)
        os.replace(temporary, target)

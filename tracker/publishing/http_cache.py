"""HTTP caching of public output: an ``ETag`` and ``Last-Modified`` from the data version, ``304`` without rendering.

For a GET of a public page, the open data, the API or a report by someone not signed in, the tag is a digest of
the data version (``core.data_version``), the day (a citizen's question turns overdue with the date, not with a
write), the language, the URL and the release. A conditional request whose tag
still matches is answered ``304 Not Modified`` after reading that one row, before any page query runs.

``Cache-Control`` says what a CDN may do: ``public, max-age=…`` only when the answer depends on nothing but the
URL (the request carried no session cookie and the page started none — a page with a form starts one for its
CSRF token); otherwise ``private, no-cache`` (the browser may keep it but must revalidate). Signed-in pages are
never cached: ``private, no-store`` and no tag.
"""
from __future__ import annotations

import functools
import hashlib
from datetime import date
from importlib.metadata import PackageNotFoundError, version

from flask import Flask, current_app, request, session
from flask_login import current_user

from tracker.core import data_version
from tracker.core.db import get_session
from tracker.core.i18n import current_language

#: The public blueprints: portal pages, reports and open data, the JSON API, the map.
PUBLIC_BLUEPRINTS = frozenset({"portal", "reports", "api", "maps"})


@functools.cache
def _release() -> str:
    """The installed release (read from the package metadata once: it costs a millisecond a request)."""
    try:
        return version("vidnova")
    except PackageNotFoundError:  # pragma: no cover  (running from a checkout that was never installed)
        return "dev"


def _signed_in() -> bool:
    return bool(current_user and current_user.is_authenticated)


def _cacheable() -> bool:
    return (request.method in ("GET", "HEAD") and request.blueprint in PUBLIC_BLUEPRINTS and not _signed_in()
            and not session.get("_flashes"))


def _tag(stamp: data_version.Stamp) -> str:
    release = current_app.config.get("RELEASE") or _release()
    raw = f"{stamp.version}|{date.today().isoformat()}|{current_language()}|{request.full_path}|{release}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _stamp() -> data_version.Stamp:
    # Kept with the request (not ``g``, which outlives it when an app context was already pushed).
    key = "vidnova.data_stamp"
    if key not in request.environ:
        request.environ[key] = data_version.current(get_session())
    return request.environ[key]


def not_modified():
    """``304`` for a conditional request whose tag still holds (a ``before_request`` hook)."""
    if not request.if_none_match or not _cacheable():
        return None
    stamp = _stamp()
    tag = _tag(stamp)
    if not request.if_none_match.contains(tag):
        return None
    response = current_app.response_class(status=304)
    _label(response, stamp, tag)
    return response


def mark(response):
    """Tag a public answer, or forbid caching a signed-in one (an ``after_request`` hook)."""
    if _signed_in():
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response
    if response.status_code != 200 or not _cacheable():
        return response
    stamp = _stamp()
    _label(response, stamp, _tag(stamp))
    return response


def _label(response, stamp: data_version.Stamp, tag: str) -> None:
    response.set_etag(tag)
    if stamp.changed_at is not None:
        response.last_modified = stamp.changed_at
    if request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]) or session.modified:
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        response.headers["Cache-Control"] = f"public, max-age={current_app.config['PUBLIC_CACHE_SECONDS']}"
    response.vary.add("Cookie")


def init_app(app: Flask) -> None:
    app.config.setdefault("PUBLIC_CACHE_SECONDS", 60)
    app.before_request(not_modified)
    app.after_request(mark)

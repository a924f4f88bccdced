"""Absolute public addresses for what leaves the site (reports, open data): built without a request.

``url_for`` needs a request (or ``SERVER_NAME``) to know the host; a report drawn up by the command line
or a background job has neither. The public address is ``PUBLIC_BASE_URL`` when set, else the address the
current request came to, else ``http://localhost/``; the path is built from the app's own URL map, so it
is the same path ``url_for`` builds.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

FALLBACK_BASE_URL = "http://localhost/"


def public_base_url() -> str:
    """The site's public address, ending in ``/``: ``PUBLIC_BASE_URL``, else this request's, else localhost."""
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base and has_request_context():
        base = request.url_root
    return (base or FALLBACK_BASE_URL).rstrip("/") + "/"


def public_url(endpoint: str, **values) -> str:
    """The absolute public URL of ``endpoint`` with ``values`` (unknown ones become the query string)."""
    base = urlsplit(public_base_url())
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)

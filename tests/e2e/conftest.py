"""End-to-end fixtures: the real app served over HTTP and a real headless Chromium driving it.

Chromium comes from the system (``TRACKER_CHROMIUM`` or /usr/bin/chromium); Playwright never
downloads a browser. Without Chromium these tests skip, except under ``TRACKER_REQUIRE_BROWSER=1``
(set by .ci/run), where its absence is a failure.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import build_world
from tracker import create_app
from tracker.core.db import get_engine, session_scope

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str | None:
    candidate = os.environ.get("TRACKER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        if os.environ.get("TRACKER_REQUIRE_BROWSER") == "1":
            pytest.fail("TRACKER_REQUIRE_BROWSER=1 but no Chromium was found (set TRACKER_CHROMIUM)")
        pytest.skip("Chromium not installed: apt-get install chromium, or set TRACKER_CHROMIUM")
    from playwright.sync_api import expect, sync_playwright

    # A loaded CI machine can take longer than Playwright's 5 s default for a page that hashes a
    # password and sends mail; a longer wait costs nothing when the page is quick.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, sqlite_template):
    """The app on a fresh SQLite copy with the test world, CSRF on, as in production."""
    database = tmp_path / "e2e.sqlite3"
    shutil.copy(sqlite_template, database)
    app = create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": "e2e-secret-key-long-enough",
                      "DATABASE_URL": f"sqlite:///{database}", "WTF_CSRF_ENABLED": True,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context(), session_scope(app) as session:
        world = build_world(session)
    yield app, world
    get_engine(app).dispose()


@pytest.fixture
def server(live_app):
    """The app served on a free local port in a background thread."""
    app, world = live_app
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", world
    http.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()

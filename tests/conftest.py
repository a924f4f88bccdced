"""Shared fixtures: a fresh migrated database per test on SQLite and, when configured, PostgreSQL.

Set ``TRACKER_TEST_DATABASE_URL`` to an empty PostgreSQL database to run every database test on
both backends. ``.ci/run`` also sets ``TRACKER_REQUIRE_POSTGRES=1`` so that a missing PostgreSQL
fails the run instead of skipping quietly.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from tracker import create_app
from tracker.core.data_version import forget_memoized
from tracker.core.db import make_engine
from tracker.core.schema import upgrade

pytest_plugins = ["tests.web_fixtures"]

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")
REQUIRE_PG = os.environ.get("TRACKER_REQUIRE_POSTGRES") == "1"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_PASSED_BY_BACKEND = pytest.StashKey[Counter]()


def pytest_configure(config):
    config.stash[_PASSED_BY_BACKEND] = Counter()
    if REQUIRE_PG and not PG_URL:
        raise pytest.UsageError("TRACKER_REQUIRE_POSTGRES=1 but TRACKER_TEST_DATABASE_URL is not set")


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes():
    """The suite creates and signs in thousands of accounts: a test's password hash takes one PBKDF2 round instead
    of scrypt's 0.1 s and 32 MiB each. The product's hashing is unchanged (``test_users`` checks it, outside this)."""
    from tracker.accounts import operations

    production = operations.generate_password_hash, operations._DUMMY_HASH

    def cheap(password: str) -> str:
        return production[0](password, method="pbkdf2:sha256:1")

    operations.generate_password_hash, operations._DUMMY_HASH = cheap, cheap("not-a-real-password")
    yield production
    operations.generate_password_hash, operations._DUMMY_HASH = production


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One SQLite file migrated to head; each test gets a copy (much faster than migrating anew)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    """The test PostgreSQL database, emptied and migrated once per run."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set TRACKER_TEST_DATABASE_URL to run these tests on it")
    engine = make_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return PG_URL


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # The migration's single data-version row, as a freshly migrated database has it.
        connection.execute(text("INSERT INTO data_version (id, version, changed_at) VALUES (1, 1, now())"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    """An empty, migrated database of the backend under test."""
    # Every test's database starts at the same data version: figures memoized for another test's data must go.
    forget_memoized()
    if backend == "sqlite":
        target = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("postgres_migrated")
    _truncate_all(url)
    return url


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """A session for service tests; the test commits when it wants a write to be seen."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "JOB_FILES_FOLDER": str(tmp_path / "job-files"),
    })
    yield app
    from tracker.core.db import get_engine

    get_engine(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    callspec = getattr(item, "callspec", None)
    if report.when == "call" and report.passed and callspec and "backend" in callspec.params:
        item.config.stash[_PASSED_BY_BACKEND][callspec.params["backend"]] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = config.stash[_PASSED_BY_BACKEND]
    if counts:
        terminalreporter.write_line(
            f"database tests passed: {counts['sqlite']} on SQLite, {counts['postgresql']} on PostgreSQL"
            + ("" if PG_URL else " (PostgreSQL not configured)"))

"""Apps whose job queue holds its tasks (a SQLite file), so a test decides when a job runs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.jobs import kinds as _kinds  # noqa: F401  (registers the test job kinds)
from tracker import create_app
from tracker.core.db import get_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queued_app(database_url, tmp_path):
    app = create_app({
        "TESTING": True, "ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "JOB_QUEUE": f"sqlite:///{tmp_path / 'queue.sqlite3'}", "JOB_FILES_FOLDER": str(tmp_path / "job-files"),
    })
    yield app
    get_engine(app).dispose()


REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "")
REQUIRE_REDIS = os.environ.get("TRACKER_REQUIRE_REDIS") == "1"


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path) -> str:
    """Each storage the queue offers: a SQLite file (the embedded default) and Redis (production)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    if not REDIS_URL:
        if REQUIRE_REDIS:
            pytest.fail("TRACKER_REQUIRE_REDIS=1 but TRACKER_TEST_REDIS_URL is not set")
        pytest.skip("Redis not configured: set TRACKER_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to run these")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def worker_app(database_url, queue_url, tmp_path):
    app = create_app({
        "TESTING": True, "ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "JOB_QUEUE": queue_url, "JOB_FILES_FOLDER": str(tmp_path / "job-files"),
    })
    yield app
    get_engine(app).dispose()


class Workers:
    """``vidnova worker`` processes (with the test job kinds) on the test's database and queue."""

    def __init__(self, app, tmp_path: Path) -> None:
        self.app, self.tmp_path, self.processes = app, tmp_path, []

    def start(self, **settings) -> subprocess.Popen:
        env = {**os.environ, "TRACKER_ENV": "development", "TRACKER_DATABASE_URL": self.app.config["DATABASE_URL"],
               "TRACKER_JOB_QUEUE": self.app.config["JOB_QUEUE"],
               "TRACKER_JOB_FILES_FOLDER": self.app.config["JOB_FILES_FOLDER"],
               **{f"TRACKER_{name}": str(value) for name, value in settings.items()}}
        log = open(self.tmp_path / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115 - closed with it
        process = subprocess.Popen([sys.executable, "-m", "tests.jobs.worker_process", "worker", "--threads", "1"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append((process, log))
        return process

    def log(self, index: int = 0) -> str:
        return (self.tmp_path / f"worker-{index}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process, log in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()


@pytest.fixture
def workers(worker_app, tmp_path):
    started = Workers(worker_app, tmp_path)
    yield started
    started.stop()

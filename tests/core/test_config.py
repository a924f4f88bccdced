"""Settings: environment variables, and refusing to run in production without a real secret key."""
from __future__ import annotations

import pytest

from tracker import create_app
from tracker.core import gc_tuning
from tracker.core.config import ConfigError, from_environment

#: The real tuning, kept before the fixture below replaces it for every test here.
TUNE_FOR_SERVING = gc_tuning.tune_for_serving

@pytest.fixture(autouse=True)
def tuned(monkeypatch) -> list[str]:
    """Production apps built here record that they would tune the collector, without touching this process's."""
    calls: list[str] = []
    monkeypatch.setattr(gc_tuning, "tune_for_serving", lambda: calls.append("tuned"))
    return calls


def test_production_without_secret_key_refuses_naming_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TRACKER_ENV", "production")
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})


def test_production_with_default_key_refuses(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "dev-insecure-change-me")
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})


def test_production_with_a_real_key_starts(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "a" * 64)
    monkeypatch.setenv("TRACKER_PUBLIC_BASE_URL", "https://vidnova.example.ua/")
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("x.sqlite3")
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_only_a_production_server_tunes_the_garbage_collector(monkeypatch, tmp_path, tuned):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "a" * 64)
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_PUBLIC_BASE_URL", "https://vidnova.example.ua")
    create_app()
    assert tuned == ["tuned"]
    create_app({"TESTING": True})
    monkeypatch.setenv("TRACKER_GC_TUNING", "false")
    create_app()
    monkeypatch.setenv("TRACKER_GC_TUNING", "true")
    monkeypatch.setenv("TRACKER_ENV", "development")
    create_app()
    assert tuned == ["tuned"]


def test_tuning_freezes_the_start_up_heap_and_raises_the_young_threshold(monkeypatch):
    import gc

    done: list[object] = []
    monkeypatch.setattr(gc, "freeze", lambda: done.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *values: done.append(values))
    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    TUNE_FOR_SERVING()
    assert done == ["freeze", (gc_tuning.YOUNG_THRESHOLD, 10, 10)]


def test_environment_values_are_typed_and_checked():
    parsed = from_environment({"TRACKER_MAX_CONTENT_LENGTH": "1048576", "TRACKER_WTF_CSRF_ENABLED": "false"})
    assert parsed == {"MAX_CONTENT_LENGTH": 1048576, "WTF_CSRF_ENABLED": False}
    with pytest.raises(ConfigError, match="TRACKER_MAX_CONTENT_LENGTH"):
        from_environment({"TRACKER_MAX_CONTENT_LENGTH": "lots"})


def test_development_default_database_is_in_the_instance_folder(monkeypatch):
    monkeypatch.setenv("TRACKER_ENV", "development")
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{app.instance_path}/vidnova.sqlite3"

"""Strict settings: every ``TRACKER_*`` value is parsed strictly, and a refused one stops the start with the
variable's name and what it accepts, in one short message (also from the command line, without a traceback)."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from tracker import create_app
from tracker.cli import main
from tracker.core import gc_tuning
from tracker.core.config import ConfigError, from_environment

PRODUCTION = {"TRACKER_ENV": "production", "TRACKER_SECRET_KEY": "s" * 64,
              "TRACKER_PUBLIC_BASE_URL": "https://vidnova.example.ua"}


@pytest.fixture(autouse=True)
def _untuned(monkeypatch):
    monkeypatch.setattr(gc_tuning, "tune_for_serving", lambda: None)


@pytest.fixture
def environ(monkeypatch, tmp_path):
    """Set ``TRACKER_*`` variables (a SQLite database in tmp_path unless given) for ``create_app``."""
    def set_all(**values: str) -> None:
        values = {"TRACKER_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", **values}
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    return set_all


@pytest.mark.parametrize("name, raw, accepts", [
    ("MAX_CONTENT_LENGTH", "0", "from 65536 to"),
    ("MAX_CONTENT_LENGTH", "-5", "from 65536 to"),
    ("MAX_CONTENT_LENGTH", "lots", "whole number"),
    ("MAX_CONTENT_LENGTH", "1e6", "whole number"),
    ("MAX_CONTENT_LENGTH", "2_000_000", "whole number"),
    ("UPLOAD_MAX_BYTES", "-1", "whole number"),
    ("SMTP_PORT", "99999", "from 1 to 65535"),
    ("EXCHANGE_RATES_DATE", "1.12.2026", "YYYY-MM-DD"),
    ("EXCHANGE_RATES_DATE", "2026-13-01", "YYYY-MM-DD"),
    ("SMTP_PORT", "0", "from 1 to 65535"),
    ("SMTP_TIMEOUT", "0", "from 1 to 600"),
    ("SESSION_COOKIE_SECURE", "ture", "true/yes/on"),
    ("SESSION_COOKIE_SECURE", "2", "false/no/off"),
    ("SMTP_STARTTLS", "enabled", "true/yes/on"),
    ("GC_TUNING", "nope", "true/yes/on"),
    ("WTF_CSRF_ENABLED", "disabled", "true/yes/on"),
    ("WTF_CSRF_TIME_LIMIT", "0", "from 60 to"),
    ("LOGIN_MAX_FAILURES", "0", "from 1 to 100"),
    ("LOGIN_LOCK_MINUTES", "-15", "from 1 to"),
    ("RATE_LIMIT_REGISTRATIONS_PER_HOUR", "0", "from 1 to"),
    ("RATE_LIMIT_VOICE_PER_HOUR", "0", "from 1 to"),
    ("RATE_LIMIT_VOICE_PER_ADDRESS_PER_DAY", "many", "whole number"),
    ("VOICE_ANSWER_DAYS", "0", "from 1 to 365"),
    ("VOICE_ANSWER_DAYS", "a month", "whole number"),
    ("VOICE_UNCONFIRMED_DAYS", "0", "from 1 to 365"),
    ("VOICE_UNCONFIRMED_DAYS", "a week", "whole number"),
    ("VOICE_PHOTO_MAX_BYTES", "10", "from 1024 to"),
    ("VOICE_PHOTO_MAX_PIXELS", "1e9", "whole number"),
    ("RATE_LIMIT_OFFERS_PER_HOUR", "-1", "from 1 to"),
    ("RATE_LIMIT_FOLLOWS_PER_HOUR", "many", "from 1 to"),
    ("PUBLIC_CACHE_SECONDS", "-60", "from 0 to"),
    ("JOB_STALE_SECONDS", "1", "from 2 to"),
    ("JOB_WORKER_MISSING_SECONDS", "0", "from 5 to"),
    ("TRUSTED_PROXIES", "-1", "from 0 to 10"),
    ("TRUSTED_PROXIES", "yes", "from 0 to 10"),
    ("HSTS_SECONDS", "-1", "from 0 to"),
    ("ENV", "prod", "production, development, testing"),
    ("DATABASE_URL", "garbage://", "sqlite://, sqlite+pysqlite://, postgresql://, postgresql+psycopg://"),
    ("DATABASE_URL", "mysql://user@db/vidnova", "postgresql+psycopg://"),
    ("DATABASE_URL", "postgres://user@db/vidnova", "postgresql+psycopg://"),
    ("DATABASE_URL", "postgresql+psycopg://db.example/", "postgresql+psycopg://"),
    ("DATABASE_URL", "not a url at all", "sqlite://"),
    ("PUBLIC_BASE_URL", "vidnova.example.ua", "https://"),
    ("PUBLIC_BASE_URL", "ftp://vidnova.example.ua", "https://"),
    ("PUBLIC_BASE_URL", "https://vidnova.example.ua/?next=x", "without a query"),
    ("TRUSTED_HOSTS", "vidnova example", "host names"),
    ("TRUSTED_HOSTS", " , ", "host names"),
])
def test_a_refused_value_names_the_variable_and_what_it_accepts(name, raw, accepts):
    with pytest.raises(ConfigError) as refused:
        from_environment({f"TRACKER_{name}": raw})
    message = str(refused.value)
    assert message.startswith(f"TRACKER_{name}=")
    assert accepts in message
    assert "\n" not in message and len(message) < 300
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


@pytest.mark.parametrize("raw, value", [
    ("1", True), ("TRUE", True), ("Yes", True), ("on", True), (" true ", True),
    ("0", False), ("False", False), ("NO", False), ("off", False),
])
def test_booleans_come_from_a_fixed_set_in_any_case(raw, value):
    assert from_environment({"TRACKER_SESSION_COOKIE_SECURE": raw}) == {"SESSION_COOKIE_SECURE": value}


def test_accepted_values_are_typed():
    parsed = from_environment({
        "TRACKER_SMTP_PORT": "587", "TRACKER_MAX_CONTENT_LENGTH": "65536", "TRACKER_TRUSTED_PROXIES": "1",
        "TRACKER_HSTS_SECONDS": "31536000", "TRACKER_TRUSTED_HOSTS": "Vidnova.example.ua, .gov.ua",
        "TRACKER_PUBLIC_BASE_URL": "https://vidnova.example.ua/", "TRACKER_ENV": "Development",
        "TRACKER_WTF_CSRF_TIME_LIMIT": "3600", "TRACKER_EXCHANGE_RATES_DATE": "2026-12-01"})
    assert parsed == {
        "SMTP_PORT": 587, "MAX_CONTENT_LENGTH": 65536, "TRUSTED_PROXIES": 1, "HSTS_SECONDS": 31536000,
        "TRUSTED_HOSTS": ["vidnova.example.ua", ".gov.ua"], "PUBLIC_BASE_URL": "https://vidnova.example.ua",
        "ENV": "development", "WTF_CSRF_TIME_LIMIT": 3600, "EXCHANGE_RATES_DATE": date(2026, 12, 1)}


def test_a_plain_postgresql_url_means_psycopg_and_its_password_is_never_repeated():
    parsed = from_environment({"TRACKER_DATABASE_URL": "postgresql://vidnova:s3cret@db:5432/vidnova"})
    assert parsed == {"DATABASE_URL": "postgresql+psycopg://vidnova:s3cret@db:5432/vidnova"}
    with pytest.raises(ConfigError) as refused:
        from_environment({"TRACKER_DATABASE_URL": "postgres://vidnova:s3cret@db/vidnova"})
    assert "s3cret" not in str(refused.value) and "'postgres://…'" in str(refused.value)


def test_a_database_url_given_by_the_caller_is_checked_too(tmp_path):
    with pytest.raises(ConfigError, match="TRACKER_DATABASE_URL='garbage://…' is not accepted"):
        create_app({"TESTING": True, "DATABASE_URL": "garbage://nowhere"})


@pytest.mark.parametrize("env", ["production", "development"])
def test_csrf_cannot_be_switched_off_outside_testing(environ, env):
    environ(**{**PRODUCTION, "TRACKER_ENV": env}, TRACKER_WTF_CSRF_ENABLED="false")
    with pytest.raises(ConfigError, match="TRACKER_WTF_CSRF_ENABLED=false is only accepted with TRACKER_ENV=testing"):
        create_app()


def test_csrf_may_be_switched_off_for_tests(environ):
    environ(TRACKER_ENV="testing", TRACKER_WTF_CSRF_ENABLED="off")
    assert create_app().config["WTF_CSRF_ENABLED"] is False


def test_an_upload_limit_the_request_limit_would_refuse_is_refused(environ):
    environ(**PRODUCTION, TRACKER_MAX_CONTENT_LENGTH="1048576", TRACKER_UPLOAD_MAX_BYTES="1048576")
    with pytest.raises(ConfigError, match="UPLOAD_MAX_BYTES .* must be smaller than TRACKER_MAX_CONTENT_LENGTH"):
        create_app()


def test_a_photo_limit_the_request_limit_would_refuse_is_refused(environ):
    environ(**PRODUCTION, TRACKER_MAX_CONTENT_LENGTH="4194304", TRACKER_UPLOAD_MAX_BYTES="1048576",
            TRACKER_VOICE_PHOTO_MAX_BYTES="4194304")
    with pytest.raises(ConfigError, match="VOICE_PHOTO_MAX_BYTES .* must be smaller than TRACKER_MAX_CONTENT_LENGTH"):
        create_app()


def test_the_answer_period_is_read_from_the_environment(environ):
    environ(TRACKER_ENV="testing", TRACKER_VOICE_ANSWER_DAYS="15")
    assert create_app().config["VOICE_ANSWER_DAYS"] == 15


def test_production_needs_a_public_base_url_or_trusted_hosts(environ, monkeypatch):
    environ(**PRODUCTION)
    monkeypatch.delenv("TRACKER_PUBLIC_BASE_URL")
    with pytest.raises(ConfigError, match="TRACKER_PUBLIC_BASE_URL is not set.*TRACKER_TRUSTED_HOSTS"):
        create_app()
    # Command-line tools answer no requests: no Host header to trust.
    assert create_app({"REQUIRE_SECRET_KEY": False}).config["PUBLIC_BASE_URL"] == ""
    monkeypatch.setenv("TRACKER_TRUSTED_HOSTS", "vidnova.example.ua")
    app = create_app()
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "vidnova.example.ua"}).status_code != 400
    refused = client.get("/healthz", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and b"evil.example" not in refused.data


def test_the_development_server_needs_neither(environ):
    environ(TRACKER_ENV="development")
    assert create_app().config["PUBLIC_BASE_URL"] == ""


@pytest.mark.parametrize("variable, value", [
    ("TRACKER_SMTP_PORT", "99999"),
    ("TRACKER_DATABASE_URL", "garbage://"),
    ("TRACKER_SESSION_COOKIE_SECURE", "ture"),
    ("TRACKER_MAX_CONTENT_LENGTH", "0"),
])
def test_the_command_line_says_what_is_wrong_without_a_traceback(tmp_path, variable, value):
    env = {"TRACKER_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", variable: value}
    result = CliRunner().invoke(main, ["init"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {variable}=")
    assert "expected" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.sqlite3").exists()

"""Settings: defaults, then ``TRACKER_*`` environment variables, then the caller's overrides.

App processes keep no state of their own, so every setting that names a place (database, uploads,
caches) must point to something all workers share in production.
"""
from __future__ import annotations

import os
from pathlib import Path

#: The checkout this package runs from: templates, rule sets and report sources live beside it.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

INSECURE_DEFAULT_KEY = "dev-insecure-change-me"
ENV_PREFIX = "TRACKER_"

#: Settings read from the environment, with how to parse them.
_ENV_SETTINGS: dict[str, type] = {
    "ENV": str,
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "RULES_DIR": str,
    "RULES_SETTINGS_FILE": str,
    "EXCHANGE_RATES": str,
    "UPLOAD_FOLDER": str,
    "CACHE_FOLDER": str,
    "MAX_CONTENT_LENGTH": int,
    "UPLOAD_MAX_BYTES": int,
    "SESSION_COOKIE_SECURE": bool,
    "WTF_CSRF_ENABLED": bool,
    "OC4IDS_PREFIX": str,
    "PUBLISHER_NAME": str,
    "LOGIN_MAX_FAILURES": int,
    "LOGIN_LOCK_MINUTES": int,
    "SMTP_HOST": str,
    "SMTP_PORT": int,
    "SMTP_USER": str,
    "SMTP_PASSWORD": str,
    "SMTP_STARTTLS": bool,
    "SMTP_TIMEOUT": int,
    "MAIL_FROM": str,
    "PUBLIC_BASE_URL": str,
    "RATE_LIMIT_REGISTRATIONS_PER_HOUR": int,
    "RATE_LIMIT_OFFERS_PER_HOUR": int,
    "RATE_LIMIT_FOLLOWS_PER_HOUR": int,
    "PUBLIC_CACHE_SECONDS": int,
    "GC_TUNING": bool,
    "JOB_QUEUE": str,
    "JOB_FILES_FOLDER": str,
    "JOB_STALE_SECONDS": int,
    "JOB_WORKER_MISSING_SECONDS": int,
}


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says which variable to set."""


def _parse(kind: type, raw: str):
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(raw)
    return raw


def defaults(instance_path: str) -> dict:
    """Settings that suit a developer's machine."""
    return {
        # Production unless told otherwise, so a forgotten variable fails safe.
        "ENV": "production",
        "REQUIRE_SECRET_KEY": True,
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "vidnova.sqlite3"),
        "SECRET_KEY": INSECURE_DEFAULT_KEY,
        "RULES_DIR": str(PROJECT_ROOT / "governance_rules"),
        "RULES_SETTINGS_FILE": "",
        # Freeze the start-up heap out of the garbage collector's sight in production (core/gc_tuning.py).
        "GC_TUNING": True,
        # UAH per unit, for expressing foreign-currency amounts in the rules' facts ("EUR=45.2,USD=41.6").
        "EXCHANGE_RATES": "",
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
        # Rendered report PDFs keyed by a hash of what they show; shared storage in production.
        "CACHE_FOLDER": os.path.join(instance_path, "report-cache"),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        #: The largest evidence file accepted (the request limit above leaves room for the form around it).
        "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "uk",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parents[1] / "translations"),
        "LANGUAGES": ("uk", "en"),
        "OC4IDS_PREFIX": "vidnov",
        "PUBLISHER_NAME": "Vidnova",
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        # E-mail: no host means messages wait in the outbox (``vidnova mail flush`` sends them later).
        "SMTP_HOST": "",
        "SMTP_PORT": 25,
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "SMTP_STARTTLS": False,
        "SMTP_TIMEOUT": 10,
        "MAIL_FROM": "vidnova@localhost",
        "PUBLIC_BASE_URL": "",  # links in e-mails; empty: the address the request came to
        "RATE_LIMIT_REGISTRATIONS_PER_HOUR": 5,  # partner registrations per client address
        "RATE_LIMIT_OFFERS_PER_HOUR": 10,  # offers per partner
        "RATE_LIMIT_FOLLOWS_PER_HOUR": 10,  # follow requests per client address
        #: How long a CDN or browser may reuse a public answer without asking (ETag revalidation after that).
        "PUBLIC_CACHE_SECONDS": 60,
        # The job queue (core/queue.py): empty is a SQLite file here; redis://host:6379/0 in production.
        "JOB_QUEUE": "",
        #: Imports waiting for a worker and the files jobs produce; shared storage in production.
        "JOB_FILES_FOLDER": os.path.join(instance_path, "job-files"),
        #: A running job whose heartbeat (written every second) is older than this is retried or failed.
        "JOB_STALE_SECONDS": 60,
        #: The health check calls the workers missing when none was seen for this long.
        "JOB_WORKER_MISSING_SECONDS": 120,
    }


def from_environment(environ: os._Environ | dict | None = None) -> dict:
    """The ``TRACKER_*`` variables that are set, parsed to their types."""
    environ = os.environ if environ is None else environ
    found = {}
    for name, kind in _ENV_SETTINGS.items():
        raw = environ.get(ENV_PREFIX + name)
        if raw is not None and raw != "":
            try:
                found[name] = _parse(kind, raw)
            except ValueError as exc:
                raise ConfigError(f"{ENV_PREFIX}{name}={raw!r} is not a valid {kind.__name__}") from exc
    return found


def check_production_safety(config: dict) -> None:
    """Refuse to run outside development and testing with a guessable secret key."""
    if config.get("TESTING") or config.get("ENV") in {"development", "testing"}:
        return
    if not config.get("REQUIRE_SECRET_KEY", True):  # command-line tools sign no cookies
        return
    key = config.get("SECRET_KEY") or ""
    if not key or key == INSECURE_DEFAULT_KEY or len(key) < 16:
        raise ConfigError(
            f"{ENV_PREFIX}SECRET_KEY is missing or insecure: set {ENV_PREFIX}SECRET_KEY to a long random "
            f"string (for example: python -c 'import secrets; print(secrets.token_hex(32))') "
            f"before starting Vidnova in {config.get('ENV')!r} mode."
        )

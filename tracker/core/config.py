"""Settings: defaults, then ``TRACKER_*`` environment variables, then the caller's overrides.

App processes keep no state of their own, so every setting that names a place (database, uploads,
caches) must point to something all workers share in production.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: The checkout this package runs from: templates, rule sets and report sources live beside it.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

INSECURE_DEFAULT_KEY = "dev-insecure-change-me"
ENV_PREFIX = "TRACKER_"

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
DAY = 24 * 3600
#: Values a yes/no setting accepts (any case).
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
ENVIRONMENTS = ("production", "development", "testing")
#: Database URL schemes Vidnova runs on; ``postgresql`` means psycopg 3, the driver installed with it.
DATABASE_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says which variable to set."""


class _Refused(ValueError):
    """A value its parser does not accept; ``from_environment`` names the variable."""


@dataclass(frozen=True)
class Setting:
    """How one ``TRACKER_*`` variable is read: ``parse`` raises ``_Refused`` for anything outside ``accepts``."""

    parse: Callable[[str], Any]
    accepts: str


def text() -> Setting:
    return Setting(lambda raw: raw, "any text")


def flag() -> Setting:
    def parse(raw: str) -> bool:
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise _Refused(raw)
    return Setting(parse, "one of " + "/".join(TRUE_WORDS) + " or " + "/".join(FALSE_WORDS) + " (any case)")


def integer(low: int, high: int, unit: str = "") -> Setting:
    def parse(raw: str) -> int:
        word = raw.strip()
        if not word.isascii() or not word.lstrip("-").isdigit():
            raise _Refused(raw)
        value = int(word)
        if not low <= value <= high:
            raise _Refused(raw)
        return value
    return Setting(parse, f"a whole number from {low} to {high}{unit}")


def iso_date() -> Setting:
    def parse(raw: str):
        from datetime import date
        if not raw.strip():
            return None
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            raise _Refused(raw) from None
    return Setting(parse, "a date as YYYY-MM-DD, or nothing")


def choice(*values: str) -> Setting:
    def parse(raw: str) -> str:
        if raw.strip().lower() not in values:
            raise _Refused(raw)
        return raw.strip().lower()
    return Setting(parse, "one of " + ", ".join(values))


def database_url() -> Setting:
    return Setting(_database_url, "a URL starting with " + ", ".join(f"{s}://" for s in DATABASE_SCHEMES))


def _database_url(raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):
        raise _Refused(raw) from None
    if url.drivername not in DATABASE_SCHEMES:
        raise _Refused(raw)
    if url.drivername.startswith("postgresql"):
        if not url.database:
            raise _Refused(raw)
        # psycopg 3 is the driver installed; SQLAlchemy's plain "postgresql" would look for psycopg2.
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return raw.strip()


def base_url() -> Setting:
    def parse(raw: str) -> str:
        parts = urlsplit(raw.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise _Refused(raw)
        return raw.strip().rstrip("/")
    return Setting(parse, "an http:// or https:// address of the site, such as https://vidnova.example.ua, "
                          "without a query or fragment")


def host_list() -> Setting:
    def parse(raw: str) -> list[str]:
        hosts = [host.strip().lower() for host in raw.split(",") if host.strip()]
        if not hosts or any(not _HOST.fullmatch(host) for host in hosts):
            raise _Refused(raw)
        return hosts
    return Setting(parse, "host names separated by commas, such as vidnova.example.ua,www.vidnova.example.ua "
                          "(a leading dot allows subdomains)")


def tile_url() -> Setting:
    def parse(raw: str) -> str:
        url = raw.strip()
        parts = urlsplit(url.replace("{s}", "a"))
        if (parts.scheme not in ("http", "https") or not parts.hostname
                or any(part not in url for part in ("{z}", "{x}", "{y}"))):
            raise _Refused(raw)
        return url
    return Setting(parse, "an http:// or https:// tile address with {z}, {x} and {y}, such as "
                          "https://tiles.example.ua/{z}/{x}/{y}.png")


def tile_origin(url: str) -> str:
    """The scheme and host a tile address loads from (what the Content-Security-Policy must allow)."""
    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}." in url else parts.netloc
    return f"{parts.scheme}://{host}"


_HOST = re.compile(r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")

#: Settings read from the environment, with how to parse them.
_ENV_SETTINGS: dict[str, Setting] = {
    "ENV": choice(*ENVIRONMENTS),
    "DATABASE_URL": database_url(),
    "SECRET_KEY": text(),
    "RULES_DIR": text(),
    "RULES_SETTINGS_FILE": text(),
    "EXCHANGE_RATES": text(),
    "EXCHANGE_RATES_DATE": iso_date(),
    "UPLOAD_FOLDER": text(),
    "CACHE_FOLDER": text(),
    # Below 64 KiB even a long form would be refused; above 4 GiB is no web request.
    "MAX_CONTENT_LENGTH": integer(64 * KIB, 4 * GIB, " (bytes)"),
    "UPLOAD_MAX_BYTES": integer(1 * KIB, 4 * GIB, " (bytes)"),
    "SESSION_COOKIE_SECURE": flag(),
    "WTF_CSRF_ENABLED": flag(),
    "WTF_CSRF_TIME_LIMIT": integer(60, 7 * DAY, " (seconds)"),
    "OC4IDS_PREFIX": text(),
    "PUBLISHER_NAME": text(),
    "LOGIN_MAX_FAILURES": integer(1, 100),
    "LOGIN_LOCK_MINUTES": integer(1, 24 * 60, " (minutes)"),
    "SMTP_HOST": text(),
    "SMTP_PORT": integer(1, 65535),
    "SMTP_USER": text(),
    "SMTP_PASSWORD": text(),
    "SMTP_STARTTLS": flag(),
    "SMTP_TIMEOUT": integer(1, 600, " (seconds)"),
    "MAIL_FROM": text(),
    "PUBLIC_BASE_URL": base_url(),
    "TRUSTED_HOSTS": host_list(),
    "TRUSTED_PROXIES": integer(0, 10),
    "HSTS_SECONDS": integer(0, 2 * 365 * DAY, " (seconds; 0 sends no header)"),
    "RATE_LIMIT_REGISTRATIONS_PER_HOUR": integer(1, 100_000),
    "RATE_LIMIT_OFFERS_PER_HOUR": integer(1, 100_000),
    "RATE_LIMIT_FOLLOWS_PER_HOUR": integer(1, 100_000),
    "RATE_LIMIT_VOICE_PER_HOUR": integer(1, 100_000),
    "RATE_LIMIT_VOICE_PER_ADDRESS_PER_DAY": integer(1, 100_000),
    # The law on citizens' appeals: an answer within a month; a deployment may set its own period.
    "VOICE_ANSWER_DAYS": integer(1, 365, " (days)"),
    # Items whose author never used the confirmation link are deleted this long after they were written.
    "VOICE_UNCONFIRMED_DAYS": integer(1, 365, " (days)"),
    "VOICE_PHOTO_MAX_BYTES": integer(1 * KIB, 100 * 1024 * KIB, " (bytes)"),
    "VOICE_PHOTO_MAX_PIXELS": integer(10_000, 200_000_000, " (pixels)"),
    "PUBLIC_CACHE_SECONDS": integer(0, DAY, " (seconds)"),
    "GC_TUNING": flag(),
    "JOB_QUEUE": text(),
    "JOB_FILES_FOLDER": text(),
    # A job counts as abandoned after this long without its heartbeat (one a second): two beats at the least.
    "JOB_STALE_SECONDS": integer(2, DAY, " (seconds)"),
    "JOB_WORKER_MISSING_SECONDS": integer(5, 7 * DAY, " (seconds)"),
    "MAP_TILE_URL": tile_url(),
    "MAP_TILE_ATTRIBUTION": text(),
}


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
        # The day those rates were set (pages state it beside every converted figure); None: not stated.
        "EXCHANGE_RATES_DATE": None,
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
        #: A form's CSRF token is refused this many seconds after the page was served (the form asks again).
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
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
        #: Every absolute link (e-mails, confirmation links, reports). Production needs it or TRUSTED_HOSTS:
        #: otherwise a link would take its host from whatever Host header a request sent.
        "PUBLIC_BASE_URL": "",
        #: Host names the site answers to (Flask refuses any other Host header with 400); None: any.
        "TRUSTED_HOSTS": None,
        #: How many reverse proxies in front of the app to believe about the client's address and scheme
        #: (X-Forwarded-For / X-Forwarded-Proto, through Werkzeug's ProxyFix); 0: the connection's own.
        "TRUSTED_PROXIES": 0,
        #: Strict-Transport-Security max-age on HTTPS answers; 0 sends no header.
        "HSTS_SECONDS": 0,
        "RATE_LIMIT_REGISTRATIONS_PER_HOUR": 5,  # partner registrations per client address
        "RATE_LIMIT_OFFERS_PER_HOUR": 10,  # offers per partner
        "RATE_LIMIT_FOLLOWS_PER_HOUR": 10,  # follow requests per client address
        "RATE_LIMIT_VOICE_PER_HOUR": 10,  # citizens' items per client address
        "RATE_LIMIT_VOICE_PER_ADDRESS_PER_DAY": 5,  # citizens' items per author's e-mail address
        "VOICE_ANSWER_DAYS": 30,  # a question or complaint is due this many days after its confirmation
        "VOICE_UNCONFIRMED_DAYS": 7,  # never confirmed by its author: deleted (with its photos) after this long
        "VOICE_PHOTO_MAX_BYTES": 8 * 1024 * 1024,  # one citizen's photo as uploaded
        "VOICE_PHOTO_MAX_PIXELS": 40_000_000,  # refused before decoding: no decompression bomb is ever expanded
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
        #: A base-map tile layer for the maps ({z}/{x}/{y}); empty: none, and the browser fetches nothing from
        #: outside the site (the oblast boundaries are shipped). Its attribution is shown under the map.
        "MAP_TILE_URL": "",
        "MAP_TILE_ATTRIBUTION": "",
    }


def from_environment(environ: Mapping[str, str] | None = None) -> dict:
    """The ``TRACKER_*`` variables that are set, parsed strictly; the first refused one raises ``ConfigError``."""
    environ = os.environ if environ is None else environ
    found = {}
    for name, setting in _ENV_SETTINGS.items():
        raw = environ.get(ENV_PREFIX + name)
        if raw is not None and raw != "":
            found[name] = parse_setting(name, raw, setting)
    return found


def parse_setting(name: str, raw: str, setting: Setting | None = None) -> Any:
    """One variable's value, or ``ConfigError`` naming the variable and the values it accepts."""
    setting = setting or _ENV_SETTINGS[name]
    try:
        return setting.parse(raw)
    except _Refused:
        raise ConfigError(f"{ENV_PREFIX}{name}={_shown(name, raw)} is not accepted: expected "
                          f"{setting.accepts}.") from None


def _shown(name: str, raw: str) -> str:
    if name == "DATABASE_URL":  # may carry a password: only its scheme is repeated
        return repr(raw.split("://", 1)[0] + "://…") if "://" in raw else "(not a URL)"
    return repr(raw if len(raw) <= 80 else raw[:80] + "…")


def validate(config: dict) -> None:
    """Check the settings as the app will use them (environment and the caller's overrides), then their safety.

    Refuses, with the variable to change: a database URL of another kind; a largest upload that the request
    limit would refuse anyway; CSRF switched off outside tests; the production checks below.
    """
    config["DATABASE_URL"] = parse_setting("DATABASE_URL", str(config.get("DATABASE_URL") or ""))
    if config.get("PUBLIC_BASE_URL"):
        config["PUBLIC_BASE_URL"] = parse_setting("PUBLIC_BASE_URL", str(config["PUBLIC_BASE_URL"]))
    if config.get("MAP_TILE_URL"):
        config["MAP_TILE_URL"] = parse_setting("MAP_TILE_URL", str(config["MAP_TILE_URL"]))
        if not config.get("MAP_TILE_ATTRIBUTION"):
            raise ConfigError(f"{ENV_PREFIX}MAP_TILE_URL is set without {ENV_PREFIX}MAP_TILE_ATTRIBUTION: tile "
                              "providers require their attribution under the map; set it too.")
    request_limit = config.get("MAX_CONTENT_LENGTH")
    for name in ("UPLOAD_MAX_BYTES", "VOICE_PHOTO_MAX_BYTES"):
        upload = config.get(name)
        if isinstance(upload, int) and isinstance(request_limit, int) and upload >= request_limit:
            raise ConfigError(
                f"{ENV_PREFIX}{name} ({upload}) must be smaller than "
                f"{ENV_PREFIX}MAX_CONTENT_LENGTH ({request_limit}): an upload is sent inside a form.")
    if not config.get("WTF_CSRF_ENABLED", True) and not _testing(config):
        raise ConfigError(
            f"{ENV_PREFIX}WTF_CSRF_ENABLED=false is only accepted with {ENV_PREFIX}ENV=testing: every form "
            "needs its CSRF token. Remove the variable.")
    check_production_safety(config)


def _testing(config: Mapping) -> bool:
    return bool(config.get("TESTING")) or config.get("ENV") == "testing"


def check_production_safety(config: Mapping) -> None:
    """Refuse to serve outside development and testing with a guessable secret key, or links any Host could
    redirect (no ``PUBLIC_BASE_URL`` and no ``TRUSTED_HOSTS``)."""
    if _testing(config) or config.get("ENV") == "development":
        return
    if not config.get("REQUIRE_SECRET_KEY", True):  # command-line tools sign no cookies and serve no requests
        return
    key = config.get("SECRET_KEY") or ""
    if not key or key == INSECURE_DEFAULT_KEY or len(key) < 16:
        raise ConfigError(
            f"{ENV_PREFIX}SECRET_KEY is missing or insecure: set {ENV_PREFIX}SECRET_KEY to a long random "
            f"string (for example: python -c 'import secrets; print(secrets.token_hex(32))') "
            f"before starting Vidnova in {config.get('ENV')!r} mode."
        )
    if not config.get("PUBLIC_BASE_URL") and not config.get("TRUSTED_HOSTS"):
        raise ConfigError(
            f"{ENV_PREFIX}PUBLIC_BASE_URL is not set: set it to the site's address (https://…), or set "
            f"{ENV_PREFIX}TRUSTED_HOSTS to the host names it answers to, before starting Vidnova in "
            f"{config.get('ENV')!r} mode (links in e-mails would otherwise follow any request's Host header).")

"""Two languages: Ukrainian by default, English one click away; the choice lives in the session."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TypeVar
from urllib.parse import urlsplit

from babel import dates as babel_dates
from babel import numbers
from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user

from tracker.core.money import format_money

T = TypeVar("T")

bp = Blueprint("i18n", __name__)
babel = Babel()


def select_locale() -> str:
    """The language asked for in this session, else the user's preference, else Ukrainian (also with no request)."""
    languages = current_app.config["LANGUAGES"]
    chosen: str | None = session.get("lang") if has_request_context() else None
    if chosen is not None and chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _beside_locale(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once a request and locale, kept on Flask-Babel's per-request namespace beside the locale.

    Flask-Babel looks the locale and the catalogue up again for every string (about 30 µs each through its
    context proxies; a project page translates hundreds). Kept beside the locale object it belongs to, a value
    follows ``force_locale`` (reports and mail in another language): a different locale computes it again.
    """
    try:
        namespace = g._get_current_object()._flask_babel
        locale, value = getattr(namespace, name)
        if locale is namespace.babel_locale:
            return value
    except (RuntimeError, AttributeError):  # outside an app context, or the first time in this request
        pass
    value = compute()
    namespace = getattr(g, "_flask_babel", None) if g else None
    if namespace is not None and getattr(namespace, "babel_locale", None) is not None:
        setattr(namespace, name, (namespace.babel_locale, value))
    return value


def catalogue():
    """The current language's translations, found once a request."""
    return _beside_locale("vidnova_catalogue", get_translations)


def gettext(string: str, **variables) -> str:
    """``flask_babel.gettext`` through the request's cached catalogue."""
    translated = catalogue().ugettext(string)
    return translated % variables if variables else translated


def pgettext(context: str, string: str, **variables) -> str:
    translated = catalogue().upgettext(context, string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """Translated when shown (labels and form texts defined at import time)."""
    return LazyString(gettext, string, **variables)


def lazy_pgettext(context: str, string: str, **variables) -> LazyString:
    return LazyString(pgettext, context, string, **variables)


def _dates_language() -> str:
    """The reader's language for dates; English outside a request (the command line, whose messages are English)."""
    language = current_language()
    return language if language in ("uk", "en") else "en"


def format_date(value: date | None, width: str = "medium") -> str:
    """A date as the reader's language writes it ("8 груд. 2026 р.", "Dec 8, 2026"); empty for none."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, width, locale=_dates_language())


def format_datetime(value: datetime | None, width: str = "short") -> str:  # width of the time of day
    """A moment (stored in UTC) as the reader's language writes it, in UTC: the site has readers in many zones."""
    if value is None:
        return ""
    moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    locale = _dates_language()
    return f"{babel_dates.format_date(moment.date(), 'medium', locale=locale)}, " \
           f"{babel_dates.format_time(moment, width, tzinfo=UTC, locale=locale)} UTC"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Templates' _() through the cached catalogue too (Flask-Babel installs its own uncached callables).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )

    @app.context_processor
    def _locale_context():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}

    def _localized(source, name: str, locale: str | None = None):
        """``localized`` for templates: in ``locale`` if given (reports), else in the reader's language."""
        return localized(source, name, locale or current_language())

    app.add_template_global(_localized, "localized")

    def _format_money(amount, currency: str = "UAH", locale: str | None = None) -> str:
        """``core.money.format_money`` for templates, in the reader's language (or ``locale``)."""
        return format_money(amount, currency, locale or current_language())

    app.add_template_global(_format_money, "format_money")
    app.add_template_filter(format_date, "date_text")
    app.add_template_filter(format_datetime, "datetime_text")

    def _format_percent(share) -> str:
        """A share (0.45) as the reader's language writes a percentage ("45 %" in Ukrainian, "45%" in English)."""
        return numbers.format_percent(share, locale=current_language())

    app.add_template_global(_format_percent, "format_percent")


@bp.get("/lang/<code>")
def switch(code: str):
    """Remember the chosen language and go back to where the person was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only local paths: an open redirect would let others phish with our domain (else ``default``, or home)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return default or url_for("portal.home")


def current_language() -> str:
    """The reader's language code ("uk" or "en"), found once a request (templates ask often)."""
    return _beside_locale("vidnova_language", lambda: str(get_locale()))


def localized(source, name: str, locale: str):
    """``source``'s ``name`` in ``locale``: ``title`` is ``title_en`` or ``title_uk``, each falling back to the other.

    Every bilingual field of the house is a pair ``<name>_uk`` / ``<name>_en``; Ukrainian is the one that is
    required, so English falls back to it, and a row that only has English still shows something in Ukrainian.
    Works on rows, public variants, rule results (objects) and mappings (dicts from JSON) alike.
    """
    first, second = ("en", "uk") if locale == "en" else ("uk", "en")
    if isinstance(source, dict):
        return source.get(f"{name}_{first}") or source.get(f"{name}_{second}")
    return getattr(source, f"{name}_{first}", None) or getattr(source, f"{name}_{second}", None)

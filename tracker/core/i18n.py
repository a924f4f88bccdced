"""Two languages: Ukrainian by default, English one click away; the choice lives in the session."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, get_locale
from flask_login import current_user

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


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _locale_context():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}

    def _localized(source, name: str, locale: str | None = None):
        """``localized`` for templates: in ``locale`` if given (reports), else in the reader's language."""
        return localized(source, name, locale or current_language())

    app.add_template_global(_localized, "localized")


@bp.get("/lang/<code>")
def switch(code: str):
    """Remember the chosen language and go back to where the person was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would let others phish with our domain."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("portal.home")


def current_language() -> str:
    return str(get_locale())


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

"""Two languages: Ukrainian by default, English one click away; the choice lives in the session."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, request, session, url_for
from flask_babel import Babel, get_locale
from flask_login import current_user

bp = Blueprint("i18n", __name__)
babel = Babel()


def select_locale() -> str:
    """The language asked for in this session, else the user's preference, else Ukrainian."""
    languages = current_app.config["LANGUAGES"]
    chosen: str | None = session.get("lang")
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

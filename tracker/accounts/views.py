"""Signing in and out, the current user, and the role checks every route relies on."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from tracker.accounts import operations as user_service
from tracker.core.db import get_session, set_actor
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.i18n import safe_next

bp = Blueprint("auth", __name__)


class _LoginManager(LoginManager):
    """Flask-Login's manager, its "strong" session protection kept for signed-in sessions only.

    Flask-Login applies it to any non-empty session: an anonymous one carrying a language or a form's CSRF token
    was "cleared" on every request, so every response, a stylesheet's or a missing favicon's included, wrote the
    session cookie back as that request had read it. A response racing a form's page then dropped the form's
    CSRF token, and the form was refused (400). A session nobody signed in to has nothing to protect.
    """

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


login_manager = _LoginManager()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.session_protection = "strong"
    app.before_request(_remember_actor)


def _remember_actor() -> None:
    """Name the signed-in user as the actor of every write this request makes."""
    if current_user.is_authenticated:
        g.actor_id = current_user.id
        if "db_session" in g:
            set_actor(g.db_session, current_user.id)


@login_manager.user_loader
def _load_user(user_id: str):
    if not user_id.isdigit():
        return None
    user = user_service.get_user(session=get_session(), user_id=int(user_id))
    return user if user is not None and user.is_active else None


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False),
                                                 Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; repeated failures lock the account for a while."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = user_service.authenticate(
                session=get_session(), email=form.email.data, password=form.password.data,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        except user_service.LoginRefused as refused:
            # The failure counter must persist, so this answer commits (status below 400).
            message = (_("Too many failed attempts. Try again later.")
                       if isinstance(refused, user_service.AccountLocked) else _("Wrong e-mail or password."))
            return render_template("auth/login.html", form=form, error=message)
        login_user(user)
        flash(_("Signed in as %(name)s.", name=user.name), "success")
        return redirect(safe_next(request.args.get("next")))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, error=None), status


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("Signed out."), "success")
    return redirect(url_for("portal.home"))


def roles_required(*roles: str):
    """Only signed-in users with one of ``roles``; others are sent to sign in or refused (403)."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def current_scope_paths() -> list[str]:
    """The signed-in planner's authority paths, read once per request."""
    if "scope_paths" not in g:
        g.scope_paths = (user_service.scope_paths(session=get_session(), user=current_user)
                         if current_user.is_authenticated else [])
    return g.scope_paths


def user_or_none():
    return current_user if current_user.is_authenticated else None

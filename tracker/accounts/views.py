"""Signing in and out, the current user, and the role checks every route relies on."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.accounts import operations as user_service
from tracker.core.db import get_session, set_actor
from tracker.core.email_address import EmailAddress
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.i18n import safe_next

bp = Blueprint("auth", __name__)

#: ``app.extensions`` key of the endpoint signing in lands on when no ``next`` was asked for: a feature above
#: accounts (``workspaces``) registers each role's home there; without it, the portal's home page.
HOME_ENDPOINT = "tracker.home_endpoint"


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
    app.before_request(_own_password_first)


def _remember_actor() -> None:
    """Name the signed-in user as the actor of every write this request makes."""
    if current_user.is_authenticated:
        g.actor_id = current_user.id
        if "db_session" in g:
            set_actor(g.db_session, current_user.id)


#: What a user with a temporary password may still open: the password form, signing out, the language switch.
_BEFORE_OWN_PASSWORD = frozenset({"auth.change_password", "auth.logout", "i18n.switch", "static"})


def _own_password_first():
    """A user whose password an administrator reset chooses their own before anything else."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in _BEFORE_OWN_PASSWORD):
        flash(_("Choose your own password to go on."), "error")
        return redirect(url_for("auth.change_password"))
    return None


@login_manager.user_loader
def _load_user(session_id: str):
    """The user a session names, if its session version is still theirs (see ``User.get_id``)."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None  # a session from before versions, or forged: signed out
    user = user_service.get_user(session=get_session(), user_id=int(user_id))
    return user if user is not None and user_service.session_matches(user, version) else None


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def client_address() -> str:
    """The client's address: the connection's, or the one trusted proxies forwarded (``TRUSTED_PROXIES``)."""
    return request.remote_addr or "unknown"


def sign_in_brake() -> user_service.SignInBrake:
    config = current_app.config
    return user_service.SignInBrake(free_failures=config["LOGIN_MAX_FAILURES"],
                                    window=timedelta(minutes=config["LOGIN_LOCK_MINUTES"]))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; repeated failures from one client slow that client down (429 with the wait)."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = user_service.authenticate(
                session=get_session(), email=form.email.data, password=form.password.data,
                client=client_address(), brake=sign_in_brake())
        except user_service.SignInThrottled as throttled:
            message = _("Too many failed attempts. Try again in %(seconds)s seconds.",
                        seconds=throttled.retry_after)
            return (render_template("auth/login.html", form=form, error=message), 429,
                    {"Retry-After": str(throttled.retry_after)})
        except user_service.LoginRefused:
            # The failure must be counted, so this answer commits (status below 400).
            return render_template("auth/login.html", form=form, error=_("Wrong e-mail or password."))
        login_user(user)
        flash(_("Signed in as %(name)s.", name=user.name), "success")
        return redirect(safe_next(request.args.get("next"), default=_landing()))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, error=None), status


def _landing() -> str:
    """Where signing in goes without a (safe) ``next``: the registered home, else the portal's."""
    return url_for(current_app.extensions.get(HOME_ENDPOINT, "portal.home"))


_SIGNING_OUT = "vidnova.signing_out"


@bp.post("/logout")
def logout():
    """Sign out, here and everywhere: the session version goes up, so no copy of a cookie signs in again."""
    # Kept on the WSGI environ: when the database makes the request run again (core.transactions), the cookie
    # session no longer names the user (logout_user emptied it), but the new attempt must still end the sessions.
    user_id = request.environ.setdefault(_SIGNING_OUT, current_user.id if current_user.is_authenticated else None)
    user = user_service.get_user(session=get_session(), user_id=user_id) if user_id is not None else None
    if user is not None:
        user_service.end_sessions(session=get_session(), user=user)
    logout_user()
    flash(_("Signed out."), "success")
    return redirect(url_for("portal.home"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=user_service.MIN_PASSWORD_LENGTH, max=200)],
        description=_l("At least 10 characters."))
    password_again = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords differ."))])


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password: every other session is signed out, this one stays signed in."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form), 422 if form.is_submitted() else 200
    user = current_user._get_current_object()
    session = get_session()
    try:
        # The same check as signing in, with the same brake: a borrowed session cannot guess the password.
        user_service.authenticate(session=session, email=user.email, password=form.current_password.data,
                                  client=client_address(), brake=sign_in_brake())
    except user_service.SignInThrottled as throttled:
        form.current_password.errors.append(_("Too many failed attempts. Try again in %(seconds)s seconds.",
                                              seconds=throttled.retry_after))
        return (render_template("auth/password.html", form=form), 429,
                {"Retry-After": str(throttled.retry_after)})
    except user_service.LoginRefused:
        form.current_password.errors.append(_("This is not your current password."))
        return render_template("auth/password.html", form=form)  # commits the failure the brake counts
    user_service.set_password(session=session, user=user, password=form.password.data)
    login_user(user)  # this session carries the new session version; every other one is out
    flash(_("Your password was changed. Every other session was signed out."), "success")
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

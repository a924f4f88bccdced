"""The administrators' account pages (``/manage/users``): list, create, edit, (de)activate, reset a password.

Thin: load, ask ``accounts.policy``, call one operation (the same ones ``vidnova user …`` calls), render.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_user

from tracker.accounts import operations as user_service
from tracker.accounts import policy
from tracker.accounts.forms import ConfirmForm, EditUserForm, NewUserForm, ResetPasswordForm, UserFilterForm
from tracker.accounts.models import User
from tracker.accounts.queries import list_users, scope_choices
from tracker.accounts.views import roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import ServiceError
from tracker.core.forms import attach_error
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.labels import label
from tracker.core.vocab import Role
from tracker.core.web_input import page_arg

bp = Blueprint("users_admin", __name__, url_prefix="/manage/users")

#: No cache keeps a page that shows a temporary password.
_NOT_STORED = {"Cache-Control": "no-store"}


@bp.before_request
@roles_required(Role.ADMIN)
def _administrators_only():
    """Every page here: signed in (else to the sign-in page), and allowed by the policy (else 403)."""
    if not policy.can_manage_users(user_or_none()):
        abort(403)


def _account(user_id: int) -> User:
    account = user_service.get_user(session=get_session(), user_id=user_id)
    if account is None:
        abort(404)
    return account


def _authority_options() -> list[tuple[int, str]]:
    language = current_language()
    return [(a.id, f"{a.name(language)} ({label('level', a.level)})")
            for a in scope_choices(session=get_session(), language=language)]


@bp.get("/")
def index():
    """Accounts, searched by name or e-mail and filtered by role, a page at a time."""
    form = UserFilterForm(request.args)
    form.validate()
    text = (form.q.data or "") if not form.q.errors else ""
    role = form.role.data if not form.role.errors else None
    page = list_users(session=get_session(), text=text, role=role or None, page=page_arg())
    return render_template("accounts/users.html", form=form, page=page, me=user_or_none())


@bp.route("/new", methods=["GET", "POST"])
def create():
    """A new account with a role, a language, a scope for a planner, and a temporary password shown once."""
    form = NewUserForm(authorities=_authority_options())
    if form.validate_on_submit():
        password = form.password.data or user_service.generate_password()
        try:
            account = user_service.create_user(
                session=get_session(), email=form.email.data, name=form.name.data, password=password,
                role=form.role.data, authority_ids=form.authority.data or (), locale=form.locale.data,
                actor=user_or_none(), temporary=True)
        except ServiceError as error:
            attach_error(form, error)
        else:
            return (render_template("accounts/password_shown.html", account=account, password=password,
                                    created=True), 201, _NOT_STORED)
    return render_template("accounts/user_form.html", form=form, account=None), 422 if form.is_submitted() else 200


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def edit(user_id: int):
    """Change an account's role, scope, name or language."""
    account = _account(user_id)
    form = EditUserForm(obj=account, authorities=_authority_options())
    if not form.is_submitted():
        form.authority.data = [a.id for a in user_service.scope_authorities(session=get_session(), user=account)]
    if form.validate_on_submit():
        try:
            user_service.update_user(session=get_session(), user=account, role=form.role.data,
                                     authority_ids=form.authority.data or (), name=form.name.data,
                                     locale=form.locale.data, actor=user_or_none())
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("The account of %(name)s was saved.", name=account.name), "success")
            return redirect(url_for("users_admin.index"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/user_form.html", form=form, account=account), status


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate(user_id: int):
    """Ask first, then stop the account signing in (its sessions end at once)."""
    return _set_active(user_id, active=False)


@bp.route("/<int:user_id>/reactivate", methods=["GET", "POST"])
def reactivate(user_id: int):
    """Ask first, then let the account sign in again."""
    return _set_active(user_id, active=True)


def _set_active(user_id: int, *, active: bool):
    account = _account(user_id)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            user_service.set_active(session=get_session(), user=account, active=active, actor=user_or_none())
        except ServiceError as refused:
            error = refused.message
        else:
            flash(_("%(name)s can sign in again.", name=account.name) if active else
                  _("%(name)s was deactivated and signed out everywhere.", name=account.name), "success")
            return redirect(url_for("users_admin.index"), code=303)
    elif form.is_submitted():
        abort(400)  # the form has only its CSRF token: a refused one is a forged or expired page
    status = 422 if error else 200
    return render_template("accounts/confirm_active.html", form=form, account=account, active=active,
                           error=error), status


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    """Give a temporary password (typed or generated), shown once; the person chooses their own at sign-in."""
    account = _account(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password = user_service.reset_password(session=get_session(), user=account,
                                                   password=form.password.data or None, actor=user_or_none())
        except ServiceError as error:
            attach_error(form, error)
        else:
            if account.id == getattr(user_or_none(), "id", None):
                login_user(account)  # one's own reset ends the other sessions, not this one
            return (render_template("accounts/password_shown.html", account=account, password=password,
                                    created=False), 200, _NOT_STORED)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/reset_password.html", form=form, account=account), status

"""Citizens follow a project by e-mail: ask, confirm through a signed link, stop from any message."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from tracker.core.db import get_session
from tracker.core.errors import NotFound, ServiceError
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.engagement import follows as follow_service
from tracker.engagement.forms import ActionForm, FollowForm
from tracker.engagement.loaders import client_key, setting
from tracker.engagement.rate_limits import RateLimited
from tracker.projects.loaders import project_for_view

bp = Blueprint("follows", __name__)


@bp.post("/projects/<reference>/follow")
def follow(reference: str):
    """Ask to follow a public project; a confirmation link goes to the address given."""
    project, _authority = project_for_view(reference)
    form = FollowForm()
    if not form.validate_on_submit():
        return render_template("engagement/follow.html", form=form, project=project), 422
    try:
        follow_service.request_follow(
            session=get_session(), project=project, email=form.email.data, locale=current_language(),
            secret_key=current_app.secret_key, rate_key=client_key(),
            rate_limit=setting("RATE_LIMIT_FOLLOWS_PER_HOUR"))
    except RateLimited as error:
        form.form_errors.append(error.message)
        return render_template("engagement/follow.html", form=form, project=project), 429
    except NotFound:
        abort(404)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return render_template("engagement/follow.html", form=form, project=project), 422
    flash(_("Check your mailbox: we sent a link to confirm."), "success")
    return redirect(url_for("portal.project_detail", reference=project.reference))


@bp.get("/follow/confirm/<token>")
def confirm(token: str):
    """Confirm the address from the signed link."""
    try:
        follower = follow_service.confirm_follow(session=get_session(), token=token,
                                                 secret_key=current_app.secret_key)
    except ServiceError:
        return render_template("engagement/follow_done.html", ok=False), 400
    return render_template("engagement/follow_done.html", ok=True, follower=follower)


@bp.route("/follow/stop/<token>", methods=["GET", "POST"])
def stop(token: str):
    """Stop the mails: a page with a button, so that link checkers in mailboxes cannot unsubscribe people."""
    try:
        follower = follow_service.follower_by_stop_token(session=get_session(), token=token)
    except NotFound:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        follow_service.stop_following(session=get_session(), follower=follower)
        return render_template("engagement/follow_stop.html", form=form, stopped=True)
    return render_template("engagement/follow_stop.html", form=form, stopped=False)

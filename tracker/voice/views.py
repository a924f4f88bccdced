"""Citizens' voice pages: the citizen's form and confirmation, the photos, the moderators' queue, the answer.

Thin views: load, ask ``voice.policy`` (through the loaders), call one operation, render.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from sqlmodel import select

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import NotFound, ServiceError, StateConflict
from tracker.core.forms import attach_error
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority
from tracker.core.vocab import Role
from tracker.engagement.loaders import client_key
from tracker.engagement.rate_limits import RateLimited
from tracker.projects.loaders import project_for_view
from tracker.projects.models import Project
from tracker.projects.policy import can_view_project
from tracker.voice import operations, policy
from tracker.voice.forms import AnswerForm, DecisionForm, HidePublishedForm, VoiceForm
from tracker.voice.models import CitizenItem, CitizenPhoto
from tracker.voice.photos import STORED_NAME

bp = Blueprint("voice", __name__)


def _limits() -> operations.Limits:
    config = current_app.config
    return operations.Limits(per_client=config["RATE_LIMIT_VOICE_PER_HOUR"],
                             per_address=config["RATE_LIMIT_VOICE_PER_ADDRESS_PER_DAY"],
                             photo_max_bytes=config["VOICE_PHOTO_MAX_BYTES"],
                             photo_max_pixels=config["VOICE_PHOTO_MAX_PIXELS"])


@bp.route("/projects/<reference>/voice", methods=["GET", "POST"])
def submit(reference: str):
    """Ask a question, comment, complain or send photos about a public project; no account needed."""
    project, _authority = project_for_view(reference)
    if not policy.can_submit(project):
        abort(404)
    form = VoiceForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("voice/submit.html", form=form, project=project), status
    if form.website.data:  # the honeypot: a robot filled in a field people never see; it learns nothing
        flash(_("Check your mailbox: we sent a link to confirm."), "success")
        return redirect(url_for("portal.project_detail", reference=project.reference))
    upload = form.photo.data
    photo = upload.read(_limits().photo_max_bytes + 1) if upload and getattr(upload, "filename", "") else None
    data = operations.Submission(
        kind=form.kind.data, email=form.email.data, body=form.body.data, category=form.category.data or None,
        author_name=form.author_name.data, latitude=form.latitude.data, longitude=form.longitude.data,
        observed_on=form.observed_on.data, phase=form.phase.data, share_place=bool(form.share_place.data),
        locale=current_language())
    try:
        operations.submit(session=get_session(), project=project, data=data, photo=photo,
                          secret_key=current_app.secret_key, rate_key=client_key(), limits=_limits(),
                          upload_folder=current_app.config["UPLOAD_FOLDER"])
    except RateLimited:
        form.form_errors.append(_("Too many messages from you just now; please try again later."))
        return render_template("voice/submit.html", form=form, project=project), 429
    except ServiceError as error:
        attach_error(form, error)
        return render_template("voice/submit.html", form=form, project=project), error.http_status
    flash(_("Check your mailbox: we sent a link to confirm."), "success")
    return redirect(url_for("portal.project_detail", reference=project.reference))


@bp.get("/voice/confirm/<token>")
def confirm(token: str):
    """The author's link from the e-mail: the item goes to the moderators."""
    try:
        operations.confirm(session=get_session(), token=token, secret_key=current_app.secret_key,
                           answer_days=current_app.config["VOICE_ANSWER_DAYS"])
    except ServiceError:
        return render_template("voice/confirmed.html", ok=False), 400
    return render_template("voice/confirmed.html", ok=True)


@bp.get("/voice/photos/<name>")
def photo(name: str):
    """A photo or thumbnail of a published item (moderators also see those waiting for them)."""
    if not STORED_NAME.match(name):
        abort(404)
    session = get_session()
    column = CitizenPhoto.thumb_name if name.endswith("-thumb.jpg") else CitizenPhoto.storage_name
    row = session.exec(select(CitizenItem, Project).join(CitizenPhoto, CitizenPhoto.item_id == CitizenItem.id)
                       .join(Project, Project.id == CitizenItem.project_id).where(column == name)).first()
    if row is None:
        abort(404)
    item, project = row
    moderator = policy.can_moderate(user_or_none())
    if not moderator and (item.state != "published" or not project.is_public):
        abort(404)
    path = Path(current_app.config["UPLOAD_FOLDER"]) / operations.PHOTO_FOLDER / name
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=0 if moderator else 3600)


@bp.get("/manage/voice")
@roles_required(Role.ADMIN, Role.MODERATOR)
def queue():
    """Confirmed items waiting for a decision, oldest first."""
    session = get_session()
    items = operations.moderation_queue(session=session)
    ids = [item.id for item in items]
    photos: dict[int, list[CitizenPhoto]] = {}
    projects: dict[int, Project] = {}
    if ids:
        for row in session.exec(select(CitizenPhoto).where(CitizenPhoto.item_id.in_(ids))):
            photos.setdefault(row.item_id, []).append(row)
        projects = {p.id: p for p in session.exec(select(Project).where(
            Project.id.in_({item.project_id for item in items})))}
    return render_template("voice/queue.html", items=items, photos=photos, projects=projects,
                           form=DecisionForm())


@bp.post("/manage/voice/<int:voice_id>/<any(publish, hide):decision>")
@roles_required(Role.ADMIN, Role.MODERATOR)
def decide(voice_id: int, decision: str):
    """Publish an item, or hide it with a reason shown in its place."""
    session = get_session()
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        item = operations.get_item(session=session, item_id=voice_id)
        if decision == "publish":
            operations.publish(session=session, item=item, moderator=user_or_none())
        else:
            operations.hide(session=session, item=item, moderator=user_or_none(), reason=form.reason.data or "")
    except NotFound:
        abort(404)
    except StateConflict as error:
        return render_template("voice/conflict.html", message=error.message), 409
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("voice.queue")), 303
    flash(_("Published.") if decision == "publish" else _("Hidden; its reason is shown in its place."), "success")
    return redirect(url_for("voice.queue")), 303


@bp.app_template_global("can_moderate_voice")
def can_moderate_voice() -> bool:
    """Whether the signed-in user may moderate citizens' items (the project page offers to hide published ones)."""
    return policy.can_moderate(user_or_none())


@bp.route("/manage/voice/<int:voice_id>/hide-published", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.MODERATOR)
def hide_published(voice_id: int):
    """Take down a published item with a reason shown in its place (the page asks for the reason first)."""
    session = get_session()
    item, project = _item_and_project(voice_id)
    if not policy.can_hide_published(user_or_none(), item):
        return render_template("voice/conflict.html", message=_("This item is not published (any more).")), 409
    form = HidePublishedForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            operations.hide_published(session=session, item=item, moderator=user_or_none(),
                                      reason=form.reason.data)
        except StateConflict as error:
            return render_template("voice/conflict.html", message=error.message), 409
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Hidden; its reason is shown in its place."), "success")
            return redirect(url_for("portal.project_detail", reference=project.reference)
                            + f"#voice-{item.id}"), 303
    status = 422 if request.method == "POST" else 200
    return render_template("voice/hide_published.html", form=form, item=item, project=project), status


def _item_and_project(item_id: int) -> tuple[CitizenItem, Project]:
    """The item and its project; 404 for an item that does not exist."""
    session = get_session()
    try:
        item = operations.get_item(session=session, item_id=item_id)
    except NotFound:
        abort(404)
    return item, session.get(Project, item.project_id)


def _item_to_answer(item_id: int) -> tuple[CitizenItem, Project, Authority]:
    item, project = _item_and_project(item_id)
    authority = get_session().get(Authority, project.authority_id)
    if not can_view_project(user_or_none(), project, authority, current_scope_paths()) or not policy.can_see(item):
        abort(404)
    if not policy.can_answer(user_or_none(), item, authority, current_scope_paths()):
        abort(403)
    return item, project, authority


@bp.route("/voice/<int:voice_id>/answer", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def answer(voice_id: int):
    """The responsible planner's public answer; author and followers are told by e-mail."""
    item, project, authority = _item_to_answer(voice_id)
    form = AnswerForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            operations.answer(session=get_session(), item=item, project=project, authority=authority,
                              user=user_or_none(), scope_paths=current_scope_paths(), text=form.answer.data)
        except StateConflict as error:
            return render_template("voice/conflict.html", message=error.message), 409
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Your answer is published."), "success")
            return redirect(url_for("portal.project_detail", reference=project.reference) + f"#voice-{item.id}")
    status = 422 if request.method == "POST" else 200
    return render_template("voice/answer.html", form=form, item=item, project=project), status


@bp.post("/voice/<int:voice_id>/finding")
@roles_required(Role.AUDITOR)
def raise_finding(voice_id: int):
    """An auditor raises an audit finding from a citizen's complaint; the two link to each other."""
    session = get_session()
    form = DecisionForm()  # carries the CSRF token only
    if not form.validate_on_submit():
        abort(400)
    try:
        item = operations.get_item(session=session, item_id=voice_id)
    except NotFound:
        abort(404)
    project = session.get(Project, item.project_id)
    if not policy.can_raise_finding(user_or_none(), item):
        abort(403)
    try:
        finding = operations.raise_finding(session=session, item=item, project=project, auditor=user_or_none())
    except StateConflict as error:
        return render_template("voice/conflict.html", message=error.message), 409
    flash(_("The finding is raised; it links to the complaint."), "success")
    return redirect(url_for("audit.finding", finding_id=finding.id)), 303

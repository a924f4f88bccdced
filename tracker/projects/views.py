"""Planner pages: register a project and edit its general data, within the planner's scope."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import Conflict, ServiceError
from tracker.core.forms import attach_error
from tracker.core.hierarchy import scope_filter
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.labels import label
from tracker.core.models import Authority
from tracker.core.vocab import AuthorityLevel, Role
from tracker.projects import conflicts
from tracker.projects import operations as project_service
from tracker.projects.forms import EditProjectForm, NewProjectForm
from tracker.projects.loaders import project_for_edit
from tracker.projects.policy import can_create_under

bp = Blueprint("projects", __name__, url_prefix="/manage/projects")

#: Levels that own projects; settlements and city districts are locations, not owners.
OWNER_LEVELS = (AuthorityLevel.NATIONAL, AuthorityLevel.OBLAST, AuthorityLevel.RAION, AuthorityLevel.HROMADA)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def create():
    """Register a project under one of the planner's authorities."""
    form = NewProjectForm()
    owners = _authorities_in_scope()
    form.authority_id.choices = [SelectChoice(a.id, _owner_label(a)) for a in owners]
    if form.validate_on_submit():
        authority = get_session().get(Authority, form.authority_id.data)
        if authority is None or not can_create_under(user_or_none(), authority, current_scope_paths()):
            abort(403)
        try:
            data = project_service.project_data(form.project_values())
            project = project_service.create_project(session=get_session(), authority=authority, data=data,
                                                     actor_id=user_or_none().id)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Project %(ref)s registered.", ref=project.reference), "success")
            return redirect(url_for("portal.project_detail", reference=project.reference))
    status = 422 if form.is_submitted() else 200
    return render_template("projects/form.html", form=form, project=None), status


@bp.route("/<reference>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def edit(reference: str):
    """Edit the general data; a save over someone else's newer save is refused, then resolved field by field."""
    project, _authority = project_for_edit(reference)
    if request.method == "POST" and conflicts.is_resolution(request.form):
        resolution = conflicts.read_resolution(EditProjectForm, project, request.form)
        if resolution.form is None:  # a choice is missing: nothing is sent unchosen, the page comes back
            return conflicts.conflict_page(
                project=project, form=resolution.entries_form, conflict=resolution.conflict, action=request.path,
                reload_url=request.path, chosen=resolution.chosen, missing=resolution.missing, status=422)
        return _save(project, resolution.form)
    form = EditProjectForm(obj=project)
    if not form.is_submitted():
        form.arm(project.version)
        return render_template("projects/form.html", form=form, project=project)
    return _save(project, form)


def _save(project, form: EditProjectForm):
    """Validate and save ``form``; a conflict shows the fields to resolve, a refusal the form again (422)."""
    if form.validate():
        try:
            changes = project_service.project_changes(form.project_values())
            project_service.update_project(session=get_session(), project=project, changes=changes,
                                           expected_version=form.expected_version())
        except Conflict as conflict:
            return conflicts.conflict_page(project=project, form=form, conflict=conflict, action=request.path,
                                           reload_url=request.path)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("portal.project_detail", reference=project.reference))
    return render_template("projects/form.html", form=form, project=project), 422


def _authorities_in_scope() -> list[Authority]:
    """Authorities this user may register projects for, by level and name."""
    query = select(Authority).where(Authority.level.in_(OWNER_LEVELS))
    scope = scope_filter(user_or_none(), current_scope_paths())
    if scope is not None:
        query = query.where(scope)
    return list(get_session().exec(query.order_by(Authority.path, Authority.name_uk)))


def _owner_label(authority: Authority) -> str:
    return f"{authority.name(current_language())} ({label('level', authority.level)})"

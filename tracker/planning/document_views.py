"""Evidence uploads and downloads. Files are served by the app after the access check (never from
the web root); restricted ones only to those who may edit the project, auditors and admins."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import Conflict, NotFound, ServiceError
from tracker.core.forms import attach_error
from tracker.core.i18n import gettext as _
from tracker.core.vocab import Role
from tracker.planning import documents as document_service
from tracker.planning.document_models import Document
from tracker.planning.forms import DeleteForm, DocumentForm
from tracker.planning.stage_data import project_workspace
from tracker.planning.views import confirm_removal
from tracker.projects.loaders import project_for_edit, project_for_view
from tracker.projects.policy import can_view_restricted

bp = Blueprint("documents", __name__, url_prefix="/manage/projects")


def _upload_limit() -> int:
    return current_app.config.get("UPLOAD_MAX_BYTES", document_service.DEFAULT_MAX_BYTES)


@bp.route("/<reference>/documents", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def manage(reference: str):
    """List the project's documents and upload one."""
    project, _authority = project_for_edit(reference)
    form = DocumentForm()
    conflict, failed = None, 422
    if not form.is_submitted():
        form.arm(project.version)
    elif form.validate():
        upload = form.file.data
        try:
            document_service.store_document(
                session=get_session(), project=project, data=upload.read(_upload_limit() + 1),
                filename=upload.filename or "", document_type=form.document_type.data, title=form.title.data or "",
                is_public=form.is_public.data, upload_folder=current_app.config["UPLOAD_FOLDER"],
                expected_version=form.expected_version(), max_bytes=_upload_limit(), actor_id=user_or_none().id)
        except Conflict as error:
            conflict = error
            form.arm(error.current_version)
        except ServiceError as error:
            attach_error(form, error)
            failed = error.http_status  # 503 when the server could not store the file
        else:
            flash(_("Document uploaded."), "success")
            return redirect(url_for("documents.manage", reference=reference))
    status = 409 if conflict else (failed if form.is_submitted() else 200)
    delete_form = DeleteForm(formdata=None)
    delete_form.arm(project.version)
    ws = project_workspace(session=get_session(), project=project, include_restricted=True, history_limit=0)
    return render_template("planner/documents.html", form=form, ws=ws, conflict=conflict,
                           delete_form=delete_form, limit_mb=_upload_limit() // (1024 * 1024)), status


@bp.get("/<reference>/documents/<int:document_id>")
def download(reference: str, document_id: int):
    """Send a document: public ones to anyone who may see the project, restricted ones to editors and auditors."""
    project, authority = project_for_view(reference)
    user = user_or_none()
    include_restricted = can_view_restricted(user, authority, current_scope_paths())
    try:
        document = document_service.get_document(session=get_session(), project=project, document_id=document_id,
                                                 include_restricted=include_restricted)
        path = document_service.document_path(document=document, upload_folder=current_app.config["UPLOAD_FOLDER"])
    except NotFound:
        abort(404)
    if not path.exists():
        abort(404)
    # Images may show inline; everything else downloads, so no uploaded file ever renders as a page.
    inline = document.media_type.startswith("image/") or document.media_type == "application/pdf"
    response = send_file(path, mimetype=document.media_type, as_attachment=not inline,
                         download_name=document.original_name, etag=document.sha256, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if not document.is_public:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<reference>/documents/<int:document_id>/delete")
@roles_required(Role.ADMIN, Role.PLANNER)
def delete(reference: str, document_id: int):
    """Remove a document and its file."""
    project, _authority = project_for_edit(reference)
    form = DeleteForm()
    if not form.validate():
        abort(400)
    if not form.is_confirmed:
        document = get_session().get(Document, document_id)
        if document is None or document.project_id != project.id:
            abort(404)
        return confirm_removal(project, form, document.title, url_for("documents.manage", reference=reference))
    try:
        document_service.delete_document(session=get_session(), project=project, document_id=document_id,
                                         upload_folder=current_app.config["UPLOAD_FOLDER"],
                                         expected_version=form.expected_version())
    except NotFound:
        abort(404)
    except Conflict as error:
        return render_template("planner/conflict.html", project=project, conflict=error), 409
    flash(_("Document removed."), "success")
    return redirect(url_for("documents.manage", reference=reference))

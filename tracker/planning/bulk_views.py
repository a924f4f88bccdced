"""Bulk work: CSV templates, exports and all-or-nothing imports of projects and progress updates."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, url_for

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core import safe_csv
from tracker.core.db import get_session
from tracker.core.i18n import gettext as _
from tracker.core.vocab import Role
from tracker.jobs.runner import files_folder, submit
from tracker.planning import csv_io, import_jobs
from tracker.planning.forms import CsvImportForm
from tracker.projects.policy import editable_projects

bp = Blueprint("bulk", __name__, url_prefix="/manage/bulk")

KINDS = {
    "projects": (csv_io.PROJECT_COLUMNS, csv_io.import_projects, csv_io.export_projects),
    "progress": (csv_io.PROGRESS_COLUMNS, csv_io.import_progress, csv_io.export_progress),
}


IMPORT_KINDS = {"projects": import_jobs.IMPORT_PROJECTS, "progress": import_jobs.IMPORT_PROGRESS}


def _csv(text: str, name: str) -> Response:
    # A byte-order mark lets spreadsheet programs open Cyrillic UTF-8 correctly; import skips it.
    return Response(safe_csv.BOM + text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _scope_filter():
    """Projects this person may edit: everything for admins, their authorities' subtrees for planners."""
    return editable_projects(user_or_none(), current_scope_paths())


@bp.get("/")
@roles_required(Role.ADMIN, Role.PLANNER)
def index():
    """The bulk page: templates, exports and the import forms, with each column explained."""
    return render_template("planner/bulk.html", forms={kind: CsvImportForm(prefix=kind) for kind in KINDS},
                           columns={kind: spec[0] for kind, spec in KINDS.items()}, report=None, kind=None)


@bp.get("/<kind>/template.csv")
@roles_required(Role.ADMIN, Role.PLANNER)
def template(kind: str):
    columns = _spec(kind)[0]
    return _csv(csv_io.template(columns), f"vidnova-{kind}-template.csv")


@bp.get("/<kind>/export.csv")
@roles_required(Role.ADMIN, Role.PLANNER)
def export(kind: str):
    exporter = _spec(kind)[2]
    return _csv(exporter(session=get_session(), project_filter=_scope_filter()), f"vidnova-{kind}.csv")


@bp.post("/<kind>/import")
@roles_required(Role.ADMIN, Role.PLANNER)
def import_file(kind: str):
    """Take a CSV file and hand it to a worker (303 to the job's page); a missing file is a 422 here.

    Every row is checked before anything is written, by the job: one bad row and nothing is (the job page
    lists the problems by row and column).
    """
    _spec(kind)
    forms = {name: CsvImportForm(prefix=name, formdata=None) for name in KINDS}
    form = forms[kind] = CsvImportForm(prefix=kind)
    problem = None
    if form.validate():
        try:
            stored = import_jobs.save_upload(stream=form.file.data.stream, folder=files_folder(),
                                             limit=current_app.config["MAX_CONTENT_LENGTH"])
        except ValueError as error:
            problem = str(error)
        else:
            job = submit(session=get_session(), kind=IMPORT_KINDS[kind], started_by_id=user_or_none().id,
                         params={"file": stored, "name": (form.file.data.filename or "")[:200]},
                         message=_("Waiting for a worker…"))
            return redirect(url_for("jobs.job_page", job_id=job.id), 303)
    if problem:
        form.file.errors = [*form.file.errors, problem]
    return render_template("planner/bulk.html", forms=forms, columns={k: spec[0] for k, spec in KINDS.items()},
                           report=None, kind=kind, message=None), 422


def _spec(kind: str):
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]

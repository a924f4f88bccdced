"""Bulk work: CSV templates, exports and all-or-nothing imports of projects and progress updates."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority
from tracker.core.vocab import Role
from tracker.planning import csv_io
from tracker.planning.forms import CsvImportForm
from tracker.projects.policy import can_edit_project, editable_projects

bp = Blueprint("bulk", __name__, url_prefix="/manage/bulk")

KINDS = {
    "projects": (csv_io.PROJECT_COLUMNS, csv_io.import_projects, csv_io.export_projects),
    "progress": (csv_io.PROGRESS_COLUMNS, csv_io.import_progress, csv_io.export_progress),
}


def _csv(text: str, name: str) -> Response:
    # A byte-order mark lets spreadsheet programs open Cyrillic UTF-8 correctly; import skips it.
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _scope_filter():
    """Projects this person may edit: everything for admins, their authorities' subtrees for planners."""
    return editable_projects(user_or_none(), current_scope_paths())


def _may_edit(authority: Authority) -> bool:
    return can_edit_project(user_or_none(), authority, current_scope_paths())


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
    """Import a CSV file: every row is checked first; one bad row and nothing is written (422)."""
    columns, importer, _exporter = _spec(kind)
    forms = {name: CsvImportForm(prefix=name, formdata=None) for name in KINDS}
    form = forms[kind] = CsvImportForm(prefix=kind)
    report = None
    if form.validate():
        data = form.file.data.read(20 * 1024 * 1024)
        arguments = {"session": get_session(), "data": data, "may_edit": _may_edit}
        if kind == "projects":
            arguments["actor_id"] = user_or_none().id
        report = importer(**arguments)
    status = 200 if report is not None and report.ok else 422
    if report is not None and report.ok:
        message = _("Import done: %(created)s added, %(updated)s changed, %(unchanged)s unchanged.",
                    created=report.created, updated=report.updated, unchanged=report.unchanged)
    else:
        message = None
    return render_template("planner/bulk.html", forms=forms, columns={k: spec[0] for k, spec in KINDS.items()},
                           report=report, kind=kind, message=message), status


def _spec(kind: str):
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]

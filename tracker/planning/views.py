"""The planner's project workspace: stage forms, list items, programme link and change history.

Views are thin: load the project through ``loaders.project_for_edit`` (404/403), validate the form,
call one service, render. A save over a newer version answers 409 with what changed and keeps the
person's entries; invalid input answers 422 with the errors beside the fields.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import select

from tracker.accounts.views import roles_required
from tracker.core import versioning
from tracker.core.collation import ukrainian_key
from tracker.core.db import get_session
from tracker.core.errors import Conflict, NotFound, ServiceError
from tracker.core.forms import attach_error
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.labels import funding_level, label
from tracker.core.models import Organisation
from tracker.core.money import format_money
from tracker.core.vocab import Role
from tracker.core.web_input import id_arg
from tracker.planning import rollup, stage_edit
from tracker.planning.forms import ITEM_FORMS, STAGE_FORMS, DeleteForm, ProgrammeForm, VariationForm
from tracker.planning.history import project_history
from tracker.planning.models import Contract
from tracker.planning.stage_data import project_workspace
from tracker.projects import conflicts
from tracker.projects.loaders import project_for_edit, project_for_restricted_view
from tracker.projects.operations import get_project

bp = Blueprint("planner", __name__, url_prefix="/manage/projects")

SECTION_TITLES = {"needs": _l("Needs assessment"), "planning": _l("Planning"),
                  "implementation": _l("Implementation"), "completion": _l("Completion")}
ITEM_TITLES = {"permit": _l("Permit"), "indicator": _l("Indicator"), "contract": _l("Contract"),
               "variation": _l("Contract variation"), "disbursement": _l("Disbursement"),
               "observation": _l("Progress observation"), "milestone": _l("Milestone"),
               "funding": _l("Funding line")}
#: The stage page each list is kept on.
ITEM_SECTION = {"permit": "planning", "indicator": "planning", "funding": "planning", "contract": "implementation",
                "variation": "implementation", "disbursement": "implementation", "observation": "implementation",
                "milestone": "implementation"}


def _workspace(project):
    return project_workspace(session=get_session(), project=project, include_restricted=True)


@bp.get("/<reference>")
@roles_required(Role.ADMIN, Role.PLANNER)
def workspace(reference: str):
    """The project's workspace: each stage's state, the lists, documents and recent changes."""
    project, authority = project_for_edit(reference)
    programme = ProgrammeForm()
    programme.arm(project.version)
    return render_template("planner/workspace.html", ws=_workspace(project), authority=authority,
                           programme_form=programme, delete_form=_delete_form(project.version),
                           section_titles=SECTION_TITLES)


def _unresolved(project, resolution):
    """The conflict page again when a choice is missing: nothing is sent unchosen."""
    return conflicts.conflict_page(project=project, form=resolution.entries_form, conflict=resolution.conflict,
                                   action=request.path, reload_url=request.path, chosen=resolution.chosen,
                                   missing=resolution.missing, status=422)


def confirm_removal(project, form: DeleteForm, what: str, back: str):
    """The page asking "remove this?" before a removal: the same form again, confirmed, or back to the list."""
    return render_template("planner/confirm_removal.html", project=project, form=form, what=what, back=back,
                           action=request.path)


def _delete_form(version: int) -> DeleteForm:
    form = DeleteForm(formdata=None)
    form.arm(version)
    return form


@bp.route("/<reference>/stage/<section>", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def stage(reference: str, section: str):
    """One stage's form; the lists of that stage are edited from the same page."""
    if section not in STAGE_FORMS:
        abort(404)
    project, _authority = project_for_edit(reference)
    record = stage_edit.stage_record(session=get_session(), project=project, section=section)
    if request.method == "POST" and conflicts.is_resolution(request.form):
        resolution = conflicts.read_resolution(STAGE_FORMS[section], record, request.form)
        if resolution.form is None:
            return _unresolved(project, resolution)
        form = resolution.form
    else:
        form = STAGE_FORMS[section](obj=record)
    conflict = None
    if not form.is_submitted():
        form.arm(project.version)
    elif form.validate():
        try:
            stage_edit.save_stage(session=get_session(), project=project, section=section, values=form.values(),
                                  expected_version=form.expected_version())
        except Conflict as error:
            if error.changes:
                return conflicts.conflict_page(project=project, form=form, conflict=error, action=request.path,
                                               reload_url=request.path)
            conflict = error  # nothing of the colleague's differs from the entries: they may go as they are
            form.arm(error.current_version)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("%(stage)s saved.", stage=SECTION_TITLES[section]), "success")
            return redirect(url_for("planner.stage", reference=reference, section=section))
    status = 409 if conflict else (422 if form.is_submitted() else 200)
    return render_template("planner/stage.html", form=form, section=section, conflict=conflict,
                           ws=_workspace(project),
                           section_titles=SECTION_TITLES, delete_form=_delete_form(project.version),
                           item_titles=ITEM_TITLES), status


@bp.route("/<reference>/items/<kind>/new", methods=["GET", "POST"])
@bp.route("/<reference>/items/<kind>/<int:item_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def item(reference: str, kind: str, item_id: int | None = None):
    """Add or change one item of a list (contract, disbursement, progress observation, …)."""
    if kind not in ITEM_FORMS:
        abort(404)
    project, _authority = project_for_edit(reference)
    session = get_session()
    existing = None
    if item_id is not None:
        try:
            existing = stage_edit.get_item(session=session, project=project, kind=kind, item_id=item_id)
        except NotFound:
            abort(404)
    if request.method == "POST" and conflicts.is_resolution(request.form):
        resolution = conflicts.read_resolution(ITEM_FORMS[kind], existing, request.form,
                                               prepare=lambda form: _fill_choices(form, project))
        if resolution.form is None:
            return _unresolved(project, resolution)
        form = resolution.form
    else:
        form = ITEM_FORMS[kind](obj=existing)
        _fill_choices(form, project)
    conflict = None
    if not form.is_submitted():
        form.arm(project.version)
        if existing is None and id_arg("contract_id") and hasattr(form, "contract_id"):
            form.contract_id.data = id_arg("contract_id")
    elif form.validate():
        try:
            if existing is None:
                stage_edit.add_item(session=session, project=project, kind=kind, values=form.values(),
                                    expected_version=form.expected_version())
            else:
                stage_edit.update_item(session=session, project=project, kind=kind, item_id=item_id,
                                       values=form.values(), expected_version=form.expected_version())
        except Conflict as error:
            if error.changes:
                return conflicts.conflict_page(project=project, form=form, conflict=error, action=request.path,
                                               reload_url=request.path)
            conflict = error  # nothing of the colleague's differs from the entries: they may go as they are
            form.arm(error.current_version)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("%(item)s saved.", item=ITEM_TITLES[kind]), "success")
            return redirect(url_for("planner.stage", reference=reference, section=ITEM_SECTION[kind]))
    status = 409 if conflict else (422 if form.is_submitted() else 200)
    return render_template("planner/item_form.html", form=form, project=project, kind=kind, item_id=item_id,
                           conflict=conflict, item_titles=ITEM_TITLES, section=ITEM_SECTION[kind],
                           section_titles=SECTION_TITLES), status


def _fill_choices(form, project) -> None:
    """Contract choices for the forms that point at a contract of this project, organisations for a funding line's
    financier (one query)."""
    if hasattr(form, "financier_organisation_id"):
        organisations = get_session().exec(select(Organisation)).all()
        language = current_language()
        form.financier_organisation_id.choices = [(None, _("— not named —")), *(
            (organisation.id, organisation.display_name(language))
            for organisation in sorted(organisations, key=lambda o: ukrainian_key(o.display_name(language))))]
    if not hasattr(form, "contract_id"):
        return
    contracts = get_session().exec(select(Contract.id, Contract.title).where(Contract.project_id == project.id)
                                   .order_by(Contract.id)).all()
    options = [(contract_id, title) for contract_id, title in contracts]
    # A variation always belongs to a contract; a disbursement may pay for the project as a whole.
    form.contract_id.choices = options if isinstance(form, VariationForm) else [(None, _("— none —")), *options]


@bp.post("/<reference>/items/<kind>/<int:item_id>/delete")
@roles_required(Role.ADMIN, Role.PLANNER)
def delete_item(reference: str, kind: str, item_id: int):
    """Remove one item of a list."""
    if kind not in ITEM_FORMS:
        abort(404)
    project, _authority = project_for_edit(reference)
    form = DeleteForm()
    if not form.validate():
        abort(400)
    if not form.is_confirmed:
        try:  # only an item of this very project is asked about
            stage_edit.get_item(session=get_session(), project=project, kind=kind, item_id=item_id)
        except NotFound:
            abort(404)
        return confirm_removal(project, form, ITEM_TITLES[kind],
                               url_for("planner.stage", reference=reference, section=ITEM_SECTION[kind]))
    try:
        stage_edit.delete_item(session=get_session(), project=project, kind=kind, item_id=item_id,
                               expected_version=form.expected_version())
    except NotFound:
        abort(404)
    except Conflict as error:
        return render_template("planner/conflict.html", project=project, conflict=error), 409
    flash(_("%(item)s removed.", item=ITEM_TITLES[kind]), "success")
    return redirect(url_for("planner.stage", reference=reference, section=ITEM_SECTION[kind]))


@bp.post("/<reference>/programme")
@roles_required(Role.ADMIN, Role.PLANNER)
def programme(reference: str):
    """Make the project a sub-project of a programme (or stand-alone)."""
    project, _authority = project_for_edit(reference)
    form = ProgrammeForm()
    if not form.validate():
        abort(400)
    session = get_session()
    parent = None
    if form.parent_reference.data:
        try:
            parent = get_project(session=session, reference=form.parent_reference.data.strip())
        except NotFound:
            parent = None
        if parent is not None:
            parent, _parent_authority = project_for_edit(parent.reference)
    try:
        if form.parent_reference.data and parent is None:
            raise ServiceError(_("No such project."), field="parent_reference")
        versioning.check_version(project=project, expected_version=form.expected_version())
        rollup.set_parent(session=session, project=project, parent=parent)
        versioning.save_from_version(session=session, project=project, expected_version=form.expected_version())
    except Conflict as error:
        return render_template("planner/conflict.html", project=project, conflict=error), 409
    except ServiceError as error:
        attach_error(form, error)
        return render_template("planner/workspace.html", ws=_workspace(project), authority=_authority,
                               programme_form=form, delete_form=_delete_form(project.version),
                               section_titles=SECTION_TITLES), 422
    flash(_("Programme link saved."), "success")
    return redirect(url_for("planner.workspace", reference=reference))


@bp.get("/<reference>/history")
@roles_required(Role.ADMIN, Role.PLANNER, Role.AUDITOR)
def history(reference: str):
    """Every recorded change of the project, newest first, restricted documents included: for those who may see
    what is not public about it (admins, auditors, its planners), not for every planner who may see the project."""
    project, _authority = project_for_restricted_view(reference)
    return render_template("planner/history.html", project=project,
                           history=project_history(session=get_session(), project=project, limit=1000))


# Rows of the list tables: (item id, cells), formatted here so the template stays one generic table.
def _money(amount, currency: str = "UAH") -> str:
    return format_money(amount, currency, current_language())


@bp.app_template_filter()
def funding_row(line):
    return line.id, [label("funding_source", line.source), label("funding_level", funding_level(line.source)),
                     _money(line.amount_committed, line.currency), _money(line.amount_disbursed, line.currency),
                     line.note]


@bp.app_template_filter()
def permit_row(permit):
    return permit.id, [permit.kind, permit.ref, permit.issued_date]


@bp.app_template_filter()
def indicator_row(indicator):
    return indicator.id, [indicator.name, indicator.unit, indicator.baseline, indicator.target, indicator.actual]


@bp.app_template_filter()
def disbursement_row(item):
    return item.id, [item.paid_on, _money(item.amount), label("funding_source", item.source)]


@bp.app_template_filter()
def observation_row(item):
    return item.id, [item.observed_on, item.physical_percent, item.note]


@bp.app_template_filter()
def milestone_row(item):
    return item.id, [item.name, item.planned_date, item.actual_date]

"""The stage gate page: what stops a project from moving on, and the move itself."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from sqlmodel import select
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import Conflict, PermissionDenied, ServiceError, StateConflict
from tracker.core.forms import VersionedForm
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.labels import choices
from tracker.core.vocab import Role
from tracker.governance import policy
from tracker.governance import stages as stage_service
from tracker.governance.rule_context import RuleContext
from tracker.projects.loaders import project_for_edit
from tracker.projects.models import FundingLine

bp = Blueprint("stages", __name__, url_prefix="/manage/projects")


def current_rules() -> RuleContext:
    return current_app.extensions["tracker.rules"]


class MoveForm(VersionedForm):
    justification = TextAreaField(
        _l("Justification for overriding the gate"), validators=[Optional(), Length(max=5000)],
        description=_l("Only when failing rules must be overridden. It is published with the move."))


class StateForm(VersionedForm):
    state = SelectField(_l("New state"), validators=[DataRequired()])
    note = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


@bp.route("/<reference>/move", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def move(reference: str):
    """Show the gate into the next stage; on POST, move through it (or override, when allowed)."""
    project, authority = project_for_edit(reference)
    session = get_session()
    form = MoveForm()
    if not form.is_submitted():
        form.arm(project.version)
    status = 200
    preview = None
    if form.validate_on_submit():
        try:
            stage_service.move_to_next_stage(
                session=session, project=project, context=current_rules(),
                expected_version=form.expected_version(), actor=user_or_none(),
                justification=form.justification.data, scope_paths=current_scope_paths())
        except stage_service.GateBlocked as blocked:
            preview = blocked.preview  # the page shows why, from the evaluation that refused the move
            flash(_("The move is blocked: fix the failing rules below, or override with a justification."),
                  "error")
            status = 409
        except StateConflict as decided:
            # Someone else moved, suspended or cancelled it first: say who and what; the page shows it as it is.
            form.arm(project.version)
            flash(decided.message, "error")
            status = 409
        except Conflict:
            session.refresh(project)
            form.arm(project.version)
            flash(_("Someone else changed this project meanwhile. Review the checks below and try again."),
                  "error")
            status = 409
        except PermissionDenied:
            status = 403
            flash(_("Only an administrator or a planner of a higher authority may override a stage gate."),
                  "error")
        except ServiceError as error:
            form.justification.errors = [*form.justification.errors, error.message]
            status = 422
        else:
            flash(_("The project moved to the next stage."), "success")
            return redirect(url_for("portal.project_detail", reference=project.reference))
    elif form.is_submitted():
        status = 422
    return _gate_page(project, authority, form=form, preview=preview, status=status)


def _gate_page(project, authority, *, form: MoveForm | None = None, preview=None, status: int = 200):
    """The gate page of ``project`` as it is stored now (``preview``: the evaluation that refused a move)."""
    session = get_session()
    if form is None:
        form = MoveForm(formdata=None)
        form.arm(project.version)
    if preview is None:
        preview = stage_service.preview_next_gate(session=session, project=project, context=current_rules())
    may_override = policy.can_override_gate(user_or_none(), authority, current_scope_paths())
    return render_template("stages/move.html", project=project, preview=preview, form=form,
                           may_override=may_override, state_form=_state_form(project, fresh=True),
                           rates=_rates_used(session, project)), status


def _rates_used(session, project) -> dict:
    """The rates the rules converted this project's foreign funding lines at (stated beside the figures)."""
    currencies = set(session.exec(select(FundingLine.currency).where(FundingLine.project_id == project.id)).all())
    rates = current_rules().exchange_rates
    return {currency: rates[currency] for currency in currencies - {"UAH"} if currency in rates}


@bp.post("/<reference>/state")
@roles_required(Role.ADMIN, Role.PLANNER)
def change_state(reference: str):
    """Suspend, cancel or resume the project, with the reason recorded."""
    project, authority = project_for_edit(reference)
    form = _state_form(project)
    if form.validate_on_submit():
        try:
            stage_service.change_state(session=get_session(), project=project, state=form.state.data,
                                       expected_version=form.expected_version(), actor=user_or_none(),
                                       note=form.note.data, scope_paths=current_scope_paths())
        except StateConflict as decided:
            # Answered 409 with the project as it now is (the state form armed with its new version).
            flash(decided.message, "error")
            return _gate_page(project, authority, status=409)
        except Conflict:
            get_session().refresh(project)
            flash(_("Someone else changed this project meanwhile. Review it and try again."), "error")
            return _gate_page(project, authority, status=409)
        except ServiceError as error:
            flash(error.message, "error")
            return redirect(url_for("stages.move", reference=reference)), 303
        flash(_("The project's state was changed."), "success")
        return redirect(url_for("portal.project_detail", reference=reference))
    flash(_("Choose a new state and give a reason."), "error")
    return redirect(url_for("stages.move", reference=reference)), 303


def _state_form(project, *, fresh: bool = False) -> StateForm:
    """The state form; ``fresh``: empty and armed with the project's version (the page after a refusal)."""
    form = StateForm(formdata=None) if fresh else StateForm()
    submitted = form.is_submitted() and not fresh
    # A submitted state is any state: the service decides (a tab showing "active" while another tab suspended the
    # project is told who suspended it, not that its choice is invalid).
    form.state.choices = [SelectChoice(value, label) for value, label in choices("state")
                          if submitted or value != project.state]
    if not submitted:
        form.arm(project.version)
    return form

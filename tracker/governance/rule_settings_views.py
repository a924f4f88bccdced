"""The administrators' page of authority rule settings (``/manage/rules/settings``): what holds for an
authority's subtree and where each value comes from; set or clear a parameter through the same service as
``vidnova rules settings``; then re-evaluate the affected projects as a job."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.accounts.queries import scope_choices
from tracker.accounts.views import roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import ServiceError
from tracker.core.forms import attach_error
from tracker.core.i18n import current_language, ngettext
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.labels import label
from tracker.core.models import Authority
from tracker.core.vocab import Role
from tracker.core.web_input import id_arg
from tracker.governance import policy
from tracker.governance import rule_settings as service
from tracker.governance.evaluation_jobs import submit_evaluation
from tracker.governance.rule_context import RuleContext
from tracker.projects.loaders import authority_by_id

bp = Blueprint("rule_settings_admin", __name__, url_prefix="/manage/rules/settings")


class AuthorityPickForm(FlaskForm):
    """Which authority's settings to show (GET: changes nothing)."""

    class Meta:
        csrf = False

    authority = SelectField(_l("Authority"), coerce=int, validators=[DataRequired()])


class SettingForm(FlaskForm):
    rule_key = SelectField(_l("Rule or rule set"), validators=[DataRequired()],
                           description=_l("A rule set's parameter holds for each of its rules that declares it."))
    name = StringField(_l("Parameter"), validators=[DataRequired(), Length(max=80)],
                       description=_l("A parameter's name as the table below shows it, or \"enabled\"."))
    value = StringField(_l("Value"), validators=[DataRequired(), Length(max=200)],
                        description=_l("A number, true or false, or text."))
    note = TextAreaField(_l("Why"), validators=[Optional(), Length(max=2000)],
                         description=_l("Shown beside the setting."))


class ClearForm(FlaskForm):
    rule_key = HiddenField(validators=[DataRequired(), Length(max=80)])
    name = HiddenField(validators=[DataRequired(), Length(max=80)])


class ReevaluateForm(FlaskForm):
    """Only the CSRF token."""


@bp.before_request
@roles_required(Role.ADMIN)
def _administrators_only():
    if not policy.can_change_rule_settings(user_or_none()):
        abort(403)


def _rules() -> RuleContext:
    return current_app.extensions["tracker.rules"]


def _rule_key_choices() -> list[SelectChoice]:
    choices = []
    english = current_language() == "en"
    for rule_set in sorted(_rules().rule_sets.values(), key=lambda rs: rs.id):
        choices.append(SelectChoice(rule_set.id, _("%(id)s (the whole rule set)", id=rule_set.id)))
        choices += [SelectChoice(rule.id, f"{rule.id} · {rule.title_en if english else rule.title_uk}")
                    for rule in rule_set.rules]
    return choices


def _authority_choices() -> list[SelectChoice]:
    language = current_language()
    return [SelectChoice(a.id, f"{a.name(language)} ({label('level', a.level)})")
            for a in scope_choices(session=get_session(), language=language)]


@bp.get("/")
def index():
    """Pick an authority; see its settings, the values in force for its projects and where they come from."""
    pick = AuthorityPickForm(request.args)
    pick.authority.choices = _authority_choices()
    authority_id = id_arg("authority")
    authority = authority_by_id(authority_id) if authority_id is not None else None
    if authority is not None:
        pick.authority.data = authority.id
    return _page(pick, authority, SettingForm())


def _page(pick: AuthorityPickForm, authority: Authority | None, form: SettingForm, status: int = 200):
    form.rule_key.choices = _rule_key_choices()
    context = {}
    if authority is not None:
        session = get_session()
        context = {"settings": service.settings_of(session=session, authority=authority),
                   "values": service.values_in_force(session=session, context=_rules(), authority=authority),
                   "affected": len(service.affected_projects(session=session, authority=authority))}
    return render_template("compliance/rule_settings.html", pick=pick, authority=authority, form=form,
                           **context), status


@bp.post("/<int:authority_id>/set")
def set_value(authority_id: int):
    """Set (or replace) a parameter for the authority's subtree, checked exactly as the command line checks it."""
    authority = authority_by_id(authority_id)
    form = SettingForm()
    form.rule_key.choices = _rule_key_choices()
    if form.validate_on_submit():
        try:
            service.set_rule_setting(session=get_session(), context=_rules(), authority=authority,
                                     rule_key=form.rule_key.data, name=form.name.data, raw_value=form.value.data,
                                     note=form.note.data or None, actor_id=None, actor=user_or_none(),
                                     reevaluate=False)
        except ServiceError as error:
            attach_error(form, error)
        else:
            _offer_reevaluation(authority, _("%(key)s.%(name)s is set for %(authority)s.", key=form.rule_key.data,
                                             name=form.name.data.strip(), authority=authority.name(current_language())))
            return redirect(url_for("rule_settings_admin.index", authority=authority.id), code=303)
    pick = AuthorityPickForm(formdata=None, authority=authority.id)
    pick.authority.choices = _authority_choices()
    return _page(pick, authority, form, 422)


@bp.post("/<int:authority_id>/clear")
def clear(authority_id: int):
    """Remove a setting: the value from above holds again."""
    authority = authority_by_id(authority_id)
    form = ClearForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.clear_rule_setting(session=get_session(), authority=authority, rule_key=form.rule_key.data,
                                   name=form.name.data, actor=user_or_none(), reevaluate=False)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        _offer_reevaluation(authority, _("%(key)s.%(name)s of %(authority)s is cleared.", key=form.rule_key.data,
                                         name=form.name.data, authority=authority.name(current_language())))
    return redirect(url_for("rule_settings_admin.index", authority=authority.id), code=303)


def _offer_reevaluation(authority: Authority, done: str) -> None:
    count = len(service.affected_projects(session=get_session(), authority=authority))
    flash(done + " " + ngettext(
        "The stored evaluation of its %(num)d project still uses the previous values: re-evaluate it below.",
        "The stored evaluations of its %(num)d projects still use the previous values: re-evaluate them below.",
        count), "success")


@bp.post("/<int:authority_id>/reevaluate")
def reevaluate(authority_id: int):
    """Queue the evaluation of the authority's projects; the answer is the job's page."""
    authority = authority_by_id(authority_id)
    if not ReevaluateForm().validate_on_submit():
        abort(400)
    job = submit_evaluation(session=get_session(),
                            project_ids=service.affected_projects(session=get_session(), authority=authority),
                            started_by_id=user_or_none().id)
    return redirect(url_for("jobs.job_page", job_id=job.id), code=303)

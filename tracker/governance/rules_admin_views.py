"""The administrators' rules page: the rule sets in force, and re-evaluating the whole portfolio as a job."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import format_number
from flask_wtf import FlaskForm
from sqlmodel import func, select

from tracker.accounts.views import roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.vocab import Role
from tracker.governance import policy
from tracker.governance.evaluation_jobs import submit_evaluation
from tracker.projects.models import Project

bp = Blueprint("rules_admin", __name__, url_prefix="/manage/rules")


class ReevaluateForm(FlaskForm):
    """Only the CSRF token: the action has no parameters."""


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    """Each rule set in force (its version and digest, as evaluations record them) and the portfolio's size."""
    rule_sets = sorted(current_app.extensions["tracker.rules"].rule_sets.values(), key=lambda rule_set: rule_set.id)
    projects = get_session().exec(select(func.count()).select_from(Project)).one()
    return render_template("compliance/rules_admin.html", rule_sets=rule_sets, projects=format_number(projects),
                           form=ReevaluateForm())


@bp.post("/reevaluate")
@roles_required(Role.ADMIN)
def reevaluate():
    """Queue the evaluation of every project; the answer is the job's page, which shows its progress."""
    user = user_or_none()
    if not policy.can_reevaluate_portfolio(user) or not ReevaluateForm().validate_on_submit():
        abort(403)
    job = submit_evaluation(session=get_session(), project_ids=None, started_by_id=user.id)
    return redirect(url_for("jobs.job_page", job_id=job.id), code=303)

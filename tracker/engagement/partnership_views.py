"""Twinning partnerships: the public list and page, setting up clusters, and the log of activities."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import ServiceError
from tracker.core.hierarchy import scope_filter
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority, Organisation
from tracker.core.vocab import AuthorityLevel, Role
from tracker.engagement import partners as partner_service
from tracker.engagement import partnerships as partnership_service
from tracker.engagement.forms import ActivityForm, PartnershipForm, add_error
from tracker.engagement.loaders import can_log_activity, partnership_for_view
from tracker.projects.loaders import project_for_edit

bp = Blueprint("partnerships", __name__)


@bp.get("/partnerships")
def partnership_list():
    """Every partnership with its members and how active it is."""
    return render_template("engagement/partnerships.html",
                           summaries=partnership_service.summaries(session=get_session()))


@bp.get("/partnerships/<int:partnership_id>")
def detail(partnership_id: int):
    """A partnership: members, project, and the activities logged with their outcomes."""
    summary = partnership_service.partnership_summary(session=get_session(),
                                                      partnership=partnership_for_view(partnership_id))
    may_log = can_log_activity(summary)
    return render_template("engagement/partnership.html", summary=summary, may_log=may_log,
                           form=ActivityForm(formdata=None))


@bp.post("/partnerships/<int:partnership_id>/activities")
@roles_required(Role.ADMIN, Role.PLANNER, Role.PARTNER)
def add_activity(partnership_id: int):
    """Log an exchange, training or visit; members only."""
    partnership = partnership_for_view(partnership_id)
    summary = partnership_service.partnership_summary(session=get_session(), partnership=partnership)
    if not can_log_activity(summary):
        abort(403)
    form = ActivityForm()
    if form.validate_on_submit():
        try:
            partnership_service.add_activity(
                session=get_session(), partnership=partnership, kind=form.kind.data, title=form.title.data,
                held_on=form.held_on.data, participants=form.participants.data, outcome=form.outcome.data,
                actor=user_or_none())
        except ServiceError as error:
            add_error(form, error)
        else:
            flash(_("Activity logged."), "success")
            return redirect(url_for("partnerships.detail", partnership_id=partnership.id))
    return render_template("engagement/partnership.html", summary=summary, may_log=True, form=form), 422


@bp.route("/manage/partnerships/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def create():
    """Set up a partnership directly, one to one or a cluster of EU partners with several authorities."""
    session = get_session()
    form = PartnershipForm(project=request.args.get("project", ""))
    # Opened from a project ("fix here" for its partners): the partners join it; only its editors may.
    project = project_for_edit(form.project.data)[0] if form.project.data else None
    organisations = [org for _profile, org, _user in partner_service.list_partners(session=session)]
    query = select(Authority).where(Authority.level.in_((AuthorityLevel.OBLAST, AuthorityLevel.RAION,
                                                         AuthorityLevel.HROMADA)))
    scope = scope_filter(user_or_none(), current_scope_paths())
    if scope is not None:
        query = query.where(scope)
    authorities = session.exec(query.order_by(Authority.path)).all()
    form.organisation_ids.choices = [SelectChoice(o.id, f"{o.display_name(current_language())} ({o.country})")
                                     for o in organisations]
    form.authority_ids.choices = [SelectChoice(a.id, a.name(current_language())) for a in authorities]
    if form.validate_on_submit():
        chosen_orgs = session.exec(select(Organisation).where(Organisation.id.in_(form.organisation_ids.data))).all()
        chosen_auths = session.exec(select(Authority).where(Authority.id.in_(form.authority_ids.data))).all()
        try:
            partnership = partnership_service.create_partnership(
                session=session, name=form.name.data, kind=form.kind.data, role=form.role.data,
                organisations=chosen_orgs, authorities=chosen_auths, actor=user_or_none(),
                started_on=form.started_on.data, project=project)
        except ServiceError as error:
            add_error(form, error)
        else:
            flash(_("Partnership recorded."), "success")
            return redirect(url_for("partnerships.detail", partnership_id=partnership.id))
    status = 422 if form.is_submitted() else 200
    return render_template("engagement/partnership_form.html", form=form, project=project), status

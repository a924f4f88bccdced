"""The needs board: public, searchable and filterable; planners publish needs, admins hide abusive ones."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core.collation import by_name
from tracker.core.db import get_session
from tracker.core.errors import ServiceError
from tracker.core.hierarchy import scope_filter
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.labels import choices, label
from tracker.core.models import Authority
from tracker.core.vocab import AuthorityLevel, Role
from tracker.core.web_input import id_arg, page_arg
from tracker.engagement import needs as need_service
from tracker.engagement import offers as offer_service
from tracker.engagement import partnerships as partnership_service
from tracker.engagement.forms import ActionForm, NeedForm, add_error
from tracker.engagement.loaders import current_partner, need_for_view
from tracker.engagement.policy import can_answer_for, partner_can_act
from tracker.projects.models import Project
from tracker.projects.views import OWNER_LEVELS

bp = Blueprint("engagement", __name__)
PER_PAGE = 25


@bp.record_once
def _template_globals(state) -> None:
    state.app.add_template_global(authority_partnerships)


def authority_partnerships(authority: Authority) -> list:
    return partnership_service.summaries(session=get_session(), authority=authority)


@bp.get("/needs")
def need_list():
    """The needs board: search and filter what Ukrainian authorities ask for, 25 a page."""
    args = request.args
    session = get_session()
    oblast_id = id_arg("oblast")
    oblast = session.get(Authority, oblast_id) if oblast_id else None
    status = args.get("status", "open")
    filters = need_service.NeedFilters(
        text=args.get("q", "")[:200], help_kind=args.get("help_kind") or None, sector=args.get("sector") or None,
        capacity_area=args.get("area") or None, authority_path=oblast.path if oblast else None,
        status=status if status in ("open", "fulfilled", "closed") else None)
    page = need_service.list_needs(session=session, filters=filters, page=page_arg(),
                                   per_page=PER_PAGE)
    oblasts = by_name(session.exec(select(Authority).where(Authority.level == AuthorityLevel.OBLAST)).all(),
                      current_language())
    return render_template("engagement/needs.html", page=page, filters=filters, oblast=oblast, oblasts=oblasts,
                           status=status, help_kinds=choices("help_kind"), sectors=choices("sector"),
                           areas=choices("capacity_area"))


@bp.get("/needs/<int:need_id>")
def need_detail(need_id: int):
    """One need; its answerers see the offers on it, a confirmed partner the way to offer."""
    need, authority = need_for_view(need_id)
    return _render_need(need, authority)


def _render_need(need, authority, status: int = 200):
    session = get_session()
    project = session.get(Project, need.project_id) if need.project_id else None
    answerer = can_answer_for(user_or_none(), authority, current_scope_paths())
    offers = offer_service.offers_in_scope(session=session, authority_filter=None, need=need) if answerer else []
    return render_template("engagement/need.html", need=need, authority=authority, project=project,
                           offers=offers, answerer=answerer, partner=current_partner(),
                           partner_can_act=partner_can_act(current_partner()),
                           action_form=ActionForm(formdata=None)), status


@bp.route("/manage/needs/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.PLANNER)
def need_create():
    """Publish a need of one of the planner's authorities."""
    form = NeedForm()
    scope = scope_filter(user_or_none(), current_scope_paths())
    session = get_session()
    authorities = session.exec(select(Authority).where(Authority.level.in_(OWNER_LEVELS), *(
        [scope] if scope is not None else [])).order_by(Authority.path)).all()
    form.authority_id.choices = [SelectChoice(a.id, f"{a.name(current_language())} ({label('level', a.level)})")
                                 for a in authorities]
    projects = need_service.projects_open_for_needs(session=session, authority_filter=scope)
    form.project_id.choices = [SelectChoice(0, _("— none: a capacity need —"))] + [
        SelectChoice(p.id, f"{p.reference} · {p.title(current_language())}") for p, _a in projects]
    if form.validate_on_submit():
        authority = session.get(Authority, form.authority_id.data)
        if authority is None or not can_answer_for(user_or_none(), authority, current_scope_paths()):
            abort(403)
        project = session.get(Project, form.project_id.data) if form.project_id.data else None
        try:
            need = need_service.create_need(session=session, authority=authority, project=project,
                                            actor=user_or_none(), data=_need_data(form))
        except ServiceError as error:
            add_error(form, error)
        else:
            flash(_("The need is published."), "success")
            return redirect(url_for("engagement.need_detail", need_id=need.id))
    status = 422 if form.is_submitted() else 200
    return render_template("engagement/need_form.html", form=form), status


def _need_data(form: NeedForm) -> need_service.NeedCreate:
    return need_service.NeedCreate(
        help_kind=form.help_kind.data, title_uk=form.title_uk.data, title_en=form.title_en.data,
        description_uk=form.description_uk.data, description_en=form.description_en.data,
        capacity_area=form.capacity_area.data or None, sector=form.sector.data or None, amount=form.amount.data,
        currency=form.currency.data, effort_days=form.effort_days.data, needed_by=form.needed_by.data,
        languages=tuple(form.languages.data or ()))


@bp.post("/needs/<int:need_id>/hide")
@roles_required(Role.ADMIN)
def need_hide(need_id: int):
    """Hide a need from the board (or show it again)."""
    return _set_hidden(need_id, True)


@bp.post("/needs/<int:need_id>/show")
@roles_required(Role.ADMIN)
def need_show(need_id: int):
    return _set_hidden(need_id, False)


def _set_hidden(need_id: int, hidden: bool):
    if not ActionForm().validate_on_submit():
        abort(400)
    need, authority = need_for_view(need_id)
    try:
        need_service.set_need_hidden(session=get_session(), need=need, hidden=hidden)
    except ServiceError as error:
        # Another admin decided first (409): the need's page as it now is, with what happened.
        flash(error.message, "error")
        return _render_need(need, authority, error.http_status)
    flash(_("The need is hidden.") if hidden else _("The need is visible again."), "success")
    return redirect(url_for("engagement.need_detail", need_id=need.id))

"""Offers and their threads: a confirmed partner offers, the authority's planner asks, accepts or declines."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import PermissionDenied, ServiceError, StateConflict
from tracker.core.forms import ConfirmForm
from tracker.core.i18n import gettext as _
from tracker.core.vocab import OfferStatus, Role
from tracker.engagement import offers as offer_service
from tracker.engagement.forms import AcceptForm, ActionForm, DeclineForm, MessageForm, OfferForm, add_error
from tracker.engagement.loaders import (
    acting_partner,
    current_partner,
    need_for_view,
    offer_for_answer,
    offer_for_view,
    setting,
)
from tracker.engagement.policy import can_answer_for, offers_seen_by
from tracker.engagement.rate_limits import RateLimited

bp = Blueprint("offers", __name__)


@bp.route("/needs/<int:need_id>/offer", methods=["GET", "POST"])
@roles_required(Role.PARTNER)
def create(need_id: int):
    """Make an offer on a need; only confirmed partners, and only so many an hour."""
    profile = acting_partner()
    need, authority = need_for_view(need_id)
    form = OfferForm()
    if not form.is_submitted():
        form.kind.data = need.help_kind
        form.currency.data = need.currency
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            offer = offer_service.make_offer(
                session=get_session(), need=need, profile=profile, user=user_or_none(), data=_offer_data(form),
                rate_limit=setting("RATE_LIMIT_OFFERS_PER_HOUR"))
        except RateLimited as error:
            add_error(form, error)
            status = 429
        except PermissionDenied:
            abort(403)
        except ServiceError as error:
            add_error(form, error)
            status = error.http_status
        else:
            flash(_("Your offer was sent."), "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    return render_template("engagement/offer_form.html", form=form, need=need, authority=authority), status


def _offer_data(form: OfferForm) -> offer_service.OfferCreate:
    return offer_service.OfferCreate(kind=form.kind.data, message=form.message.data, amount=form.amount.data,
                                     currency=form.currency.data, effort_days=form.effort_days.data,
                                     period_start=form.period_start.data, period_end=form.period_end.data)


@bp.get("/offers")
@roles_required(Role.PARTNER, Role.PLANNER, Role.ADMIN, Role.AUDITOR)
def inbox():
    """A partner's own offers; a planner's offers on needs in scope; everything for admins and auditors."""
    session, user = get_session(), user_or_none()
    if user.role == Role.PARTNER:
        profile = current_partner()
        rows = [(offer, need, authority, None) for offer, need, authority in
                offer_service.offers_of_partner(session=session, profile=profile)] if profile else []
    else:
        rows = offer_service.offers_in_scope(session=session,
                                             authority_filter=offers_seen_by(user, current_scope_paths()),
                                             include_hidden=user.role == Role.ADMIN)
    return render_template("engagement/offers.html", rows=rows)


@bp.get("/offers/<int:offer_id>")
@roles_required(Role.PARTNER, Role.PLANNER, Role.ADMIN, Role.AUDITOR)
def detail(offer_id: int):
    """An offer's thread, with the answers this person may give."""
    offer, authority = offer_for_view(offer_id)
    return _render_thread(offer, authority)


def _render_thread(offer, authority, status: int = 200, **forms):
    thread = offer_service.offer_thread(session=get_session(), offer=offer)
    user = user_or_none()
    profile = current_partner()
    context = {
        "thread": thread,
        "answerer": can_answer_for(user, authority, current_scope_paths()),
        "is_own": profile is not None and profile.id == offer.partner_id,
        "message_form": forms.get("message_form") or MessageForm(formdata=None),
        "accept_form": forms.get("accept_form") or AcceptForm(
            formdata=None, role=offer_service.DEFAULT_ROLE.get(offer.kind)),
        "decline_form": forms.get("decline_form") or DeclineForm(formdata=None),
        "action_form": ActionForm(formdata=None),
    }
    return render_template("engagement/offer.html", **context), status


@bp.post("/offers/<int:offer_id>/messages")
@roles_required(Role.PARTNER, Role.PLANNER, Role.ADMIN)
def post_message(offer_id: int):
    """Write in the thread: the partner (if it may act) or the authority's answerers."""
    offer, authority = offer_for_view(offer_id)
    user = user_or_none()
    if user.role == Role.PARTNER:
        acting_partner()
    elif not can_answer_for(user, authority, current_scope_paths()):
        abort(403)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            offer_service.post_message(session=get_session(), offer=offer, author=user, body=form.body.data)
        except ServiceError as error:
            return _refused(offer, authority, error, "message_form", form)
        else:
            flash(_("Message sent."), "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    return _render_thread(offer, authority, 422, message_form=form)


def _refused(offer, authority, error: ServiceError, form_name: str | None = None, form=None):
    """The thread again with a refusal: a decision someone took first (409) above the page, for the offer as it
    now is; any other refusal (422) beside its field in the form it came from."""
    if isinstance(error, StateConflict) or form is None:
        flash(error.message, "error")
        return _render_thread(offer, authority, error.http_status)
    add_error(form, error)
    return _render_thread(offer, authority, error.http_status, **{form_name: form})


@bp.post("/offers/<int:offer_id>/accept")
@roles_required(Role.PLANNER, Role.ADMIN)
def accept(offer_id: int):
    """Accept: the partnership, the project link and any funding line are recorded together."""
    offer, authority = offer_for_answer(offer_id)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            offer_service.accept_offer(session=get_session(), offer=offer, actor=user_or_none(),
                                       role=form.role.data, close_need=form.close_need.data, note=form.note.data)
        except ServiceError as error:
            return _refused(offer, authority, error, "accept_form", form)
        else:
            flash(_("Offer accepted; the partnership is recorded."), "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    return _render_thread(offer, authority, 422, accept_form=form)


@bp.post("/offers/<int:offer_id>/decline")
@roles_required(Role.PLANNER, Role.ADMIN)
def decline(offer_id: int):
    offer, authority = offer_for_answer(offer_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            offer_service.decline_offer(session=get_session(), offer=offer, actor=user_or_none(), note=form.note.data)
        except ServiceError as error:
            return _refused(offer, authority, error, "decline_form", form)
        else:
            flash(_("Offer declined."), "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    return _render_thread(offer, authority, 422, decline_form=form)


@bp.post("/offers/<int:offer_id>/withdraw")
@roles_required(Role.PARTNER)
def withdraw(offer_id: int):
    offer, authority = offer_for_view(offer_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.is_confirmed and offer.status == OfferStatus.PENDING:
        return render_template(
            "confirm_action.html", form=form, action=request.path, question=_("Withdraw your offer?"),
            consequence=_("The authority can no longer accept it and its thread takes no more messages. "
                          "A withdrawn offer cannot be made pending again: you would make a new one."),
            confirm=_("Yes, withdraw the offer"), back=url_for("offers.detail", offer_id=offer.id))
    try:
        offer_service.withdraw_offer(session=get_session(), offer=offer, user=user_or_none())
    except PermissionDenied:
        abort(403)
    except ServiceError as error:
        return _refused(offer, authority, error)
    flash(_("Offer withdrawn."), "success")
    return redirect(url_for("offers.detail", offer_id=offer.id))


@bp.post("/offers/<int:offer_id>/hide")
@roles_required(Role.ADMIN)
def hide(offer_id: int):
    """Hide an abusive offer from everyone but admins."""
    return _set_hidden(offer_id, True)


@bp.post("/offers/<int:offer_id>/show")
@roles_required(Role.ADMIN)
def show(offer_id: int):
    return _set_hidden(offer_id, False)


def _set_hidden(offer_id: int, hidden: bool):
    """One route per outcome, not a toggle: two admins hiding at once must not hide and show it again."""
    offer, authority = offer_for_view(offer_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        offer_service.set_offer_hidden(session=get_session(), offer=offer, hidden=hidden)
    except ServiceError as error:
        return _refused(offer, authority, error)
    flash(_("The offer is hidden.") if hidden else _("The offer is visible again."), "success")
    return redirect(url_for("offers.detail", offer_id=offer.id))

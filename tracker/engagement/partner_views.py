"""EU partners: public registration, the directory, a partner's page, matches, and the admin's confirmations."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_user

from tracker.accounts.models import User
from tracker.accounts.views import roles_required, user_or_none
from tracker.core.db import get_session
from tracker.core.errors import ServiceError
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.models import Organisation
from tracker.core.vocab import Role
from tracker.engagement import matching
from tracker.engagement import partners as partner_service
from tracker.engagement import partnerships as partnership_service
from tracker.engagement.forms import ActionForm, PartnerRegistrationForm, add_error
from tracker.engagement.loaders import client_key, current_partner, partner_for_view, setting
from tracker.engagement.models import codes
from tracker.engagement.rate_limits import RateLimited

bp = Blueprint("partners", __name__)


@bp.route("/partners/register", methods=["GET", "POST"])
def register():
    """An EU city, region or association registers; it can sign in at once but acts only once confirmed."""
    form = PartnerRegistrationForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        registration = partner_service.Registration(
            email=form.email.data, contact_name=form.contact_name.data, password=form.password.data,
            organisation_name=form.organisation_name.data, organisation_name_en=form.organisation_name_en.data,
            kind=form.kind.data, country=form.country.data, website=form.website.data,
            languages=form.languages.data, sectors=form.sectors.data or [], help_kinds=form.help_kinds.data,
            about=form.about.data, locale=current_language())
        try:
            profile = partner_service.register_partner(
                session=get_session(), registration=registration, rate_key=client_key(),
                rate_limit=setting("RATE_LIMIT_REGISTRATIONS_PER_HOUR"))
        except RateLimited as error:
            add_error(form, error)
            status = 429
        except ServiceError as error:
            add_error(form, error)
        else:
            login_user(get_session().get(User, profile.user_id))
            flash(_("Thank you. An administrator will confirm your account; until then you can read but not "
                    "make offers."), "success")
            return redirect(url_for("partners.detail", profile_id=profile.id))
    return render_template("engagement/register.html", form=form), status


@bp.get("/partners")
def directory():
    """Confirmed partners, by country."""
    rows = partner_service.list_partners(session=get_session(), public=True)
    return render_template("engagement/partners.html", rows=rows)


@bp.get("/partners/<int:profile_id>")
def detail(profile_id: int):
    """A partner: who it is, what it can do, its partnerships."""
    profile = partner_for_view(profile_id) if not _is_own(profile_id) else current_partner()
    session = get_session()
    organisation = session.get(Organisation, profile.organisation_id)
    partnerships = partnership_service.summaries(session=session, organisation_id=organisation.id)
    return render_template("engagement/partner.html", profile=profile, organisation=organisation,
                           partnerships=partnerships, codes=codes, is_own=_is_own(profile_id))


def _is_own(profile_id: int) -> bool:
    profile = current_partner()
    return profile is not None and profile.id == profile_id


@bp.get("/partners/matches")
@roles_required(Role.PARTNER)
def matches():
    """Needs ranked by fit for the signed-in partner, with the reasons for each rank."""
    profile = current_partner()
    if profile is None:
        abort(403)
    ranked = matching.rank_needs(session=get_session(), profile=profile)
    return render_template("engagement/matches.html", matches=ranked, profile=profile)


@bp.get("/manage/partners")
@roles_required(Role.ADMIN)
def manage():
    """Every partner, the unconfirmed first: confirm, hide or show."""
    return _render_manage()


def _render_manage(status: int = 200):
    rows = partner_service.list_partners(session=get_session(), public=False)
    return render_template("engagement/manage_partners.html", rows=rows, action_form=ActionForm(formdata=None)), status


@bp.post("/manage/partners/<int:profile_id>/<any(confirm, hide, show):action>")
@roles_required(Role.ADMIN)
def change(profile_id: int, action: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    session = get_session()
    profile = partner_for_view(profile_id)
    try:
        if action == "confirm":
            partner_service.confirm_partner(session=session, profile=profile, admin=user_or_none())
            flash(_("Partner confirmed."), "success")
        else:
            partner_service.set_partner_hidden(session=session, profile=profile, hidden=action == "hide")
            flash(_("Partner hidden.") if action == "hide" else _("Partner visible again."), "success")
    except ServiceError as error:
        # Another admin decided first (409): the list as it now is, with what happened.
        flash(error.message, "error")
        return _render_manage(error.http_status)
    return redirect(url_for("partners.manage"))

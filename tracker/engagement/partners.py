"""EU partners: registration (a user with role partner speaking for an organisation), confirmation, hiding."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.accounts.operations import create_user
from tracker.core.columns import utcnow
from tracker.core.errors import NotFound, ServiceError, StateConflict
from tracker.core.i18n import format_datetime
from tracker.core.i18n import gettext as _
from tracker.core.locking import lock_for_decision
from tracker.core.models import Organisation
from tracker.core.vocab import HelpKind, OrganisationKind, Role, Sector, WorkingLanguage
from tracker.engagement import notifications, rate_limits
from tracker.engagement.models import PartnerProfile, join_codes

PARTNER_KINDS = (OrganisationKind.EU_CITY, OrganisationKind.EU_REGION, OrganisationKind.ASSOCIATION)
EU_MEMBER_STATES = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
                    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")
#: The Alliance is European: EU members and the other European states whose municipalities take part.
PARTNER_COUNTRIES = EU_MEMBER_STATES + ("IS", "LI", "NO", "CH", "GB", "MD")


@dataclass(frozen=True)
class Registration:
    """What a partner supplies to register."""

    email: str
    contact_name: str
    password: str
    organisation_name: str
    organisation_name_en: str | None
    kind: str
    country: str
    website: str | None
    languages: Sequence[str]
    sectors: Sequence[str]
    help_kinds: Sequence[str]
    about: str | None = None
    locale: str = "en"


def register_partner(*, session: Session, registration: Registration, rate_key: str,
                     rate_limit: int) -> PartnerProfile:
    """Create the organisation, the partner's account and an unconfirmed profile; tell the admins."""
    r = registration
    rate_limits.hit(session=session, action="partner_registration", key=rate_key, limit=rate_limit)
    _check_subset(r.languages, WorkingLanguage, "languages", required=True)
    _check_subset(r.sectors, Sector, "sectors")
    _check_subset(r.help_kinds, HelpKind, "help_kinds", required=True)
    if r.kind not in PARTNER_KINDS:
        raise ServiceError(_("a partner is an EU city, region or association, not “%(kind)s”",
                             kind=r.kind), field="kind")
    if r.country not in PARTNER_COUNTRIES:
        raise ServiceError(_("unknown or unsupported country “%(country)s”", country=r.country), field="country")
    if not r.organisation_name.strip():
        raise ServiceError(_("the organisation's name is required"), field="organisation_name")
    user = create_user(session=session, email=r.email, name=r.contact_name, password=r.password,
                       role=Role.PARTNER, locale=r.locale)
    organisation = Organisation(name=r.organisation_name.strip(), name_en=(r.organisation_name_en or "").strip()
                                or None, kind=r.kind, country=r.country, website=(r.website or "").strip() or None)
    session.add(organisation)
    session.flush()
    profile = PartnerProfile(user_id=user.id, organisation_id=organisation.id, languages=join_codes(r.languages),
                             sectors=join_codes(r.sectors), help_kinds=join_codes(r.help_kinds),
                             about=(r.about or "").strip() or None)
    session.add(profile)
    session.flush()
    notifications.partner_registered(session=session, organisation=organisation, user=user)
    return profile


def _check_subset(values: Sequence[str], vocabulary, field: str, required: bool = False) -> None:
    unknown = [value for value in values if value not in set(vocabulary)]
    if unknown:
        raise ServiceError(_("not a choice of this list: %(codes)s", codes=", ".join(unknown)), field=field)
    if required and not values:
        raise ServiceError(_("choose at least one"), field=field)


def confirm_partner(*, session: Session, profile: PartnerProfile, admin: User) -> PartnerProfile:
    """An admin vouches for the partner; from now on it may offer.

    Decided on the profile read under its lock: of admins confirming at once, one confirms (and the partner
    gets one mail), the others are told who confirmed it and when.
    """
    if admin.role != Role.ADMIN:
        raise ServiceError(_("only an administrator confirms partners"), field="role")
    lock_for_decision(session, profile)
    if profile.confirmed_at is not None:
        confirmer = session.get(User, profile.confirmed_by_id) if profile.confirmed_by_id else None
        raise StateConflict(_("The partner was already confirmed by %(name)s at %(when)s.",
                              name=confirmer.name if confirmer else _("someone"),
                              when=format_datetime(profile.confirmed_at)), field="status")
    profile.confirmed_at, profile.confirmed_by_id = utcnow(), admin.id
    session.add(profile)
    session.flush()
    user = session.get(User, profile.user_id)
    notifications.partner_confirmed(session=session, user=user,
                                    organisation=session.get(Organisation, profile.organisation_id))
    return profile


def set_partner_hidden(*, session: Session, profile: PartnerProfile, hidden: bool) -> PartnerProfile:
    """Hide a partner (abuse, impersonation): it disappears from public lists and can no longer act."""
    lock_for_decision(session, profile)
    if profile.is_hidden == hidden:
        raise StateConflict(_("Another administrator already hid this partner.") if hidden
                            else _("Another administrator already made this partner visible again."),
                            field="status")
    profile.is_hidden = hidden
    session.add(profile)
    session.flush()
    return profile


def profile_for_user(*, session: Session, user: User | None) -> PartnerProfile | None:
    if user is None or user.role != Role.PARTNER:
        return None
    return session.exec(select(PartnerProfile).where(PartnerProfile.user_id == user.id)).first()


def get_profile(*, session: Session, profile_id: int) -> PartnerProfile:
    profile = session.get(PartnerProfile, profile_id)
    if profile is None:
        raise NotFound(_("no partner %(profile_id)s", profile_id=profile_id))
    return profile


def get_profile_by_email(*, session: Session, email: str) -> PartnerProfile:
    profile = session.exec(select(PartnerProfile).join(User, User.id == PartnerProfile.user_id)
                           .where(User.email == email.strip().lower())).first()
    if profile is None:
        raise NotFound(_("no partner account with e-mail “%(email)s”", email=email), field="email")
    return profile


def list_partners(*, session: Session, public: bool = True) -> list[tuple[PartnerProfile, Organisation, User]]:
    """Partners with their organisation and account (one query): public lists show confirmed, unhidden ones;
    the admin's list shows all, unconfirmed first."""
    query = (select(PartnerProfile, Organisation, User)
             .join(Organisation, Organisation.id == PartnerProfile.organisation_id)
             .join(User, User.id == PartnerProfile.user_id))
    if public:
        query = query.where(PartnerProfile.confirmed_at.is_not(None), PartnerProfile.is_hidden.is_(False))
        query = query.order_by(Organisation.country, Organisation.name)
    else:
        query = query.order_by(PartnerProfile.confirmed_at.is_not(None), PartnerProfile.created_at.desc())
    return list(session.exec(query))


def funding_source_for(organisation: Organisation) -> str:
    """Money from EU member states' cities and regions counts as ``eu``; from elsewhere in Europe as ``donor``."""
    return "eu" if organisation.country in EU_MEMBER_STATES else "donor"

"""E-mails the engagement mechanism sends: offers arriving and answered, partners confirmed, stage changes.

Each function only queues (``tracker.core.mail.queue``); delivery happens after the caller's transaction commits.
Messages are written in the recipient's language: ``force_locale`` picks the catalogue, and outside an app
context the English text goes out unchanged.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import force_locale
from sqlmodel import Session, select

from tracker.accounts.models import User, UserAuthority
from tracker.core import mail
from tracker.core.i18n import gettext as _
from tracker.core.labels import LABELS, label
from tracker.core.models import Authority, Organisation
from tracker.core.vocab import Role
from tracker.engagement.models import Need, Offer, ProjectFollower
from tracker.governance.signals import stage_moved
from tracker.projects.models import Project


#: The same msgids as the stage labels of the web layer, so the catalogue already translates them.
def planners_for(*, session: Session, authority: Authority) -> list[User]:
    """Active planners whose scope holds ``authority``: scoped to it or to any unit above it (one query)."""
    chain = [int(part) for part in authority.path.strip("/").split("/") if part]
    query = (select(User).join(UserAuthority, UserAuthority.user_id == User.id)
             .where(UserAuthority.authority_id.in_(chain), User.role == Role.PLANNER, User.is_active.is_(True))
             .distinct().order_by(User.id))
    return list(session.exec(query))


def _send(session: Session, recipients: Iterable[User], compose) -> None:
    """Queue one message per recipient, composed in their language."""
    for user in recipients:
        with force_locale(user.locale or "uk"):
            subject, body = compose()
        mail.queue(session=session, recipient=user.email, subject=subject, body=body)


def partner_registered(*, session: Session, organisation: Organisation, user: User) -> None:
    admins = session.exec(select(User).where(User.role == Role.ADMIN, User.is_active.is_(True))).all()
    link = mail.site_url("/manage/partners")
    _send(session, admins, lambda: (
        _("New partner to confirm: %(name)s", name=organisation.name),
        _("%(name)s (%(country)s) registered as a partner; contact: %(contact)s <%(email)s>.\n\n"
          "Confirm or hide it here: %(link)s", name=organisation.name, country=organisation.country,
          contact=user.name, email=user.email, link=link)))


def partner_confirmed(*, session: Session, user: User, organisation: Organisation) -> None:
    link = mail.site_url("/partners/matches")
    _send(session, [user], lambda: (
        _("Your partner account is confirmed"),
        _("%(name)s can now make offers on the needs of Ukrainian hromadas and oblasts.\n\n"
          "Needs that fit you: %(link)s", name=organisation.name, link=link)))


def offer_received(*, session: Session, offer: Offer, need: Need, organisation: Organisation,
                   authority: Authority) -> None:
    link = mail.site_url(f"/offers/{offer.id}")
    _send(session, planners_for(session=session, authority=authority), lambda: (
        _("New offer on \"%(need)s\"", need=need.title_uk),
        _("%(partner)s (%(country)s) made an offer on your need \"%(need)s\":\n\n%(message)s\n\n"
          "Answer it here: %(link)s", partner=organisation.name, country=organisation.country,
          need=need.title_uk, message=offer.message, link=link)))


def offer_message(*, session: Session, offer: Offer, need: Need, author: User, body: str,
                  recipients: Iterable[User]) -> None:
    link = mail.site_url(f"/offers/{offer.id}")
    _send(session, [user for user in recipients if user.id != author.id], lambda: (
        _("New message about the offer on \"%(need)s\"", need=need.title(_locale_of_catalogue())),
        _("%(author)s wrote:\n\n%(body)s\n\nReply here: %(link)s", author=author.name, body=body, link=link)))


def offer_decided(*, session: Session, offer: Offer, need: Need, partner_user: User, accepted: bool,
                  note: str | None = None) -> None:
    link = mail.site_url(f"/offers/{offer.id}")

    def compose():
        title = need.title(_locale_of_catalogue())
        if accepted:
            subject = _("Your offer on \"%(need)s\" was accepted", need=title)
            text = _("Your offer was accepted and a partnership has been recorded.")
        else:
            subject = _("Your offer on \"%(need)s\" was declined", need=title)
            text = _("Your offer was declined.")
        extra = f"\n\n{note}" if note else ""
        return subject, f"{text}{extra}\n\n{link}"

    _send(session, [partner_user], compose)


def follow_confirmation(*, session: Session, follower: ProjectFollower, project: Project, confirm_url: str) -> None:
    with force_locale(follower.locale):
        subject = _("Confirm that you want to follow %(ref)s", ref=project.reference)
        body = _("Someone (we hope you) asked to receive an e-mail when the project \"%(title)s\" changes stage.\n\n"
                 "Confirm here: %(link)s\n\nIf it was not you, ignore this message.",
                 title=project.title(follower.locale), link=confirm_url)
    mail.queue(session=session, recipient=follower.email, subject=subject, body=body)


def notify_stage_change(*, session: Session, project: Project, from_stage: str | None, to_stage: str) -> int:
    """Queue an e-mail to every confirmed follower of ``project``; return how many were queued.

    Connected to governance's ``stage_moved`` signal, sent in the move's transaction, so a refused move mails
    nobody.
    """
    followers = session.exec(select(ProjectFollower).where(ProjectFollower.project_id == project.id,
                                                           ProjectFollower.confirmed_at.is_not(None))).all()
    page = mail.site_url(f"/projects/{project.reference}")
    for follower in followers:
        stop = mail.site_url(f"/follow/stop/{follower.unsubscribe_token}")
        with force_locale(follower.locale):
            # The stage names are the vocabulary's own labels, in the follower's language.
            before = label("stage", from_stage) if from_stage in LABELS["stage"] else "—"
            after = label("stage", to_stage)
            subject = _("%(ref)s moved to %(stage)s", ref=project.reference, stage=after)
            body = _("The project \"%(title)s\" moved from %(before)s to %(after)s.\n\nSee it: %(page)s\n\n"
                     "Stop these e-mails: %(stop)s", title=project.title(follower.locale), before=before,
                     after=after, page=page, stop=stop)
        mail.queue(session=session, recipient=follower.email, subject=subject, body=body)
    return len(followers)


def _locale_of_catalogue() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale) if locale is not None else "en"


@stage_moved.connect
def _on_stage_moved(session: Session, *, project: Project, from_stage: str | None, to_stage: str) -> None:
    notify_stage_change(session=session, project=project, from_stage=from_stage, to_stage=to_stage)

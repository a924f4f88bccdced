"""E-mails about citizens' items: the author's confirmation link, and the answer to the author and to the
project's confirmed followers. Only queued (``core.mail``); each in its recipient's language."""
from __future__ import annotations

from flask_babel import force_locale
from sqlmodel import Session, select

from tracker.core import mail
from tracker.core.i18n import gettext as _
from tracker.engagement.models import ProjectFollower
from tracker.projects.models import Project
from tracker.voice.models import CitizenItem


def confirm_item(*, session: Session, item: CitizenItem, project: Project, confirm_url: str) -> None:
    with force_locale(item.locale):
        subject = _("Confirm your message about %(ref)s", ref=project.reference)
        body = _("Someone (we hope you) wrote about the project \"%(title)s\".\n\n"
                 "Confirm it here, and it goes to the moderators before it is published: %(link)s\n\n"
                 "Your e-mail address is never shown. If it was not you, ignore this message.",
                 title=project.title(item.locale), link=confirm_url)
    mail.queue(session=session, recipient=item.author_email, subject=subject, body=body)


def answered(*, session: Session, item: CitizenItem, project: Project) -> int:
    """Tell the author and the project's confirmed followers that the item was answered; return how many."""
    page = mail.site_url(f"/projects/{project.reference}#voice-{item.id}")
    followers = session.exec(select(ProjectFollower).where(ProjectFollower.project_id == project.id,
                                                           ProjectFollower.confirmed_at.is_not(None))).all()
    recipients = {item.author_email: item.locale}
    for follower in followers:
        recipients.setdefault(follower.email, follower.locale)
    for address, locale in recipients.items():
        with force_locale(locale):
            subject = _("Answer about %(ref)s", ref=project.reference)
            body = _("A question or complaint about the project \"%(title)s\" was answered:\n\n%(answer)s\n\n"
                     "See it: %(page)s", title=project.title(locale), answer=item.answer, page=page)
        mail.queue(session=session, recipient=address, subject=subject, body=body)
    return len(recipients)

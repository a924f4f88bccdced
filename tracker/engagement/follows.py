"""Citizens follow projects by e-mail: a signed confirmation link first, then mails on every stage change."""
from __future__ import annotations

import secrets

from sqlmodel import Session, select

from tracker.core import mail, signed_links
from tracker.core.columns import utcnow
from tracker.core.errors import NotFound, ServiceError
from tracker.core.i18n import gettext as _
from tracker.engagement import notifications, rate_limits
from tracker.engagement.models import ProjectFollower
from tracker.projects.models import Project

_SALT = "vidnova.follow-project"
CONFIRM_MAX_AGE = signed_links.DEFAULT_MAX_AGE  # seconds a confirmation link stays valid


def confirmation_token(*, secret_key: str, follower: ProjectFollower) -> str:
    """A signed token naming the follower and the address, so a link for one address confirms no other."""
    return signed_links.sign(secret_key=secret_key, salt=_SALT, payload={"f": follower.id, "e": follower.email})


def request_follow(*, session: Session, project: Project, email: str, locale: str, secret_key: str,
                   rate_key: str, rate_limit: int) -> ProjectFollower:
    """Record the wish to follow and mail a confirmation link; nothing else is sent until it is used."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 255:
        raise ServiceError(_("“%(email)s” is not an e-mail address", email=email), field="email")
    if not project.is_public:
        raise NotFound(_("no such project"))
    rate_limits.hit(session=session, action="follow", key=rate_key, limit=rate_limit)
    follower = session.exec(select(ProjectFollower).where(ProjectFollower.project_id == project.id,
                                                          ProjectFollower.email == email)).first()
    if follower is None:
        follower = ProjectFollower(project_id=project.id, email=email, locale=locale if locale in ("uk", "en")
                                   else "uk", unsubscribe_token=secrets.token_urlsafe(32))
        session.add(follower)
        session.flush()
    if follower.confirmed_at is None:
        link = mail.site_url(f"/follow/confirm/{confirmation_token(secret_key=secret_key, follower=follower)}")
        notifications.follow_confirmation(session=session, follower=follower, project=project, confirm_url=link)
    return follower


def confirm_follow(*, session: Session, token: str, secret_key: str,
                   max_age: int = CONFIRM_MAX_AGE) -> ProjectFollower:
    """Confirm the address the signed ``token`` names; refuse forged, altered and expired links."""
    data = signed_links.unsign(secret_key=secret_key, salt=_SALT, token=token, max_age=max_age)
    follower = session.get(ProjectFollower, data.get("f"))
    if follower is None or follower.email != data.get("e"):
        raise ServiceError(_("this confirmation link is not valid"), field="token")
    if follower.confirmed_at is None:
        follower.confirmed_at = utcnow()
        session.add(follower)
        session.flush()
    return follower


def follower_by_stop_token(*, session: Session, token: str) -> ProjectFollower:
    follower = session.exec(select(ProjectFollower).where(ProjectFollower.unsubscribe_token == token)).first()
    if follower is None:
        raise NotFound(_("no such subscription"))
    return follower


def stop_following(*, session: Session, follower: ProjectFollower) -> None:
    """Forget the follower entirely: no address is kept once mails are no longer wanted."""
    session.delete(follower)
    session.flush()

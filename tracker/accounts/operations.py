"""Accounts: creating users with a role and a scope, checking passwords with a brake on guessing."""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts.models import User, UserAuthority
from tracker.core import email_address
from tracker.core.collation import by_name
from tracker.core.columns import as_utc, utcnow
from tracker.core.errors import NotFound, ServiceError
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority, RateLimitEvent
from tracker.core.vocab import Role

MIN_PASSWORD_LENGTH = 10


def create_user(*, session: Session, email: str, name: str, password: str, role: str,
                authority_codes: Iterable[str] = (), locale: str = "uk") -> User:
    """Create an account; a planner needs at least one authority, other roles none."""
    codes = [code.strip() for code in authority_codes if code.strip()]
    if role not in set(Role):
        raise ServiceError(_("unknown role “%(role)s”; expected one of: %(value)s",
                             role=role, value=', '.join(Role)), field="role")
    try:
        email = email_address.normalise(email)
    except email_address.InvalidEmail as error:
        raise ServiceError(_("“%(value)s” is not an e-mail address the sign-in form accepts: %(error)s",
                             value=email.strip(), error=error),
                           field="email") from None
    _check_password(password)
    if role == Role.PLANNER and not codes:
        raise ServiceError(_("a planner needs at least one authority (--authority CODE)"), field="authority")
    if role != Role.PLANNER and codes:
        raise ServiceError(_("only planners are scoped to authorities, not %(role)s accounts",
                             role=role), field="authority")
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise ServiceError(_("a user with e-mail “%(email)s” already exists", email=email), field="email")
    authorities = _authorities_by_code(session, codes)
    user = User(email=email, name=name.strip() or email, password_hash=generate_password_hash(password),
                role=role, locale=locale)
    session.add(user)
    session.flush()
    session.add_all(UserAuthority(user_id=user.id, authority_id=a.id) for a in authorities)
    session.flush()
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(_("the password needs at least %(min_password_length)s characters",
                             min_password_length=MIN_PASSWORD_LENGTH), field="password")


def _authorities_by_code(session: Session, codes: Sequence[str]) -> list[Authority]:
    if not codes:
        return []
    found = {a.code: a for a in session.exec(select(Authority).where(Authority.code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise NotFound(_("unknown authority code(s): %(value)s", value=', '.join(unknown)), field="authority")
    return [found[code] for code in codes]


def scope_paths(*, session: Session, user: User) -> list[str]:
    """The materialised paths of the authorities a planner's role reaches."""
    query = (select(Authority.path).join(UserAuthority, UserAuthority.authority_id == Authority.id)
             .where(UserAuthority.user_id == user.id))
    return list(session.exec(query))


def scope_authorities(*, session: Session, user: User) -> list[Authority]:
    query = (select(Authority).join(UserAuthority, UserAuthority.authority_id == Authority.id)
             .where(UserAuthority.user_id == user.id))
    return by_name(session.exec(query))


class LoginRefused(ServiceError):
    """Wrong credentials; deliberately vague about which part was wrong."""


class SignInThrottled(LoginRefused):
    """Too many failed sign-ins from this client for this address: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed attempts; try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignInBrake:
    """The brake on password guessing, per client address and e-mail address (known or not).

    The first ``free_failures`` wrong passwords cost nothing; each one after that makes the client wait twice
    as long as the one before (from ``first_wait``, at most ``window``) before a password is checked again.
    Failures are forgotten after ``window``, and a successful sign-in forgets them. Nothing is kept on the
    account itself: another client (the real owner's) signs in as usual while one is being slowed.
    """

    free_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    first_wait: timedelta = timedelta(seconds=15)

    def wait(self, failures: int) -> timedelta:
        """How long after the latest of ``failures`` failures the next password is checked."""
        if failures < self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures, 20)
        return min(self.window, self.first_wait * (2 ** doublings))


SIGN_IN_FAILURE = "sign_in_failure"


def brake_key(client: str, email: str) -> str:
    """The brake's key: the client's address and a digest of the address typed (which may be a password
    typed in the wrong field: it is not stored as typed)."""
    digest = hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]
    return f"{client[:200]} {digest}"


def authenticate(*, session: Session, email: str, password: str, client: str,
                 brake: SignInBrake = SignInBrake(), now: datetime | None = None) -> User:
    """Return the user whose credentials these are, or raise ``LoginRefused`` (``SignInThrottled``: wait).

    Known and unknown addresses are answered alike, in the same time: the same refusal, a password hash
    checked for both, one failure written for both, and the same brake (``SignInBrake``) on both.
    """
    now = now or utcnow()
    key = brake_key(client, email)
    events = RateLimitEvent.__table__  # type: ignore[attr-defined]
    recent = (events.c.action == SIGN_IN_FAILURE, events.c.key == key, events.c.created_at > now - brake.window)
    failures, latest = session.execute(
        select(func.count(events.c.id), func.max(events.c.created_at)).where(*recent)).one()
    if failures:
        retry_at = as_utc(latest) + brake.wait(failures)
        if retry_at > now:
            raise SignInThrottled(max(1, math.ceil((retry_at - now).total_seconds())))
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    known = user is not None and user.is_active
    # The same hash work whether or not the address has an account, so timing does not tell them apart.
    if not check_password_hash(user.password_hash if known else _DUMMY_HASH, password) or not known:
        session.add(RateLimitEvent(action=SIGN_IN_FAILURE, key=key, created_at=now))
        session.flush()
        raise LoginRefused("wrong e-mail or password")
    session.execute(delete(RateLimitEvent).where(RateLimitEvent.action == SIGN_IN_FAILURE,
                                                 RateLimitEvent.key == key))
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def set_password(*, session: Session, user: User, password: str) -> User:
    """Give ``user`` a new password; every session signed in before (the caller's too) is signed out."""
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    return end_sessions(session=session, user=user)


def set_active(*, session: Session, user: User, active: bool) -> User:
    """Let ``user`` sign in again, or no longer (their open sessions end at once)."""
    user.is_active = active
    if not active:
        return end_sessions(session=session, user=user)
    session.add(user)
    session.flush()
    return user


def end_sessions(*, session: Session, user: User) -> User:
    """Sign ``user`` out everywhere: every session cookie issued before no longer signs in."""
    user.session_version = (user.session_version or 0) + 1
    session.add(user)
    session.flush()
    return user


def session_matches(user: User, version: str) -> bool:
    """Whether a session carrying ``version`` (from ``User.get_id``) still signs ``user`` in."""
    return user.is_active and version == str(user.session_version or 0)


def get_user_by_email(*, session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFound(_("no account with e-mail “%(value)s”", value=email.strip()), field="email")
    return user


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)

"""Accounts: creating users with a role and a scope, checking passwords with a brake on guessing."""
from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts import policy
from tracker.accounts.models import User, UserAuthority
from tracker.core import email_address
from tracker.core.collation import by_name
from tracker.core.columns import as_utc, utcnow
from tracker.core.errors import NotFound, PermissionDenied, ServiceError
from tracker.core.i18n import gettext as _
from tracker.core.labels import label
from tracker.core.models import Authority, RateLimitEvent
from tracker.core.vocab import Role

MIN_PASSWORD_LENGTH = 10


def create_user(*, session: Session, email: str, name: str, password: str, role: str,
                authority_codes: Iterable[str] = (), authority_ids: Iterable[int] = (), locale: str = "uk",
                actor: User | None = None, temporary: bool = False) -> User:
    """Create an account; a planner needs at least one authority (by code or id), other roles none.

    A ``temporary`` password (an administrator's, given to the person) must be changed at the first sign-in.

    ``actor`` is the administrator acting through the web (``policy.can_manage_users``); the command line,
    run by whoever operates the machine, passes none.
    """
    _check_actor(actor)
    if role not in set(Role):
        raise ServiceError(_("Unknown role %(role)s; expected one of: %(roles)s.", role=repr(role),
                             roles=", ".join(Role)), field="role")
    try:
        email = email_address.normalise(email)
    except email_address.InvalidEmail as error:
        raise ServiceError(_("%(email)s is not an e-mail address the sign-in form accepts: %(error)s",
                             email=repr(email.strip()), error=error), field="email") from None
    _check_password(password)
    if locale not in LOCALES:
        raise ServiceError(_("Unknown language %(locale)s.", locale=repr(locale)), field="locale")
    authorities = _scope(session, role, authority_codes, authority_ids)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise ServiceError(_("A user with e-mail %(email)s already exists.", email=repr(email)), field="email")
    user = User(email=email, name=name.strip() or email, password_hash=generate_password_hash(password),
                role=role, locale=locale, must_change_password=temporary)
    session.add(user)
    session.flush()
    session.add_all(UserAuthority(user_id=user.id, authority_id=a.id) for a in authorities)
    session.flush()
    return user


#: The languages an account may prefer (the interface's).
LOCALES = ("uk", "en")


def update_user(*, session: Session, user: User, role: str, authority_codes: Iterable[str] = (),
                authority_ids: Iterable[int] = (), name: str | None = None, locale: str | None = None,
                actor: User | None = None) -> User:
    """Change an account's role and scope (and name or language); the same checks as creating one.

    Nobody changes their own role, and the last active administrator stays one. The user's sessions go on:
    the new role and scope hold from their next request.
    """
    _check_actor(actor)
    if role not in set(Role):
        raise ServiceError(_("Unknown role %(role)s; expected one of: %(roles)s.", role=repr(role),
                             roles=", ".join(Role)), field="role")
    if role != user.role and not policy.may_deactivate(actor, user):
        raise PermissionDenied(_("You cannot change your own role."), field="role")
    if locale is not None and locale not in LOCALES:
        raise ServiceError(_("Unknown language %(locale)s.", locale=repr(locale)), field="locale")
    authorities = _scope(session, role, authority_codes, authority_ids)
    _keep_an_administrator(session, user, active=user.is_active, role=role)
    user.role = role
    if name is not None:
        user.name = name.strip() or user.email
    if locale is not None:
        user.locale = locale
    wanted = {a.id for a in authorities}
    held = set(session.exec(select(UserAuthority.authority_id).where(UserAuthority.user_id == user.id)))
    if held - wanted:
        session.execute(delete(UserAuthority).where(UserAuthority.user_id == user.id,
                                                    UserAuthority.authority_id.in_(held - wanted)))
    session.add_all(UserAuthority(user_id=user.id, authority_id=a_id) for a_id in sorted(wanted - held))
    session.add(user)
    session.flush()
    return user


def _check_actor(actor: User | None) -> None:
    if actor is not None and not policy.can_manage_users(actor):
        raise PermissionDenied(_("Only administrators manage accounts."))


def _scope(session: Session, role: str, codes: Iterable[str], ids: Iterable[int]) -> list[Authority]:
    """The authorities a role is scoped to, checked: a planner needs one at least, other roles none."""
    codes = [code.strip() for code in codes if code.strip()]
    ids = sorted(set(ids))
    if role == Role.PLANNER and not codes and not ids:
        raise ServiceError(_("A planner needs at least one authority."), field="authority")
    if role != Role.PLANNER and (codes or ids):
        raise ServiceError(_("Only planners are scoped to authorities, not %(role)s.",
                             role=label("role", role)),
                           field="authority")
    found = _authorities_by_code(session, codes)
    if ids:
        by_id = {a.id: a for a in session.exec(select(Authority).where(Authority.id.in_(ids)))}
        if len(by_id) != len(ids):
            raise NotFound(_("Unknown authority."), field="authority")
        found += [a for a in by_id.values() if a not in found]
    return found


def _keep_an_administrator(session: Session, user: User, *, active: bool, role: str) -> None:
    """Refuse a change that leaves no active administrator.

    The active administrators' rows are read under a lock (PostgreSQL), so two administrators deactivating each
    other at once cannot both pass the count.
    """
    admins = session.exec(select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True))
                          .order_by(User.id).with_for_update()).all()
    if not policy.leaves_an_administrator(user, active_admins=len(admins), active=active, role=role):
        raise ServiceError(_("%(email)s is the last active administrator: make another one first.",
                              email=user.email))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(_("The password needs at least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
                           field="password")


def _authorities_by_code(session: Session, codes: Sequence[str]) -> list[Authority]:
    if not codes:
        return []
    found = {a.code: a for a in session.exec(select(Authority).where(Authority.code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise NotFound(_("Unknown authority code(s): %(codes)s", codes=", ".join(unknown)), field="authority")
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


def set_password(*, session: Session, user: User, password: str, temporary: bool = False) -> User:
    """Give ``user`` a new password; every session signed in before (the caller's too) is signed out.

    A ``temporary`` one (an administrator's reset) must be changed by its user at their next sign-in.
    """
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    user.must_change_password = temporary
    return end_sessions(session=session, user=user)


def reset_password(*, session: Session, user: User, password: str | None = None,
                   actor: User | None = None) -> str:
    """An administrator's reset: ``password`` or a generated one, temporary; returns it (shown once, stored
    only hashed). The user's sessions end, and they choose their own password when they next sign in."""
    _check_actor(actor)
    password = password or generate_password()
    set_password(session=session, user=user, password=password, temporary=True)
    return password


def generate_password() -> str:
    """A temporary password of 16 characters, easy to read out (no 0/O, 1/l/I)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _index in range(16))


def set_active(*, session: Session, user: User, active: bool, actor: User | None = None) -> User:
    """Let ``user`` sign in again, or no longer (their open sessions end at once).

    Nobody deactivates themselves, and the last active administrator stays active.
    """
    _check_actor(actor)
    if not active:
        if not policy.may_deactivate(actor, user):
            raise PermissionDenied(_("You cannot deactivate your own account."))
        _keep_an_administrator(session, user, active=False, role=user.role)
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
        raise NotFound(_("No account with e-mail %(email)s.", email=repr(email.strip())), field="email")
    return user


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)

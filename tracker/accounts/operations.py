"""Accounts: creating users with a role and a scope, checking passwords with a brake on guessing."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts.models import User, UserAuthority
from tracker.core.columns import utcnow
from tracker.core.errors import NotFound, ServiceError
from tracker.core.models import Authority
from tracker.core.vocab import Role

MIN_PASSWORD_LENGTH = 10


def create_user(*, session: Session, email: str, name: str, password: str, role: str,
                authority_codes: Iterable[str] = (), locale: str = "uk") -> User:
    """Create an account; a planner needs at least one authority, other roles none."""
    email = email.strip().lower()
    codes = [code.strip() for code in authority_codes if code.strip()]
    if role not in set(Role):
        raise ServiceError(f"unknown role {role!r}; expected one of: {', '.join(Role)}", field="role")
    if "@" not in email:
        raise ServiceError(f"{email!r} is not an e-mail address", field="email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if role == Role.PLANNER and not codes:
        raise ServiceError("a planner needs at least one authority (--authority CODE)", field="authority")
    if role != Role.PLANNER and codes:
        raise ServiceError(f"only planners are scoped to authorities, not {role}s", field="authority")
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise ServiceError(f"a user with e-mail {email!r} already exists", field="email")
    authorities = _authorities_by_code(session, codes)
    user = User(email=email, name=name.strip() or email, password_hash=generate_password_hash(password),
                role=role, locale=locale)
    session.add(user)
    session.flush()
    session.add_all(UserAuthority(user_id=user.id, authority_id=a.id) for a in authorities)
    session.flush()
    return user


def _authorities_by_code(session: Session, codes: Sequence[str]) -> list[Authority]:
    if not codes:
        return []
    found = {a.code: a for a in session.exec(select(Authority).where(Authority.code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise NotFound(f"unknown authority code(s): {', '.join(unknown)}", field="authority")
    return [found[code] for code in codes]


def scope_paths(*, session: Session, user: User) -> list[str]:
    """The materialised paths of the authorities a planner's role reaches."""
    query = (select(Authority.path).join(UserAuthority, UserAuthority.authority_id == Authority.id)
             .where(UserAuthority.user_id == user.id))
    return list(session.exec(query))


def scope_authorities(*, session: Session, user: User) -> list[Authority]:
    query = (select(Authority).join(UserAuthority, UserAuthority.authority_id == Authority.id)
             .where(UserAuthority.user_id == user.id).order_by(Authority.name_uk))
    return list(session.exec(query))


class LoginRefused(ServiceError):
    """Wrong credentials; deliberately vague about which part was wrong."""


class AccountLocked(LoginRefused):
    """Too many failures in a row; the account waits before it accepts any password."""


def authenticate(*, session: Session, email: str, password: str, max_failures: int,
                 lock_minutes: int, now: datetime | None = None) -> User:
    """Return the user whose credentials these are, or raise ``LoginRefused``.

    After ``max_failures`` wrong passwords in a row the account refuses every attempt, right or
    wrong, for ``lock_minutes``; the message does not say whether the e-mail exists.
    """
    now = now or utcnow()
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    refused = LoginRefused("wrong e-mail or password")
    if user is None or not user.is_active:
        # Spend the same time as a real check so timing does not reveal which e-mails exist.
        check_password_hash(_DUMMY_HASH, password)
        raise refused
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        raise AccountLocked("too many failed attempts; try again later")
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
        session.add(user)
        session.flush()
        raise refused
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    session.flush()
    return user


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone columns; they were written as UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)

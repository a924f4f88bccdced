"""The administrators' list of accounts: searched by name or e-mail, filtered by role, a page at a time."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, or_
from sqlmodel import Session, select

from tracker.accounts.models import User, UserAuthority
from tracker.core.collation import by_name
from tracker.core.models import Authority
from tracker.core.paging import Page
from tracker.core.vocab import AuthorityLevel, Role


def list_users(*, session: Session, text: str = "", role: str | None = None, page: int = 1,
               per_page: int = 25) -> Page:
    """Accounts by name, each with the authorities of its scope (three queries); a page past the last shows
    the last."""
    conditions = []
    text = text.strip()
    if text:
        # SQLite's lower() folds ASCII only: the name is also matched as typed, in lower case and capitalised,
        # which covers how Cyrillic names are written and searched for.
        variants = {text, text.lower(), text.capitalize()}
        conditions.append(or_(User.email.contains(text.lower(), autoescape=True),
                              *(User.name.contains(variant, autoescape=True) for variant in variants),
                              func.lower(User.name).contains(text.lower(), autoescape=True)))
    if role in set(Role):
        conditions.append(User.role == role)
    total = session.exec(select(func.count()).select_from(User).where(*conditions)).one()
    page = max(1, min(page, -(-total // per_page) or 1))
    users = list(session.exec(select(User).where(*conditions).order_by(User.name, User.id)
                              .offset((page - 1) * per_page).limit(per_page)))
    scopes = scopes_of(session=session, users=users)
    return Page(rows=[(user, scopes.get(user.id, [])) for user in users], total=total, page=page,
                per_page=per_page)


def scopes_of(*, session: Session, users: Sequence[User]) -> dict[int, list[Authority]]:
    """Each user's scope authorities, in alphabetical order (one query)."""
    ids = [user.id for user in users]
    if not ids:
        return {}
    found: dict[int, list[Authority]] = defaultdict(list)
    for user_id, authority in session.exec(
            select(UserAuthority.user_id, Authority).join(Authority, Authority.id == UserAuthority.authority_id)
            .where(UserAuthority.user_id.in_(ids))):
        found[user_id].append(authority)
    return {user_id: by_name(authorities) for user_id, authorities in found.items()}


#: A planner works for a body of government; settlements and city districts are places, not scopes.
SCOPE_LEVELS = (AuthorityLevel.NATIONAL, AuthorityLevel.OBLAST, AuthorityLevel.RAION, AuthorityLevel.HROMADA)


def scope_choices(*, session: Session, language: str = "uk") -> list[Authority]:
    """Every authority a planner may be scoped to, in alphabetical order of ``language``."""
    return by_name(session.exec(select(Authority).where(Authority.level.in_(SCOPE_LEVELS))), language)

"""The authority hierarchy: adding units, keeping their materialised paths, subtree queries — and the one
scope predicate every feature's policy builds on (``acts_for``), with its SQL twin (``scope_filter``).

"Who acts for an authority" is decided here once: an administrator for every authority, a planner for the
authorities in the subtrees of the authorities their account is scoped to, nobody else. Each feature's
``policy.py`` combines this with its own rules (who may see a need, who may sign off…).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, cast

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import Session, col, select

from tracker.core.collation import by_name
from tracker.core.errors import NotFound, ServiceError
from tracker.core.i18n import gettext as _
from tracker.core.models import Authority
from tracker.core.vocab import AuthorityLevel, Role


def path_for(parent: Authority | None, authority_id: int) -> str:
    """The materialised path of a unit with this id under ``parent`` (``/1/7/42/``)."""
    return f"{parent.path if parent else '/'}{authority_id}/"


def add_authority(*, session: Session, name_uk: str, level: str, parent: Authority | None = None,
                  code: str | None = None, name_en: str | None = None,
                  category: str | None = None) -> Authority:
    """Add one unit under ``parent`` and give it its path (the id is needed, hence the flush)."""
    if level not in set(AuthorityLevel):
        raise ServiceError(_("unknown authority level “%(level)s”", level=level), field="level")
    authority = Authority(code=code, level=level, category=category, name_uk=name_uk.strip(),
                          name_en=name_en.strip() if name_en else None,
                          parent_id=parent.id if parent else None)
    session.add(authority)
    session.flush()
    # The flush above made the database assign the id, so it is no longer None.
    authority.path = path_for(parent, cast(int, authority.id))
    session.flush()
    return authority


def get_by_code(*, session: Session, code: str) -> Authority:
    authority = session.exec(select(Authority).where(Authority.code == code)).first()
    if authority is None:
        raise NotFound(_("no authority with KATOTTG code “%(code)s”", code=code), field="authority")
    return authority


def subtree_filter(paths: Iterable[str]):
    """A SQL condition true for authorities at or beneath any of these paths (none: false)."""
    paths = list(paths)
    if not paths:
        return false()
    return or_(*[col(Authority.path).startswith(path, autoescape=True) for path in paths])


def is_within(authority: Authority, scope_paths: Sequence[str]) -> bool:
    """True when ``authority`` is one of the scopes or beneath one (pure, no query)."""
    return any(authority.path.startswith(path) for path in scope_paths)


class Actor(Protocol):
    """Whoever acts: a signed-in user (``accounts.models.User``), seen here only by role."""

    role: str


def acts_for(user: Actor | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """The one scope predicate: admins for every authority, planners within their scope's subtrees."""
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.PLANNER and is_within(authority, scope_paths)


def acts_above(user: Actor | None, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """Admins, and planners of an authority strictly above this one (an oblast for its hromadas)."""
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.PLANNER and any(
        authority.path != path and authority.path.startswith(path) for path in scope_paths)


def scope_filter(user: Actor | None, scope_paths: Sequence[str]) -> ColumnElement[bool] | None:
    """``acts_for`` in SQL, over ``Authority`` rows: None (no restriction) for admins, else the subtrees."""
    if user is not None and user.role == Role.ADMIN:
        return None
    if user is None or user.role != Role.PLANNER:
        return false()
    return subtree_filter(scope_paths)


def ancestors(*, session: Session, authority: Authority) -> list[Authority]:
    """The chain from the root down to ``authority``'s parent, in one query."""
    ids = [int(part) for part in authority.path.strip("/").split("/")[:-1] if part]
    if not ids:
        return []
    found = {a.id: a for a in session.exec(select(Authority).where(col(Authority.id).in_(ids)))}
    return [found[i] for i in ids if i in found]


def children(*, session: Session, authority: Authority | None) -> list[Authority]:
    parent_id = authority.id if authority else None
    return by_name(session.exec(select(Authority).where(Authority.parent_id == parent_id)))

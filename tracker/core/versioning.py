"""Optimistic locking for projects: every write raises the version, and only from the version seen.

``Project`` maps ``version`` as SQLAlchemy's version counter, so each UPDATE of a project row is
``… WHERE id = :id AND version = :loaded`` and raises the number. ``save_from_version`` checks the
version a form was loaded from, touches the project so the row is written even when only its child
rows changed, and turns a lost race into ``Conflict``.

The check reads the stored version under a row lock (``SELECT … FOR UPDATE``; SQLite serialises writers
itself), before any child row is written. So two saves of one project queue on the project row, always in
the same order — project first, then its children — and the second is refused with the differences
instead of colliding with the first one's rows (a unique violation) or deadlocking against it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import inspect, select
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from tracker.core.columns import utcnow
from tracker.core.errors import Conflict

Differences = Callable[[], dict]


class Versioned(Protocol):
    """A row mapped with SQLAlchemy's version counter (a project, or anything edited the same way)."""

    id: int | None
    reference: str
    version: int
    updated_at: datetime


def check_version(*, project: Versioned, expected_version: int, differences: Differences = dict) -> None:
    """Refuse early, before anything is changed, when the project is already past the form's version.

    ``differences()`` describes what the person would overwrite ({field: (saved, submitted)}); it is
    called only on a conflict, so it may read the stored state.
    """
    current = _locked_version(project)
    if current != expected_version:
        raise _conflict(project, expected_version, differences(), current)


def _locked_version(project: Versioned) -> int:
    """The stored version, read under a row lock held to the end of the transaction (a new row: its own)."""
    session = object_session(project)
    state = inspect(project)
    if session is None or project.id is None or not state.persistent:
        return project.version
    model: Any = type(project)  # a mapped class: its attributes are columns here, not plain values
    with session.no_autoflush:
        stored = session.execute(select(model.version).where(model.id == project.id)
                                 .with_for_update()).scalar_one_or_none()
    return project.version if stored is None else stored


def save_from_version(*, session: Session, project: Versioned, expected_version: int,
                      differences: Differences = dict) -> None:
    """Flush the pending changes of ``project`` (and anything else pending) as version + 1, or raise Conflict."""
    check_version(project=project, expected_version=expected_version, differences=differences)
    project.updated_at = utcnow()
    session.add(project)
    try:
        session.flush()
    except StaleDataError:
        # Someone committed between our read and our write; the transaction cannot continue.
        session.rollback()
        session.refresh(project)
        raise _conflict(project, expected_version, differences(), project.version) from None


def _conflict(project: Versioned, expected_version: int, changes: dict, current_version: int) -> Conflict:
    return Conflict(
        f"project {project.reference} was changed by someone else (version {current_version}, "
        f"your form was for version {expected_version}); nothing was saved",
        current_version=current_version, changes=changes)

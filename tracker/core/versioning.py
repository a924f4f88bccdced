"""Optimistic locking for projects: every write raises the version, and only from the version seen.

``Project`` maps ``version`` as SQLAlchemy's version counter, so each UPDATE of a project row is
``… WHERE id = :id AND version = :loaded`` and raises the number. ``save_from_version`` checks the
version a form was loaded from, touches the project so the row is written even when only its child
rows changed, and turns a lost race into ``Conflict``.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from tracker.core.columns import utcnow
from tracker.core.errors import Conflict

Differences = Callable[[], dict]


class Versioned(Protocol):
    """A row mapped with SQLAlchemy's version counter (a project, or anything edited the same way)."""

    reference: str
    version: int
    updated_at: datetime


def check_version(*, project: Versioned, expected_version: int, differences: Differences = dict) -> None:
    """Refuse early, before anything is changed, when the project is already past the form's version.

    ``differences()`` describes what the person would overwrite ({field: (saved, submitted)}); it is
    called only on a conflict, so it may read the stored state.
    """
    if project.version != expected_version:
        raise _conflict(project, expected_version, differences())


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
        raise _conflict(project, expected_version, differences()) from None


def _conflict(project: Versioned, expected_version: int, changes: dict) -> Conflict:
    return Conflict(
        f"project {project.reference} was changed by someone else (version {project.version}, "
        f"your form was for version {expected_version}); nothing was saved",
        current_version=project.version, changes=changes)

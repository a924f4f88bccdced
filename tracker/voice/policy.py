"""Who may do what with citizens' items; the views, services and list queries all ask these.

- Anyone may submit an item on a public project (no account: the e-mail confirmation is the check).
- Moderators and admins work the queue: publish, or hide with a reason; they may also hide an item already
  published, later, with a reason from the same list.
- The project's planners (its authority or one above it) and admins answer in public: the projects policy
  decides, so "responsible planner" means exactly what editing the project means.
- Auditors raise an audit finding from a confirmed complaint (once), linked both ways.
- Everyone sees published items, and of a hidden item only that it was hidden and why.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlmodel import col

from tracker.accounts.models import User
from tracker.core.models import Authority
from tracker.core.vocab import Role, VoiceKind, VoiceState
from tracker.projects.models import Project
from tracker.projects.policy import can_edit_project
from tracker.voice.models import CitizenItem

MODERATORS = (Role.ADMIN, Role.MODERATOR)
#: States the public sees: a published item in full, a hidden one as its reason.
PUBLIC_STATES = (VoiceState.PUBLISHED, VoiceState.HIDDEN)
ANSWERABLE = (VoiceKind.QUESTION, VoiceKind.COMMENT, VoiceKind.COMPLAINT)


def can_submit(project: Project) -> bool:
    return project.is_public


def can_moderate(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in MODERATORS


def can_hide_published(user: User | None, item: CitizenItem) -> bool:
    """A moderator or admin takes down a published item (its reason is then shown in its place)."""
    return can_moderate(user) and item.state == VoiceState.PUBLISHED


def can_answer(user: User | None, item: CitizenItem, authority: Authority, scope_paths: Sequence[str]) -> bool:
    """A published question, comment or complaint, by whoever may edit the project."""
    return (item.state == VoiceState.PUBLISHED and item.kind in ANSWERABLE
            and can_edit_project(user, authority, scope_paths))


def can_see(item: CitizenItem) -> bool:
    return item.state in PUBLIC_STATES


def public_items() -> ColumnElement[bool]:
    """``can_see`` in SQL."""
    return col(CitizenItem.state).in_([state.value for state in PUBLIC_STATES])


def can_raise_finding(user: User | None, item: CitizenItem) -> bool:
    """An auditor, on a confirmed complaint that has no finding yet."""
    return (user is not None and user.role == Role.AUDITOR and item.kind == VoiceKind.COMPLAINT
            and item.state in (VoiceState.AWAITING_MODERATION, VoiceState.PUBLISHED) and item.finding_id is None)

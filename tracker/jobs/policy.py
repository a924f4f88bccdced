"""Who may see and stop a job: the person who started it, and administrators (every job)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, true
from sqlmodel import col

from tracker.accounts.models import User
from tracker.core.vocab import Role
from tracker.jobs.models import Job

#: Roles that start jobs (imports, reports, exports, re-evaluation) and so have a jobs page.
JOB_ROLES = (Role.ADMIN, Role.PLANNER, Role.AUDITOR)


def can_view_job(user: User | None, job: Job) -> bool:
    if user is None:
        return False
    return user.role == Role.ADMIN or (job.started_by_id is not None and job.started_by_id == user.id)


def can_cancel_job(user: User | None, job: Job) -> bool:
    return can_view_job(user, job) and not job.state.finished


def visible_jobs(user: User | None) -> ColumnElement[bool]:
    """The SQL twin of ``can_view_job``, for the jobs list."""
    if user is not None and user.role == Role.ADMIN:
        return true()
    if user is None:
        return col(Job.id).is_(None)
    return col(Job.started_by_id) == user.id

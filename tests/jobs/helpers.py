"""What the job tests share: submitting a job, reading it back, counting what a test kind wrote."""
from __future__ import annotations

from sqlalchemy import func, select

from tracker.core.db import session_scope
from tracker.core.models import Organisation
from tracker.jobs import runner
from tracker.jobs.models import Job


def submit(app, kind, **params) -> int:
    with app.app_context(), session_scope(app) as session:
        return runner.submit(session=session, kind=kind, params=params).id


def read_job(app, job_id) -> Job:
    with app.app_context(), session_scope(app) as session:
        return session.get(Job, job_id)


def organisations(app, name) -> int:
    with app.app_context(), session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(Organisation).where(Organisation.name == name))

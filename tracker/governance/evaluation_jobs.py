"""Evaluating many projects as a job: after a bulk import, and the whole portfolio after a rule or setting change.

The job commits one batch at a time: an evaluation is derived from data that is already committed, so a batch
kept after an interruption is correct, and no transaction holds the database for the whole portfolio (other
people's saves go on between batches). A retried job simply evaluates again.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.transactions import is_retryable, sqlstate
from tracker.governance.evaluations import TRIGGER_CHANGE, TRIGGER_MANUAL, evaluate_and_store
from tracker.jobs import runner
from tracker.jobs.models import Job
from tracker.jobs.registry import job_kind
from tracker.projects.models import Project

EVALUATE = "rules.evaluate"
#: Projects a transaction: enough to amortise loading the facts, few enough that its writes hold the audit trail
#: (and, on SQLite, the one writer) for a small fraction of a second.
BATCH = 100
#: Attempts of one batch the database aborted (a deadlock, a serialisation failure) before the job fails.
BATCH_ATTEMPTS = 4

log = logging.getLogger(__name__)


def submit_evaluation(*, session: Session, project_ids: Iterable[int] | None, started_by_id: int | None,
                      send: bool = True) -> Job:
    """Queue the evaluation of ``project_ids`` (None: every project) once ``session`` commits."""
    params = {"project_ids": sorted(set(project_ids)) if project_ids is not None else None,
              "trigger": TRIGGER_CHANGE if project_ids is not None else TRIGGER_MANUAL}
    return runner.submit(session=session, kind=EVALUATE, params=params, started_by_id=started_by_id, send=send)


@job_kind(EVALUATE, _l("Evaluation of projects against the rules"), max_attempts=3)
def evaluate(context: runner.JobContext) -> None:
    session = context.session
    wanted = context.params.get("project_ids")
    ids = list(wanted) if wanted is not None else list(session.exec(select(Project.id).order_by(Project.id)))
    rules = context.app.extensions["tracker.rules"]
    trigger = context.params.get("trigger") or TRIGGER_MANUAL
    context.progress(done=0, total=len(ids), message=_("Evaluating %(count)d projects…", count=len(ids)))
    evaluated = 0
    for start in range(0, len(ids), BATCH):
        evaluated += _evaluate_batch(context, ids[start:start + BATCH], rules, trigger)
        context.progress(done=min(start + BATCH, len(ids)))
    context.set_result(summary={"evaluated": evaluated})


def _evaluate_batch(context: runner.JobContext, batch: list[int], rules, trigger: str) -> int:
    """Evaluate and keep one batch, in one transaction; run again when the database gave up on it.

    ``evaluate_and_store`` locks the batch's projects in ascending id before reading their facts, so people's
    edits wait for the batch (or the batch for them) and a result describes what was committed. Should the
    database still abort the batch (a deadlock with some other order of locks, a serialisation failure, SQLite's
    busy writer lock), nothing of it was written: it is rolled back and evaluated again from the start, at most
    ``BATCH_ATTEMPTS`` times, before the job fails (and is retried whole by the runner).
    """
    session = context.session
    for attempt in range(1, BATCH_ATTEMPTS + 1):
        try:
            projects = list(session.exec(select(Project).where(Project.id.in_(batch)).order_by(Project.id)))
            stored = evaluate_and_store(session=session, projects=projects, context=rules, trigger=trigger,
                                        actor_id=context.started_by_id)
            context.keep()  # one batch a transaction (see the module docstring)
            return len(stored)
        except DBAPIError as error:
            session.rollback()
            if not is_retryable(error) or attempt == BATCH_ATTEMPTS:
                raise
            log.info("evaluation job %s: batch from project %s aborted by the database (%s), attempt %d",
                     context.job_id, batch[0], sqlstate(error) or "a busy database", attempt)
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")  # pragma: no cover

"""Evaluating many projects as a job: after a bulk import, and the whole portfolio after a rule or setting change.

The job commits one batch at a time: an evaluation is derived from data that is already committed, so a batch
kept after an interruption is correct, and no transaction holds the database for the whole portfolio (other
people's saves go on between batches). A retried job simply evaluates again.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.governance.evaluations import TRIGGER_CHANGE, TRIGGER_MANUAL, evaluate_and_store
from tracker.jobs import runner
from tracker.jobs.models import Job
from tracker.jobs.registry import job_kind
from tracker.projects.models import Project

EVALUATE = "rules.evaluate"
#: Projects a transaction: enough to amortise loading the facts, few enough that its writes hold the audit trail
#: (and, on SQLite, the one writer) for a small fraction of a second.
BATCH = 100


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
        projects = list(session.exec(select(Project).where(Project.id.in_(ids[start:start + BATCH]))
                                     .order_by(Project.id)))
        evaluated += len(evaluate_and_store(session=session, projects=projects, context=rules, trigger=trigger,
                                            actor_id=context.started_by_id))
        context.keep()  # one batch a transaction (see the module docstring)
        context.progress(done=min(start + BATCH, len(ids)))
    context.set_result(summary={"evaluated": evaluated})

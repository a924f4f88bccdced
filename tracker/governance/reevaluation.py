"""Re-evaluate a project whenever its data changes, whatever path changed it (web, CLI, CSV import).

A session that carries a rule context (``attach``) notes, at each flush, the projects whose data changed —
rows of the tables in ``planning.registry`` that feed the rules, plus the rule inputs other features register
(the auditors' manual marks); just before it commits, it evaluates those projects and stores the results in
the same transaction. Rows that are not project data (followers, needs, partnerships…) re-evaluate nothing.
Changes made with bulk UPDATE statements call ``note_changed`` themselves; a service that has just stored an
evaluation of the current data (a stage move stores the gate's) calls ``note_evaluated`` so that it is not
evaluated a second time. A session marked ``core.db.evaluate_later`` (a bulk import) does not evaluate before
it commits: it queues one evaluation job for the projects it changed (``evaluation_jobs``), in the same
transaction. Rows written by ``core.bulk.insert_rows`` are noted as a flush's are.

Before a flush writes a project's data, the projects concerned are locked (in ascending id): the evaluation at
commit locks them anyway, and taking them first keeps every writer in the one lock order (``core.locking``).
"""
from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session, select

from tracker.core import bulk
from tracker.core.db import EVALUATE_LATER_HOLD, EVALUATE_LATER_KEY, actor_of
from tracker.core.locking import lock_ids
from tracker.governance.evaluation_jobs import submit_evaluation
from tracker.governance.evaluations import TRIGGER_CHANGE, evaluate_and_store
from tracker.governance.rule_context import RuleContext
from tracker.planning import registry
from tracker.projects.models import Project

_CONTEXT_KEY = "rule_context"
_CHANGED_KEY = "changed_projects"
#: Models whose rows feed the rules: the project's data, and what features above register (``register_input``).
_rule_inputs: list[type] = list(registry.RULE_INPUT_MODELS)


def register_input(model: type) -> type:
    """Make changes to ``model``'s rows (which carry a ``project_id``) re-evaluate their project."""
    if model not in _rule_inputs:
        _rule_inputs.append(model)
    return model


def attach(session: Session, context: RuleContext | None) -> None:
    """Make ``session`` re-evaluate changed projects before it commits."""
    session.info[_CONTEXT_KEY] = context


def attach_key() -> str:
    """The ``session.info`` key under which a session carries its rule context."""
    return _CONTEXT_KEY


def note_changed(session: Session, project_id: int) -> None:
    session.info.setdefault(_CHANGED_KEY, set()).add(project_id)


def note_evaluated(session: Session, project_id: int) -> None:
    """The project's latest evaluation, just stored, describes its data as flushed: do not evaluate it again."""
    session.info.get(_CHANGED_KEY, set()).discard(project_id)


def _project_of(instance) -> int | None:
    if isinstance(instance, Project):
        return instance.id
    if isinstance(instance, tuple(_rule_inputs)):
        return getattr(instance, "project_id", None)
    return None


@event.listens_for(Session, "before_flush")
def _lock_projects_first(session: Session, _flush_context, _instances) -> None:
    """Lock the projects whose data this flush writes before it writes anything (the one lock order).

    The commit re-evaluates them under their row lock, and the flush itself takes the audit trail's head and
    a key-share lock on each project its new rows point at. Taking the project rows only at the commit, two
    transactions writing data of one project (two auditors' marks) would each hold what the other waits for.
    Edits through ``core.versioning`` hold their project already; locking it again costs one indexed read.
    """
    if session.info.get(_CONTEXT_KEY) is None:
        return
    ids = {project_id for instance in (*session.new, *session.dirty, *session.deleted)
           if (project_id := _project_of(instance)) is not None}
    if ids:
        lock_ids(session, Project, ids)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _flush_context) -> None:
    if session.info.get(_CONTEXT_KEY) is None:
        return
    for instance in (*session.new, *session.dirty, *session.deleted):
        project_id = _project_of(instance)
        if project_id is not None:
            note_changed(session, project_id)


@bulk.observe
def _collect_bulk(session: Session, inserted: bulk.Inserted) -> None:
    if session.info.get(_CONTEXT_KEY) is None or inserted.model not in _rule_inputs:
        return
    key = "id" if inserted.model is Project else "project_id"
    for row in inserted.rows:
        note_changed(session, row[key])


@event.listens_for(Session, "before_commit")
def _reevaluate(session: Session) -> None:
    context = session.info.get(_CONTEXT_KEY)
    if context is None:
        return
    session.flush()  # so that changes made since the last flush are noted too
    if session.info.get(EVALUATE_LATER_KEY) == EVALUATE_LATER_HOLD:
        return  # the projects noted so far wait for the commit that ends the hold
    changed = session.info.pop(_CHANGED_KEY, set())
    if not changed:
        return
    if session.info.get(EVALUATE_LATER_KEY):
        submit_evaluation(session=session, project_ids=changed, started_by_id=actor_of(session))
        session.flush()
        return
    projects = list(session.exec(select(Project).where(Project.id.in_(changed)).order_by(Project.id)))
    if projects:
        evaluate_and_store(session=session, projects=projects, context=context, trigger=TRIGGER_CHANGE,
                           actor_id=actor_of(session))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED_KEY, None)

"""The change history: every change to a project's data, recorded field by field, on every path.

Recording hangs off the session, not the views, so the web forms, the CLI and the CSV import are all
covered without each remembering to call something:

* ``after_flush`` (ORM writes): for each new, changed or deleted object of a tracked class, one
  ``ChangeRecord`` per changed column (``update``), or one summary row (``create``/``delete``). It runs
  after the INSERTs, so new rows already have their ids, while attribute history is still intact. The
  records are added to the session and written by the next flush (commit flushes until clean).
* ``do_orm_execute`` (``UPDATE project ... WHERE id = …`` statements written outside the unit of work,
  which ``after_flush`` cannot see): the old values are read before the statement runs and recorded
  only if it updated the row.
* ``core.bulk`` observer (multi-row inserts, the CSV import's): one ``create`` record per new row of a tracked
  table, written as one more multi-row insert.

The actor is the session's (``tracker.core.db.set_actor``); ``None`` means the system.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, or_
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlmodel import Session, select

from tracker.core import bulk
from tracker.core.db import actor_of
from tracker.planning import registry
from tracker.planning.document_models import Document
from tracker.planning.history_models import ChangeRecord
from tracker.projects.models import Project

#: Bookkeeping columns: their changes are a consequence of a change, not one in themselves.
#: ``reference`` is set once, right after the insert that gives the id it is made from.
IGNORED = frozenset({"id", "project_id", "version", "updated_at", "created_at", "uploaded_at", "reference"})


def as_text(value: Any) -> str | None:
    """A value as history shows it: ISO dates, plain decimals, true/false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _project_id(obj) -> int | None:
    return obj.id if isinstance(obj, Project) else getattr(obj, "project_id", None)


def _record(session: OrmSession, obj, action: str, field: str | None = None, old=None, new=None) -> None:
    project_id = _project_id(obj)
    if project_id is None:
        return
    session.add(ChangeRecord(project_id=project_id, actor_id=actor_of(session), entity=obj.__tablename__,
                             entity_id=obj.id, action=action, field=field,
                             old_value=as_text(old), new_value=as_text(new)))


def _summary(obj) -> Any:
    """What names the row in a create/delete entry; stage records (one per project) need no name."""
    table = registry.table_of(obj)
    column = table.summary_field if table else None
    return getattr(obj, column, None) if column else None


def _updates(session: OrmSession, obj) -> None:
    state = inspect(obj)
    for attribute in state.mapper.column_attrs:
        if attribute.key in IGNORED:
            continue
        history = state.attrs[attribute.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            _record(session, obj, "update", attribute.key, old, new)


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _flush_context) -> None:
    for obj in session.new:
        if isinstance(obj, registry.PROJECT_MODELS):
            _record(session, obj, "create", None, None, _summary(obj))
    for obj in session.dirty:
        if isinstance(obj, registry.PROJECT_MODELS) and session.is_modified(obj, include_collections=False):
            _updates(session, obj)
    for obj in session.deleted:
        if isinstance(obj, registry.PROJECT_MODELS) and not isinstance(obj, Project):
            _record(session, obj, "delete", None, _summary(obj), None)


@bulk.observe
def _bulk_created(session: OrmSession, inserted: bulk.Inserted) -> None:
    table = registry.BY_NAME.get(inserted.table.name)
    if table is None:
        return
    actor, is_project = actor_of(session), table.model is Project
    summary = table.summary_field
    bulk.insert_rows(session, ChangeRecord, [  # type: ignore[arg-type]
        {"project_id": row["id"] if is_project else row["project_id"], "actor_id": actor,
         "entity": inserted.table.name, "entity_id": row["id"], "action": "create",
         "new_value": as_text(row.get(summary)) if summary else None}
        for row in inserted.rows])


@event.listens_for(OrmSession, "do_orm_execute")
def _bulk_project_update(execute_state) -> Any:
    """Record UPDATE statements on one project row (see the module docstring)."""
    if not execute_state.is_update:
        return None
    statement = execute_state.statement
    if getattr(statement, "table", None) is None or statement.table.name != Project.__tablename__:
        return None
    if not statement._values:  # an UPDATE by primary key of many rows (only bulk creation's references)
        return None
    project_id = _where_id(statement._where_criteria)
    values = {getattr(column, "key", column): bind.value for column, bind in statement._values.items()
              if isinstance(bind, BindParameter)}
    fields = [name for name in values if name not in IGNORED]
    if project_id is None or not fields:
        return None
    session = execute_state.session
    old = session.execute(select(*(getattr(Project, name) for name in fields))
                          .where(Project.id == project_id)).first()
    result = execute_state.invoke_statement()
    if old is not None and result.rowcount == 1:
        for name, before in zip(fields, old, strict=True):
            if before != values[name]:
                session.add(ChangeRecord(project_id=project_id, actor_id=actor_of(session), entity="project",
                                         entity_id=project_id, action="update", field=name,
                                         old_value=as_text(before), new_value=as_text(values[name])))
    return result


def _where_id(criteria: Iterable) -> int | None:
    """The literal id of ``WHERE project.id = :id`` among the statement's criteria, if there is one."""
    for criterion in criteria:
        if (isinstance(criterion, BinaryExpression) and getattr(criterion.left, "key", None) == "id"
                and isinstance(criterion.right, BindParameter) and criterion.operator.__name__ == "eq"):
            return criterion.right.value
    return None


def project_history(*, session: Session, project: Project, limit: int = 200,
                    include_restricted: bool = True) -> list[tuple[ChangeRecord, str | None]]:
    """The project's latest changes, newest first, with the name of who made each (one query).

    Without ``include_restricted``, changes to documents that are not public now (restricted or
    removed) are left out: their titles and names must not reach the public through the history.
    """
    from tracker.accounts.models import User

    query = (select(ChangeRecord, User.name).outerjoin(User, User.id == ChangeRecord.actor_id)
             .where(ChangeRecord.project_id == project.id))
    if not include_restricted:
        public_documents = select(Document.id).where(Document.project_id == project.id, Document.is_public.is_(True))
        query = query.where(or_(ChangeRecord.entity != Document.__tablename__,
                                ChangeRecord.entity_id.in_(public_documents)))
    query = query.order_by(ChangeRecord.changed_at.desc(), ChangeRecord.id.desc()).limit(limit)
    return list(session.exec(query))


def install() -> None:
    """Nothing to do: importing this module registers the listeners; callers import it to be explicit."""

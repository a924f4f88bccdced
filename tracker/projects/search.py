"""Search over projects: each project's words kept folded in ``project_search``, and the list's text condition.

Kept on every write path, like the change history: a flush that creates a project or changes a searched field
(titles, descriptions, authority) rewrites its row; a bulk insert of projects (the CSV import) writes
theirs in one statement; an authority renamed rewrites its projects' rows. The row is derived from logged rows by
a pure function, so the audit trail leaves it out (``audit.trail.DERIVED``) and the change history never sees it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import and_, bindparam, event, inspect, or_, select, update
from sqlalchemy.orm import Session as OrmSession

from tracker.core import bulk, search_text
from tracker.core.db import insert_ignoring_conflict
from tracker.core.models import Authority
from tracker.projects.models import Project, ProjectSearch

#: The project's own fields search reads (and its reference, matched on the project: see ``matching``), and its
#: authority's.
PROJECT_FIELDS = ("title_uk", "title_en", "description_uk", "description_en", "authority_id")
AUTHORITY_FIELDS = ("name_uk", "name_en")
_TABLE: Any = ProjectSearch.__table__
_PROJECT: Any = Project.__table__


def matching(query: str):
    """The condition "the project's words hold every word of ``query`` in one of its forms, or its reference
    holds the query", or None when the query has no words."""
    patterns = search_text.patterns(query)
    if not patterns:
        return None
    words = _TABLE.c.words
    by_words = Project.id.in_(select(_TABLE.c.project_id).where(
        and_(*(or_(*(words.like(pattern, escape="\\") for pattern in forms)) for forms in patterns))))
    # References are ASCII (VID-2026-000123), which ILIKE folds on both databases; they are set after the row
    # is inserted, so they are matched on the project itself rather than kept among its words.
    return or_(by_words, Project.reference.ilike(f"%{query.strip()}%", escape="\\")) \
        if query.strip().isascii() else by_words


def words_of(project: Mapping[str, Any], authority: Mapping[str, Any] | None) -> str:
    """The stored words of a project (its column values) and its authority's."""
    authority = authority or {}
    return search_text.document(*(project.get(name) for name in PROJECT_FIELDS if name != "authority_id"),
                                *(authority.get(name) for name in AUTHORITY_FIELDS))


def rewrite(connection, project_ids: Iterable[int]) -> None:
    """Write the search rows of these projects afresh from what is stored now (on the flush's connection)."""
    ids = sorted(set(project_ids))
    for start in range(0, len(ids), 500):
        rows = connection.execute(
            select(*(_PROJECT.c[name] for name in PROJECT_FIELDS), _PROJECT.c.id,
                   *(Authority.__table__.c[name].label(f"authority_{name}") for name in AUTHORITY_FIELDS))
            .join(Authority.__table__, Authority.__table__.c.id == _PROJECT.c.authority_id)
            .where(_PROJECT.c.id.in_(ids[start:start + 500]))).mappings().all()
        _store(connection, [(row["id"], words_of(row, {name: row[f"authority_{name}"] for name in AUTHORITY_FIELDS}))
                            for row in rows])


def _store(connection, words: list[tuple[int, str]]) -> None:
    """Upsert: existing rows updated, missing ones inserted (a project created before this table existed)."""
    if not words:
        return
    connection.execute(update(_TABLE).where(_TABLE.c.project_id == bindparam("_id")).values(words=bindparam("_words")),
                       [{"_id": project_id, "_words": text} for project_id, text in words])
    ids = [project_id for project_id, _words in words]
    present = set(connection.execute(select(_TABLE.c.project_id).where(_TABLE.c.project_id.in_(ids))).scalars())
    missing = [{"project_id": project_id, "words": text} for project_id, text in words if project_id not in present]
    if missing:
        connection.execute(insert_ignoring_conflict(connection.dialect.name, _TABLE), missing)


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _flush_context) -> None:
    changed = {obj.id for obj in session.new if isinstance(obj, Project)}
    changed |= {obj.id for obj in session.dirty
                if isinstance(obj, Project) and _searched_changed(obj, PROJECT_FIELDS)}
    renamed = [obj.id for obj in session.dirty
               if isinstance(obj, Authority) and _searched_changed(obj, AUTHORITY_FIELDS)]
    connection = session.connection()
    if renamed:
        changed |= set(connection.execute(select(_PROJECT.c.id).where(_PROJECT.c.authority_id.in_(renamed))).scalars())
    if changed:
        rewrite(connection, changed)


def _searched_changed(obj, fields: tuple[str, ...]) -> bool:
    attributes = inspect(obj).attrs
    return any(attributes[name].history.has_changes() for name in fields)


@bulk.observe
def _bulk_projects(session: OrmSession, inserted: bulk.Inserted) -> None:
    if inserted.model is not Project:
        return
    connection = session.connection()
    authority_ids = {row["authority_id"] for row in inserted.rows}
    authorities = {row.id: row._mapping for row in connection.execute(
        select(Authority.__table__.c.id, *(Authority.__table__.c[name] for name in AUTHORITY_FIELDS))
        .where(Authority.__table__.c.id.in_(authority_ids)))}
    connection.execute(insert_ignoring_conflict(connection.dialect.name, _TABLE),
                       [{"project_id": row["id"], "words": words_of(row, authorities.get(row["authority_id"]))}
                        for row in inserted.rows])

"""Search over projects: each project's words kept folded in ``project_search``, the list's text condition, its
ranking, and the codes the lists sort names by.

Kept on every write path, like the change history: a flush that creates a project or changes a searched field
(titles, descriptions, authority) rewrites its row; a bulk insert of projects (the CSV import) writes
theirs in one statement; an authority renamed rewrites its projects' rows. Other tables a project is found by
(its parties' organisations here; contracts, registered by planning, which owns them) are declared with
``register_source`` and kept the same way. The row is derived from logged rows by pure functions, so the audit
trail leaves it out (``audit.trail.DERIVED``) and the change history never sees it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, event, inspect, or_, select, update
from sqlalchemy.orm import Session as OrmSession

from tracker.core import bulk, search_text
from tracker.core.collation import sort_code
from tracker.core.db import insert_ignoring_conflict
from tracker.core.models import Authority, Organisation
from tracker.projects.models import Project, ProjectParty, ProjectSearch

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


def rank(query: str):
    """How well a matching project fits ``query``, for ordering: the number of its words found in the titles
    (a project named after what was asked comes before one that mentions it in passing)."""
    titles = _TABLE.c.title_words
    found = [case((or_(*(titles.like(pattern, escape="\\") for pattern in forms)), 1), else_=0)
             for forms in search_text.patterns(query)]
    return sum(found[1:], found[0]) if found else None


def name_code(language: str):
    """The column lists sort by name in ``language`` (the Ukrainian title where a project has no English one)."""
    return _TABLE.c.name_code_en if language == "en" else _TABLE.c.name_code_uk


@dataclass(frozen=True)
class WordSource:
    """Rows of another table a project is found by: which of their fields count, which projects they belong
    to, and their texts for given projects."""

    model: type
    fields: tuple[str, ...]
    #: The rows' project ids: from their ``project_id``, or (rows that belong to no one project, such as an
    #: organisation) through this query on the ids of the rows.
    linked: Callable[[Any, list[int]], set[int]] | None
    texts: Callable[[Any, list[int]], Mapping[int, list[str | None]]]


SOURCES: list[WordSource] = []


def register_source(model: type, *, fields: tuple[str, ...],
                    texts: Callable[[Any, list[int]], Mapping[int, list[str | None]]] | None = None,
                    linked: Callable[[Any, list[int]], set[int]] | None = None) -> None:
    """Find projects by the text of ``model``'s rows too. ``texts(connection, project_ids)`` answers each
    project's texts from that table; a model without ``project_id`` names its projects through ``linked``
    (and may leave ``texts`` to another source, as organisations leave theirs to the parties)."""
    SOURCES.append(WordSource(model, fields, linked, texts or (lambda _connection, _ids: {})))


def words_of(project: Mapping[str, Any], authority: Mapping[str, Any] | None, *more: str | None) -> str:
    """The stored words of a project (its column values), its authority's and ``more`` texts of it."""
    authority = authority or {}
    return search_text.document(*(project.get(name) for name in PROJECT_FIELDS if name != "authority_id"),
                                *(authority.get(name) for name in AUTHORITY_FIELDS), *more)


def search_row(project: Mapping[str, Any], authority: Mapping[str, Any] | None,
               more: Iterable[str | None] = ()) -> dict:
    """A project's whole ``project_search`` row but its id."""
    return {"words": words_of(project, authority, *more),
            "title_words": search_text.document(project.get("title_uk"), project.get("title_en")),
            "name_code_uk": sort_code(project.get("title_uk")),
            "name_code_en": sort_code(project.get("title_en") or project.get("title_uk"), "en")}


def rewrite(connection, project_ids: Iterable[int]) -> None:
    """Write the search rows of these projects afresh from what is stored now (on the flush's connection)."""
    ids = sorted(set(project_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = connection.execute(
            select(*(_PROJECT.c[name] for name in PROJECT_FIELDS), _PROJECT.c.id,
                   *(Authority.__table__.c[name].label(f"authority_{name}") for name in AUTHORITY_FIELDS))
            .join(Authority.__table__, Authority.__table__.c.id == _PROJECT.c.authority_id)
            .where(_PROJECT.c.id.in_(chunk))).mappings().all()
        more = _more_texts(connection, chunk)
        _store(connection, [(row["id"], search_row(row, {name: row[f"authority_{name}"] for name in AUTHORITY_FIELDS},
                                                   more.get(row["id"], ())))
                            for row in rows])


def _more_texts(connection, project_ids: list[int]) -> dict[int, list[str | None]]:
    found: dict[int, list[str | None]] = defaultdict(list)
    for source in SOURCES:
        for project_id, texts in source.texts(connection, project_ids).items():
            found[project_id].extend(texts)
    return found


def _store(connection, rows: list[tuple[int, dict]]) -> None:
    """Upsert: existing rows updated, missing ones inserted (a project created before this table existed)."""
    if not rows:
        return
    columns = tuple(rows[0][1])
    connection.execute(update(_TABLE).where(_TABLE.c.project_id == bindparam("_id"))
                       .values({name: bindparam(f"_{name}") for name in columns}),
                       [{"_id": project_id, **{f"_{name}": row[name] for name in columns}} for project_id, row in rows])
    ids = [project_id for project_id, _row in rows]
    present = set(connection.execute(select(_TABLE.c.project_id).where(_TABLE.c.project_id.in_(ids))).scalars())
    missing = [{"project_id": project_id, **row} for project_id, row in rows if project_id not in present]
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
    for source in SOURCES:
        touched = [obj for obj in session.new | session.deleted if isinstance(obj, source.model)]
        touched += [obj for obj in session.dirty
                    if isinstance(obj, source.model) and _searched_changed(obj, source.fields)]
        # the attributes as the flush left them (no load: a deleted row cannot be read again)
        changed |= _projects_of(connection, source, [inspect(obj).dict for obj in touched])
    if changed:
        rewrite(connection, changed)


def _projects_of(connection, source: WordSource, rows: list[Mapping[str, Any]]) -> set[int]:
    if not rows:
        return set()
    if source.linked is not None:
        return source.linked(connection, [row["id"] for row in rows])
    return {row["project_id"] for row in rows if row.get("project_id") is not None}


def _searched_changed(obj, fields: tuple[str, ...]) -> bool:
    attributes = inspect(obj).attrs
    return any(attributes[name].history.has_changes() for name in fields)


@bulk.observe
def _bulk_projects(session: OrmSession, inserted: bulk.Inserted) -> None:
    connection = session.connection()
    for source in SOURCES:
        if inserted.model is source.model:
            rewrite(connection, _projects_of(connection, source, inserted.rows))
    if inserted.model is not Project:
        return
    authority_ids = {row["authority_id"] for row in inserted.rows}
    authorities = {row.id: row._mapping for row in connection.execute(
        select(Authority.__table__.c.id, *(Authority.__table__.c[name] for name in AUTHORITY_FIELDS))
        .where(Authority.__table__.c.id.in_(authority_ids)))}
    connection.execute(insert_ignoring_conflict(connection.dialect.name, _TABLE),
                       [{"project_id": row["id"], **search_row(row, authorities.get(row["authority_id"]))}
                        for row in inserted.rows])


# A project is found by the organisations that play a part in it (its contractor, its financiers): by their
# names in every language, kept when a party is linked or unlinked and when an organisation is renamed.
def _party_texts(connection, project_ids: list[int]) -> dict[int, list[str | None]]:
    organisation = Organisation.__table__
    found: dict[int, list[str | None]] = defaultdict(list)
    for project_id, name, name_uk, name_en in connection.execute(
            select(ProjectParty.__table__.c.project_id, organisation.c.name, organisation.c.name_uk,
                   organisation.c.name_en)
            .join(organisation, organisation.c.id == ProjectParty.__table__.c.organisation_id)
            .where(ProjectParty.__table__.c.project_id.in_(project_ids))):
        found[project_id] += [name, name_uk, name_en]
    return found


def _organisations_projects(connection, organisation_ids: list[int]) -> set[int]:
    return set(connection.execute(select(ProjectParty.__table__.c.project_id)
                                  .where(ProjectParty.__table__.c.organisation_id.in_(organisation_ids))).scalars())


register_source(ProjectParty, fields=("organisation_id", "authority_id"), texts=_party_texts)
register_source(Organisation, fields=("name", "name_uk", "name_en"), linked=_organisations_projects)

"""The audit trail: every write to every table, appended to a hash chain, and its verification.

Recording hangs off the session class, like the change history, so every path (web, CLI, CSV import,
scripts using ``new_session``) is covered:

* ``after_flush``: one entry per inserted, updated or deleted ORM row of any table but the trail's own.
  The flush has run its statements, so new rows have their keys and the transaction already holds
  its write locks; attribute history still tells what changed.
* ``do_orm_execute``: ``UPDATE``/``DELETE`` statements run through the session (bulk writes the unit of
  work never sees): the keys of the matching rows are read first, and one entry per row is appended; ``INSERT``
  statements (content-addressed snapshots inserted unless present) run with ``RETURNING``, and each row they
  inserted is logged with all its columns.
* ``core.bulk`` observer: multi-row inserts (``bulk.insert_rows``, the CSV import's), one entry per row with
  its full values, as a flush of the same rows would log them, in one append per statement.

Entries are noted as the writes happen and appended to the chain together when the transaction commits
(``before_commit``, installed after the features' listeners, so the evaluations written there are in the same
append, and before the data version's bump, which stays the last write): the chain's head is locked only for
the commit's last moment, not from a transaction's first write to its end — a long import step no longer holds
every other writer behind it — and a transaction appends once, not once per flush. A transaction noting very
many writes (``PENDING_LIMIT``) appends what it has early, so memory stays bounded; the head is then held to
its commit, still before the data version's row, so the two locks are always taken in that order. Entries
appended in the transaction are visible to it only after its commit.

Each entry stores ``prev_hash`` (the previous entry's hash) and ``hash = sha256(prev_hash + canonical
JSON of its own fields)``. Appends are serialised: the first append of a flush locks the one row of
``audit_head`` (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite allows one writer at a time anyway), so two
transactions never chain onto the same entry; the head then names the newest entry, which shows when
entries were cut off the end.

Nothing here updates or deletes an entry; migration 0006 adds triggers that refuse it in the database.
Not covered: raw SQL executed on a connection outside the session (``text()`` through
``Connection.execute``), which is what an administrator tampering by hand would use — and what
``verify`` exists to catch.

Large JSON values (an evaluation's facts and results) and secrets (password hashes) are logged as
their sha256, which keeps the log small and free of secrets while still pinning the content.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Table, event, inspect, select, update
from sqlalchemy.orm import Session as OrmSession

from tracker.audit.models import AuditEntry, AuditHead
from tracker.core import bulk
from tracker.core.columns import as_utc, utcnow
from tracker.core.db import actor_of, insert_ignoring_conflict

GENESIS = "0" * 64
HEAD_ID = 1
#: The trail's own tables: writing them must not write more entries.
SKIPPED = frozenset({AuditEntry.__tablename__, AuditHead.__tablename__})
#: Rows recomputed from logged rows by a pure function, not logged themselves (written, updated or deleted): an
#: evaluation's counts per principle (``governance.evaluations``) come from its packed outcomes, which its own
#: entry pins by digest; a project's search words (``projects.search``) from its titles and its authority's names.
DERIVED = frozenset({"evaluation_score", "project_search"})
#: Columns logged as a digest only.
SECRET_COLUMNS = frozenset({"password_hash"})
#: JSON values longer than this (in canonical form) are logged as their digest.
MAX_JSON_VALUE = 1000
#: Writes noted before a transaction appends them anyway (memory: a write is about a kilobyte).
PENDING_LIMIT = 10_000
#: ``session.info`` keys: the writes noted so far; set once the commit appended them (later writes go at once).
_PENDING = "tracker.audit.pending"
_APPEND_NOW = "tracker.audit.append_now"

_ENTRY = AuditEntry.__table__
_HEAD = AuditHead.__table__


#: One encoder for every entry (``json.dumps`` with options builds a new one per call: a bulk import's
#: hundreds of thousands of entries felt it).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


#: A string as canonical JSON writes it (quoted and escaped, non-ASCII kept).
_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def canonical(value: Any) -> str:
    return _CANONICAL.encode(value)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plain(value: Any) -> Any:
    """A value as the log stores it: JSON types only, dates as ISO text, decimals as exact text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    return str(value)


_SIMPLE = frozenset({int, str, float, bool, type(None)})


def _logged(column: str, value: Any) -> Any:
    if type(value) in _SIMPLE and column not in SECRET_COLUMNS:  # most values: as they are
        return value
    if isinstance(value, bytes) and 2 * len(value) > MAX_JSON_VALUE:
        # A compressed blob (an evaluation's outcomes): its digest pins it without hex-encoding it first.
        return {"sha256": hashlib.sha256(value).hexdigest(), "length": len(value)}
    value = plain(value)
    if column in SECRET_COLUMNS and value is not None:
        return {"sha256": sha256(str(value))}
    if isinstance(value, (dict, list)):
        text = canonical(value)
        if len(text) > MAX_JSON_VALUE:
            return {"sha256": sha256(text), "length": len(text)}
    return value


def entry_hash(*, seq: int, recorded_at: datetime, actor_id: int | None, table_name: str, row_key: str,
               action: str, changes: str, prev_hash: str) -> str:
    """The hash of an entry: sha256 of the previous hash followed by the canonical JSON of its fields."""
    return _entry_hash(seq, as_utc(recorded_at).isoformat(), actor_id, table_name, row_key, action, changes,
                       prev_hash)


def _entry_hash(seq: int, recorded_at: str, actor_id: int | None, table_name: str, row_key: str, action: str,
                changes: str, prev_hash: str) -> str:
    # The canonical JSON of the entry's fields written out directly, keys in sorted order: the same text
    # ``canonical`` makes of the dict (a test holds them equal), without building and sorting a dict for each of
    # an import's hundred thousand entries.
    body = (f'{{"action":{_string(action)},"actor_id":{_CANONICAL.encode(actor_id)},"changes":{_string(changes)},'
            f'"recorded_at":{_string(recorded_at)},"row_key":{_string(row_key)},"seq":{int(seq)},'
            f'"table":{_string(table_name)}}}')
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


# --- recording -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Write:
    """One row written: what the log records before the chain is attached."""

    table_name: str
    row_key: dict
    action: str
    changes: dict


def _row_key(state) -> dict:
    mapper = state.mapper
    values = state.identity or mapper.primary_key_from_instance(state.obj())
    return {column.name: plain(value) for column, value in zip(mapper.primary_key, values, strict=True)}


def _columns(state):
    for attribute in state.mapper.column_attrs:
        yield attribute.key, attribute.columns[0].name


def _values(state) -> dict:
    """The loaded column values of a new or deleted row (never loads: this runs inside a flush)."""
    return {name: _logged(name, state.dict[key]) for key, name in _columns(state) if key in state.dict}


def _update(state) -> dict:
    changes = {}
    for key, name in _columns(state):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            changes[name] = [_logged(name, old), _logged(name, new)]
    return changes


def _writes_of_flush(session: OrmSession) -> list[Write]:
    writes = []
    for action, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in SKIPPED:
                continue
            state = inspect(obj)
            if action == "update":
                changes = _update(state)
                if not changes:
                    continue
            else:
                changes = _values(state)
            writes.append(Write(table, _row_key(state), action, changes))
    # Sets have no order: sort so the chain does not depend on hashing of Python objects.
    return sorted(writes, key=lambda w: (w.table_name, canonical(w.row_key), w.action))


def append(session: OrmSession, writes: Iterable[Write]) -> int:
    """Append ``writes`` to the chain inside the session's transaction; returns the new head's seq."""
    writes = list(writes)
    if not writes:
        return -1
    # Everything but the chain is encoded before the head is locked: other writers wait only for the hashing.
    encoded = [(write, canonical(write.row_key), canonical(write.changes)) for write in writes]
    connection = session.connection()
    seq, prev = _lock_head(connection)
    actor = actor_of(session)
    now = utcnow()
    stamp = as_utc(now).isoformat()
    rows = []
    for write, row_key, changes in encoded:
        seq += 1
        digest = _entry_hash(seq, stamp, actor, write.table_name, row_key, write.action, changes, prev)
        rows.append({"seq": seq, "recorded_at": now, "actor_id": actor, "table_name": write.table_name,
                     "row_key": row_key, "action": write.action, "changes": changes, "prev_hash": prev,
                     "hash": digest})
        prev = digest
    bulk.write_rows(connection, _ENTRY, rows)
    connection.execute(update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=seq, hash=prev))
    return seq


def _lock_head(connection) -> tuple[int, str]:
    """The newest entry's seq and hash, with the head row locked until the transaction ends."""
    query = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
    row = connection.execute(query).first()
    if row is not None:
        return row.seq, row.hash
    # No head (a fresh database whose migration did not seed it, or a wiped one): start it from the
    # newest entry, letting a concurrent transaction that creates it first win.
    last = connection.execute(select(_ENTRY.c.seq, _ENTRY.c.hash).order_by(_ENTRY.c.seq.desc()).limit(1)).first()
    seq, digest = (last.seq, last.hash) if last else (0, GENESIS)
    connection.execute(insert_ignoring_conflict(connection.dialect.name, _HEAD)
                       .values(id=HEAD_ID, seq=seq, hash=digest))
    row = connection.execute(query).first()
    return row.seq, row.hash


def note(session: OrmSession, writes: Iterable[Write]) -> None:
    """Note ``writes`` for the append at commit (at once when the commit has begun, or too many wait)."""
    pending = session.info.setdefault(_PENDING, [])
    pending.extend(writes)
    if session.info.get(_APPEND_NOW) or len(pending) >= PENDING_LIMIT:
        append(session, session.info.pop(_PENDING))


def _append_pending(session: OrmSession) -> None:
    session.flush()  # what is still pending must be noted first
    session.info[_APPEND_NOW] = True
    append(session, session.info.pop(_PENDING, []))


def _forget_pending(session: OrmSession, transaction) -> None:
    if transaction.parent is None:  # the transaction itself ended (committed or rolled back), not a savepoint
        session.info.pop(_PENDING, None)
        session.info.pop(_APPEND_NOW, None)


def install() -> None:
    """Append at commit; the composition root calls this after the features' ``before_commit`` listeners and
    before the data version's (whose bump must stay last: it locks its row after the head, never before)."""
    event.listen(OrmSession, "before_commit", _append_pending)
    event.listen(OrmSession, "after_transaction_end", _forget_pending)


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _flush_context) -> None:
    note(session, _writes_of_flush(session))


@bulk.observe
def _bulk_insert(session: OrmSession, inserted: bulk.Inserted) -> None:
    if inserted.table.name in SKIPPED:
        return
    if SECRET_COLUMNS.isdisjoint(inserted.table.c.keys()):
        # Most columns hold plain values, logged as they are: skip the call for each of them (a bulk import's
        # millions of cells).
        simple = _SIMPLE
        note(session, (Write(inserted.table.name, {"id": plain(row["id"])}, "insert",
                             {name: value if type(value) in simple else _logged(name, value)
                              for name, value in row.items()})
                       for row in inserted.rows))
        return
    note(session, (Write(inserted.table.name, {"id": plain(row["id"])}, "insert",
                           {name: _logged(name, value) for name, value in row.items()})
                     for row in inserted.rows))


@event.listens_for(OrmSession, "do_orm_execute")
def _bulk_write(execute_state) -> Any:
    """Log INSERT, UPDATE and DELETE statements row by row (see the module docstring)."""
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return None
    statement = execute_state.statement
    table = getattr(statement, "table", None)
    if not isinstance(table, Table) or table.name in SKIPPED or table.name in DERIVED:
        return None
    if execute_state.is_insert:
        return _inserted(execute_state, statement, table)
    session = execute_state.session
    keys = list(table.primary_key.columns)
    batch = execute_state.parameters
    if isinstance(batch, (list, tuple)) and batch:
        # ORM bulk UPDATE by primary key: one parameter set per row, keys included.
        result = execute_state.invoke_statement()
        note(session, (_keyed_write(table, keys, params, execute_state.is_update) for params in batch))
        return result
    values = {getattr(column, "key", str(column)): _value_of(bind)
              for column, bind in (statement._values or {}).items()} if execute_state.is_update else {}
    changed = [table.c[name] for name in values if name in table.c]
    matching = select(*keys, *changed)
    if statement.whereclause is not None:
        matching = matching.where(statement.whereclause)
    rows = [tuple(row) for row in session.connection().execute(matching)]
    result = execute_state.invoke_statement()
    writes = []
    for row in rows:
        key = {column.name: plain(value) for column, value in zip(keys, row, strict=False)}
        if execute_state.is_update:
            old = dict(zip((column.name for column in changed), row[len(keys):], strict=True))
            changes = {name: [_logged(name, old.get(name)), _logged(name, value)] for name, value in values.items()
                       if name not in old or plain(old[name]) != plain(value)}
            if changes:
                writes.append(Write(table.name, key, "update", changes))
        else:
            writes.append(Write(table.name, key, "delete", {}))
    note(session, writes)
    return result


def _inserted(execute_state, statement, table: Table) -> Any:
    """An INSERT statement (many rows, or content-addressed rows skipped when present): run with RETURNING, so
    exactly the rows it inserted are logged, each with all its columns. Rows derived from a logged row by a pure
    function (``DERIVED``) are not: the entry of the row they come from pins them."""
    if statement._returning:  # bulk.insert_rows returns its rows: its observer logs them
        return None
    result = execute_state.invoke_statement(statement=statement.returning(*table.c))
    rows = result.mappings().all()
    keys = [column.name for column in table.primary_key.columns]
    note(execute_state.session, (Write(table.name, {name: plain(row[name]) for name in keys}, "insert",
                                       {name: _logged(name, value) for name, value in row.items()})
                                 for row in rows))
    return result


def _keyed_write(table: Table, keys, params: dict, is_update: bool) -> Write:
    key = {column.name: plain(params.get(column.key, params.get(column.name))) for column in keys}
    changes = {name: [None, _logged(name, value)] for name, value in params.items()
               if is_update and name not in key}
    return Write(table.name, key, "update" if is_update else "delete", changes)


def _value_of(bind) -> Any:
    return getattr(bind, "value", str(bind))


# --- verification --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    """What ``verify`` found: the count of sound entries, and the first broken one with why."""

    entries: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(connection, *, anchors: dict[int, str] | None = None, chunk: int = 2000,
           progress: Callable[[int, int | None], None] | None = None) -> Verification:
    """Recompute the chain and name the first broken entry; ``progress(checked, head)`` hears each chunk.

    A modified entry no longer matches its hash; a deleted one leaves a gap in the sequence (or, at the
    end, a head pointing past the last entry); reordered entries no longer link to their predecessor.
    ``anchors`` ({seq: hash}, e.g. published earlier) also catch a log rewritten whole from some point.
    """
    anchors = anchors or {}
    expected_seq, prev, count = 1, GENESIS, 0
    head = _head(connection)[0] if progress is not None else None
    for entry in _entries(connection, chunk):
        if progress is not None and count % chunk == 0:
            progress(count, head)
        problem = _check(entry, expected_seq, prev, anchors)
        if problem:
            return Verification(count, *_head(connection), broken_seq=entry.seq, problem=problem)
        expected_seq, prev, count = entry.seq + 1, entry.hash, count + 1
    head_seq, head_hash = _head(connection)
    last = expected_seq - 1
    if (head_seq, head_hash) != (last, prev) and not (head_seq == 0 and last == 0):
        if head_seq > last:
            problem = f"the head names entry #{head_seq} but the log ends at #{last}: entries were removed"
            return Verification(count, head_seq, head_hash, broken_seq=last + 1, problem=problem)
        problem = f"the head (#{head_seq}) does not match the last entry (#{last})"
        return Verification(count, head_seq, head_hash, broken_seq=last, problem=problem)
    missing = sorted(seq for seq in anchors if seq > last)
    if missing:
        return Verification(count, head_seq, head_hash, broken_seq=missing[0],
                            problem=f"anchored entry #{missing[0]} is missing")
    return Verification(count, head_seq, head_hash)


def _check(entry, expected_seq: int, prev: str, anchors: dict[int, str]) -> str | None:
    if entry.seq != expected_seq:
        return (f"entries #{expected_seq}…#{entry.seq - 1} are missing before it" if entry.seq > expected_seq
                else f"its sequence number repeats or goes back (expected #{expected_seq})")
    if entry.prev_hash != prev:
        return "it does not link to the entry before it (entries were reordered, removed or inserted)"
    recomputed = entry_hash(seq=entry.seq, recorded_at=entry.recorded_at, actor_id=entry.actor_id,
                            table_name=entry.table_name, row_key=entry.row_key, action=entry.action,
                            changes=entry.changes, prev_hash=entry.prev_hash)
    if recomputed != entry.hash:
        return "its content does not match its hash (the entry was modified)"
    if entry.seq in anchors and anchors[entry.seq] != entry.hash:
        return "its hash differs from the anchored one (the log was rewritten)"
    return None


def _entries(connection, chunk: int) -> Iterator:
    after = None
    while True:
        query = select(_ENTRY).order_by(_ENTRY.c.seq).limit(chunk)
        if after is not None:
            query = query.where(_ENTRY.c.seq > after)
        rows = connection.execute(query).all()
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1].seq


def _head(connection) -> tuple[int, str]:
    row = connection.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def entries_for(connection, *, table_name: str, row_id: int, limit: int = 100) -> list:
    """The entries of one row (by ``id``), newest first: what the workspace shows as a record's trail."""
    return list(connection.execute(
        select(_ENTRY).where(_ENTRY.c.table_name == table_name, _ENTRY.c.row_key == canonical({"id": row_id}))
        .order_by(_ENTRY.c.seq.desc()).limit(limit)))

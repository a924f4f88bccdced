"""The audit trail: every write appended to a hash chain; the database refuses changes; verify names
the first entry that was modified, deleted or reordered behind the application's back."""
from __future__ import annotations

import json
import threading
from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from tests.factories import build_world
from tracker.audit.models import AuditEntry, AuditHead
from tracker.audit.trail import GENESIS, entry_hash, verify
from tracker.cli import main
from tracker.core.db import set_actor
from tracker.projects.models import FundingLine, Project


def _entries(session) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).order_by(AuditEntry.seq)))


def _verify(engine):
    with engine.connect() as connection:
        return verify(connection)


@pytest.fixture
def world(session):
    return build_world(session)


def _unguarded(connection) -> None:
    """What a superuser tampering by hand would do first: switch the append-only triggers off."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
    else:
        connection.execute(text("DROP TRIGGER audit_entry_no_update"))
        connection.execute(text("DROP TRIGGER audit_entry_no_delete"))


def test_every_write_is_chained(session, world, engine):
    entries = _entries(session)
    tables = {entry.table_name for entry in entries}
    assert {"authority", "user_account", "user_authority", "project", "funding_line"} <= tables
    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))
    head = session.get(AuditHead, 1)
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)
    result = _verify(engine)
    assert result.ok and result.entries == len(entries)


def test_secrets_are_logged_as_digests(session, world):
    user_rows = [e for e in _entries(session) if e.table_name == "user_account" and e.action == "insert"]
    changes = json.loads(user_rows[0].changes)
    assert set(changes["password_hash"]) == {"sha256"}
    assert world.admin.password_hash not in user_rows[0].changes


def test_update_and_delete_record_actor_and_values(session, world):
    set_actor(session, world.admin.id)
    project = session.get(Project, world.school.id)
    project.title_en = "Renamed school"
    session.add(project)
    session.commit()
    update = [entry for entry in _entries(session) if entry.table_name == "project"][-1]
    assert (update.table_name, update.action, update.actor_id) == ("project", "update", world.admin.id)
    assert json.loads(update.row_key) == {"id": world.school.id}
    assert json.loads(update.changes)["title_en"] == ["Restoration of school No. 1", "Renamed school"]

    line = session.exec(select(FundingLine).where(FundingLine.currency == "EUR")).one()
    session.delete(line)
    session.commit()
    deleted = [entry for entry in _entries(session) if entry.table_name == "funding_line"][-1]
    assert (deleted.action, json.loads(deleted.row_key)) == ("delete", {"id": line.id})
    assert json.loads(deleted.changes)["amount_committed"] == "400000.00"
    assert _verify(session.get_bind()).ok


def test_bulk_statements_are_logged_row_by_row(session, world):
    from sqlalchemy import update

    session.execute(update(Project).where(Project.sector == "health").values(is_public=False))
    session.commit()
    last = [entry for entry in _entries(session) if entry.table_name == "project"][-1]
    assert (last.table_name, last.action) == ("project", "update")
    assert json.loads(last.changes) == {"is_public": [True, False]}
    assert json.loads(last.row_key) == {"id": world.clinic.id}


def test_insert_statements_log_exactly_the_rows_they_inserted(session, world):
    """Content-addressed snapshots go in through INSERT … ON CONFLICT DO NOTHING: one entry per new row, with
    its columns (a long value as its digest), none for a row that was already there."""
    from tracker.governance.models import EvaluationFacts
    from tracker.governance.stored import save_facts

    save_facts(session, {"a" * 64: b"first snapshot", "b" * 64: b"x" * 2000})
    session.commit()
    save_facts(session, {"a" * 64: b"first snapshot", "c" * 64: b"third"})
    session.commit()
    logged = [entry for entry in _entries(session) if entry.table_name == EvaluationFacts.__tablename__]
    assert sorted((entry.action, entry.row_key) for entry in logged) == [
        ("insert", json.dumps({"sha256": letter * 64}, separators=(",", ":"))) for letter in "abc"]
    changes = {json.loads(entry.row_key)["sha256"]: json.loads(entry.changes) for entry in logged}
    assert changes["a" * 64] == {"sha256": "a" * 64, "data": b"first snapshot".hex()}
    assert changes["b" * 64]["data"]["length"] == 2000  # a long value: its digest
    assert _verify(session.get_bind()).ok


def test_derived_rows_are_not_logged_but_their_source_is(session, world):
    from tracker.core.config import PROJECT_ROOT
    from tracker.governance.models import EvaluationScore
    from tracker.governance.reevaluation import attach
    from tracker.governance.rule_context import load_rule_context

    attach(session, load_rule_context(str(PROJECT_ROOT / "governance_rules")))
    project = session.get(Project, world.school.id)
    project.title_en = "Evaluated school"
    session.add(project)
    session.commit()
    tables = {entry.table_name for entry in _entries(session)}
    assert session.exec(select(EvaluationScore)).first() is not None  # the change was evaluated and scored
    assert {"evaluation", "evaluation_facts", "rule_set_source"} <= tables
    assert EvaluationScore.__tablename__ not in tables
    assert _verify(session.get_bind()).ok


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET action = 'insert' WHERE seq = 2",
                                       "DELETE FROM audit_entry WHERE seq = 2"])
def test_the_database_refuses_to_change_the_log(engine, world, statement):
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert _verify(engine).ok


def test_verify_names_a_modified_entry(engine, world):
    with engine.begin() as connection:
        _unguarded(connection)
        connection.execute(text("UPDATE audit_entry SET changes = '{}' WHERE seq = 5"))
    result = _verify(engine)
    assert (result.ok, result.broken_seq) == (False, 5)
    assert "modified" in result.problem


def test_verify_names_the_entry_after_a_deleted_one(engine, world):
    with engine.begin() as connection:
        _unguarded(connection)
        connection.execute(text("DELETE FROM audit_entry WHERE seq = 7"))
    result = _verify(engine)
    assert result.broken_seq == 8 and "#7" in result.problem


def test_verify_notices_entries_cut_off_the_end(engine, world):
    with engine.begin() as connection:
        last = connection.execute(text("SELECT max(seq) FROM audit_entry")).scalar_one()
        _unguarded(connection)
        connection.execute(text(f"DELETE FROM audit_entry WHERE seq = {last}"))
    result = _verify(engine)
    assert result.broken_seq == last and "removed" in result.problem


def test_verify_names_reordered_entries(engine, world):
    with engine.begin() as connection:
        _unguarded(connection)
        connection.execute(text("UPDATE audit_entry SET seq = -1 WHERE seq = 3"))
        connection.execute(text("UPDATE audit_entry SET seq = 3 WHERE seq = 4"))
        connection.execute(text("UPDATE audit_entry SET seq = 4 WHERE seq = -1"))
    result = _verify(engine)
    assert result.broken_seq == 3 and "link" in result.problem


def test_a_rewritten_entry_with_a_fresh_hash_still_breaks_the_chain(engine, world):
    """Recomputing the tampered entry's own hash is not enough: the next entry no longer links to it."""
    with engine.begin() as connection:
        row = connection.execute(text("SELECT * FROM audit_entry WHERE seq = 4")).mappings().one()
        moment = row["recorded_at"]  # SQLite gives raw SQL the stored text
        moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
        forged = entry_hash(seq=4, recorded_at=moment, actor_id=row["actor_id"],
                            table_name=row["table_name"], row_key=row["row_key"], action=row["action"],
                            changes="{}", prev_hash=row["prev_hash"])
        _unguarded(connection)
        connection.execute(text("UPDATE audit_entry SET changes = '{}', hash = :h WHERE seq = 4"), {"h": forged})
    assert _verify(engine).broken_seq == 5


def test_cli_verify(database_url, engine, world):
    runner = CliRunner()
    env = {"TRACKER_DATABASE_URL": database_url}
    ok = runner.invoke(main, ["audit", "verify"], env=env)
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output and "audit trail: 0/" in ok.stderr  # progress, as plain lines when piped
    with engine.begin() as connection:
        _unguarded(connection)
        connection.execute(text("UPDATE audit_entry SET actor_id = 99 WHERE seq = 6"))
    broken = runner.invoke(main, ["audit", "verify"], env=env)
    assert broken.exit_code == 1
    assert "#6" in broken.output


def test_concurrent_writers_never_fork_the_chain(engine, world, backend):
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers itself; row locks are PostgreSQL's part")
    errors = []

    def write(name: str) -> None:
        try:
            for index in range(5):
                with Session(engine) as session:
                    project = session.get(Project, world.bridge.id if name == "a" else world.clinic.id)
                    project.subsector = f"{name}{index}"
                    session.add(project)
                    session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _verify(engine).ok


@pytest.mark.parametrize(("actor_id", "table_name", "changes"), [
    (None, "project", '{"title_uk":"Школа №3 \\"Нова\\"","budget":"1200000.50"}'),
    (7, "needs_assessment", '{"note":"line one\\nline two\\ttab \\u0001 and \\\\ backslash"}'),
    (2**40, "audit\u2028table", "{}"),
])
def test_an_entry_hash_is_sha256_of_the_previous_hash_and_the_canonical_json_of_its_fields(actor_id, table_name,
                                                                                           changes):
    """The hash is written out field by field for speed; it must stay the documented formula exactly, or chains
    recorded before would no longer verify."""
    import hashlib

    moment = datetime(2026, 3, 1, 12, 30, 15, 123456)
    fields = {"seq": 12345, "recorded_at": "2026-03-01T12:30:15.123456+00:00", "actor_id": actor_id,
              "table": table_name, "row_key": '{"id":42}', "action": "update", "changes": changes}
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    expected = hashlib.sha256(("ab" * 32 + body).encode("utf-8")).hexdigest()

    assert entry_hash(seq=12345, recorded_at=moment, actor_id=actor_id, table_name=table_name, row_key='{"id":42}',
                      action="update", changes=changes, prev_hash="ab" * 32) == expected

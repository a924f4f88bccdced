"""Row locks for decisions: taking one writes nothing anybody can see, and rows come back fresh, in id order."""
from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from tests.factories import build_world
from tracker.audit.models import AuditEntry
from tracker.core.locking import lock_by_ids, lock_for_decision
from tracker.planning.history_models import ChangeRecord
from tracker.projects.models import Project


def _counts(session: Session) -> tuple[int, int]:
    return (session.exec(select(func.count()).select_from(AuditEntry)).one(),
            session.exec(select(func.count()).select_from(ChangeRecord)).one())


def test_a_lock_leaves_no_trace_in_the_audit_trail_or_the_history(session):
    """On SQLite the lock is a no-op UPDATE: it must not reach the ORM's hooks as a change of the row."""
    world = build_world(session)
    session.commit()
    before = _counts(session)
    lock_for_decision(session, world.school)
    lock_by_ids(session, Project, [world.clinic.id, world.school.id])
    session.flush()
    assert _counts(session) == before
    session.commit()
    assert _counts(session) == before
    assert session.get(Project, world.school.id).version == 1  # the version counter is not raised either


def test_a_lock_reads_the_row_again(engine, session):
    world = build_world(session)
    session.commit()
    with Session(engine) as other:
        other.execute(update(Project).where(Project.id == world.school.id).values(title_en="Changed elsewhere"))
        other.commit()
    assert world.school.title_en != "Changed elsewhere"  # what this session holds is stale
    lock_for_decision(session, world.school)
    assert world.school.title_en == "Changed elsewhere"
    session.rollback()


def test_lock_by_ids_gives_fresh_rows_in_ascending_id_leaving_out_the_missing(engine, session):
    world = build_world(session)
    session.commit()
    stale = session.get(Project, world.bridge.id)
    with Session(engine) as other:
        other.execute(update(Project).where(Project.id == world.bridge.id).values(stage="planning"))
        other.commit()
    ids = [world.bridge.id, world.school.id, 999_999, world.clinic.id, world.school.id]
    locked = lock_by_ids(session, Project, ids)
    assert [project.id for project in locked] == sorted({world.bridge.id, world.school.id, world.clinic.id})
    assert stale.stage == "planning" and stale in locked  # the same object, read again
    assert lock_by_ids(session, Project, []) == []
    session.rollback()

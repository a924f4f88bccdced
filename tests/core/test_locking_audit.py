"""``lock_for_decision`` re-reads the row and writes nothing anyone would see: no audit entry, no history."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from tests.factories import build_world
from tracker.audit.models import AuditEntry
from tracker.core.locking import lock_for_decision
from tracker.planning.history_models import ChangeRecord
from tracker.projects.models import Project


def test_a_lock_rereads_the_row_and_leaves_no_trace(engine, session):
    world = build_world(session)
    with Session(engine) as other:
        other.get(Project, world.clinic.id).title_en = "Changed meanwhile"
        other.commit()
    entries = session.exec(select(func.count()).select_from(AuditEntry)).one()
    changes = session.exec(select(func.count()).select_from(ChangeRecord)).one()
    assert lock_for_decision(session, world.clinic).title_en == "Changed meanwhile"
    session.commit()
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == entries
    assert session.exec(select(func.count()).select_from(ChangeRecord)).one() == changes

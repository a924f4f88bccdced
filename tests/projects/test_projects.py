"""Projects: references, validation, optimistic locking, funding rules, subtree queries."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from tests.factories import build_world, project_data
from tracker.core.errors import Conflict, ServiceError
from tracker.core.hierarchy import subtree_filter
from tracker.core.models import Authority
from tracker.projects.models import Project, StageHistory
from tracker.projects.operations import ProjectUpdate, add_funding_line, link_party, update_project


def test_reference_is_stable_and_history_starts(session):
    world = build_world(session)
    assert world.school.reference == f"VID-{world.school.created_at.year}-{world.school.id:06d}"
    moves = session.exec(select(StageHistory).where(StageHistory.project_id == world.school.id)).all()
    assert [(m.from_stage, m.to_stage) for m in moves] == [(None, "needs_assessment")]


@pytest.mark.parametrize("field, value", [("sector", "roads"), ("project_type", "paint"),
                                          ("purpose", "fun"), ("title_uk", "  ")])
def test_unknown_vocabulary_is_refused(field, value):
    with pytest.raises(ValueError, match=field.replace("_", " ").split()[0] if field != "title_uk" else "title"):
        project_data(**{field: value})


def test_update_records_changes_and_raises_version(session):
    world = build_world(session)
    changed = update_project(session=session, project=world.school,
                             changes=ProjectUpdate(title_en="School No. 1, rebuilt"), expected_version=1)
    assert changed == {"title_en": ("Restoration of school No. 1", "School No. 1, rebuilt")}
    assert world.school.version == 2


def test_stale_update_is_refused_and_nothing_is_written(session, engine):
    world = build_world(session)
    update_project(session=session, project=world.school, changes=ProjectUpdate(title_en="First"),
                   expected_version=1)
    session.commit()
    with pytest.raises(Conflict) as conflict:
        update_project(session=session, project=world.school, changes=ProjectUpdate(title_en="Second"),
                       expected_version=1)
    assert conflict.value.current_version == 2
    assert conflict.value.changes == {"title_en": ("First", "Second")}
    with Session(engine) as other:
        assert other.get(Project, world.school.id).title_en == "First"


def test_two_concurrent_saves_cannot_both_win(session, engine):
    """Two sessions load version 1 and save at once; exactly one succeeds."""
    world = build_world(session)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def save(title: str) -> None:
        with Session(engine, expire_on_commit=False) as own:
            project = own.get(Project, world.school.id)
            barrier.wait()
            try:
                update_project(session=own, project=project, changes=ProjectUpdate(title_en=title),
                               expected_version=1)
                own.commit()
                results.append("saved")
            except Conflict:
                own.rollback()
                results.append("conflict")
            except Exception as error:  # SQLite may report the lock instead; that is a refusal too
                own.rollback()
                results.append(f"refused: {type(error).__name__}")

    threads = [threading.Thread(target=save, args=(title,)) for title in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("saved") == 1, results
    with Session(engine) as check:
        assert check.get(Project, world.school.id).version == 2


def test_funding_refuses_unknown_source_and_negative_amounts(session):
    world = build_world(session)
    with pytest.raises(ServiceError) as refused:
        add_funding_line(session=session, project=world.school, source="lottery", amount_committed=Decimal(1))
    assert refused.value.field == "source"
    with pytest.raises(ServiceError) as refused:
        add_funding_line(session=session, project=world.school, source="eu", amount_committed=Decimal(-1))
    assert refused.value.field == "amount_committed"


def test_party_is_an_authority_or_an_organisation(session):
    world = build_world(session)
    with pytest.raises(ServiceError):
        link_party(session=session, project=world.school, role="beneficiary")
    party = link_party(session=session, project=world.school, role="beneficiary", authority=world.derhachi_hromada)
    assert party.authority_id == world.derhachi_hromada.id


def test_subtree_filter_covers_every_depth(session):
    world = build_world(session)
    in_oblast = session.exec(select(Authority.name_en).where(subtree_filter([world.kharkiv_oblast.path]))
                             .order_by(Authority.id)).all()
    assert in_oblast == ["Kharkiv Oblast", "Kharkiv Raion", "Kharkiv urban hromada", "Derhachi urban hromada"]
    assert session.exec(select(Authority).where(subtree_filter([]))).all() == []


def test_history_names_a_new_project_by_its_title_not_a_placeholder(session):
    from tracker.planning.history_models import ChangeRecord

    world = build_world(session)
    [created] = session.exec(select(ChangeRecord).where(ChangeRecord.project_id == world.school.id,
                                                        ChangeRecord.entity == "project",
                                                        ChangeRecord.action == "create")).all()
    assert created.new_value == world.school.title_uk

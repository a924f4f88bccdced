"""The migrations build exactly the schema the models declare, on each backend."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tracker.core.schema import current_revision, upgrade

#: The newest migration: every database ends there.
HEAD = "0020_password_change_required"


def test_models_and_migrations_do_not_drift(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_is_idempotent(engine):
    before = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == before is not None


def test_history_has_one_head():
    """The feature branches are merged: a migration that forks history again fails here, not in production."""
    from alembic.script import ScriptDirectory

    from tracker.core.db import make_engine
    from tracker.core.schema import alembic_config

    engine = make_engine("sqlite://")
    try:
        heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    finally:
        engine.dispose()
    assert heads == [HEAD]


def test_an_upgraded_database_stands_at_the_one_head(engine):
    assert current_revision(engine) == HEAD


def test_a_database_at_the_old_feature_heads_upgrades_to_the_one_head(tmp_path):
    """Databases set up before the merge stand at the feature branches' heads; ``vidnova init`` moves them on."""
    from tracker.core.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'before-merge.db'}")
    try:
        for branch_head in ("0003_planner_workflow", "0004_engagement", "0006_audit"):
            upgrade(engine, branch_head)
        assert current_revision(engine) == "0003_planner_workflow,0004_engagement,0006_audit"
        upgrade(engine)
        assert current_revision(engine) == HEAD
    finally:
        engine.dispose()


def test_the_summaries_migration_summarises_the_latest_evaluations_already_stored(tmp_path):
    """Evaluations stored before 0008 get their per-principle counts, red flags and versions; older ones do not."""
    import json

    from sqlalchemy import text

    from tracker.core.db import make_engine

    result = {"rule_id": "UA-PROC-04", "outcome": "fail", "severity": "major", "principles": ["P7", "P11"]}
    passing = {"rule_id": "COST-IDS-01", "outcome": "pass", "severity": "major", "principles": ["P7"]}
    results = json.dumps([{"rule_set_id": "x", "results": [result, passing], "overrides": []}])
    rule_sets = json.dumps([{"id": "x", "version": "1.1", "sha256": "ab"}, {"id": "a", "version": "2", "sha256": "cd"}])
    engine = make_engine(f"sqlite:///{tmp_path / 'before-summaries.db'}")
    try:
        upgrade(engine, "0007_merge")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO authority (id, level, name_uk, path, created_at) "
                                    "VALUES (1, 'hromada', 'Г', '/1/', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO project (id, reference, authority_id, title_uk, sector, project_type, purpose, "
                "is_public, stage, state, version, created_at, updated_at) VALUES (1, 'VID-2026-000001', 1, 'Т', "
                "'education', 'construction', 'restoration', 1, 'planning', 'active', 1, '2026-01-01', '2026-01-01')"))
            for evaluation_id, latest in ((1, 0), (2, 1)):
                connection.execute(text(
                    "INSERT INTO evaluation (id, project_id, evaluated_at, trigger, stage, is_latest, facts, "
                    "facts_sha256, rule_sets, results, passed, failed, errors, failing_blockers) VALUES "
                    "(:id, 1, '2026-01-01', 'change', 'planning', :latest, '{}', 'f', :rule_sets, :results, "
                    "1, 1, 0, 0)"), {"id": evaluation_id, "latest": latest, "rule_sets": rule_sets, "results": results})
        upgrade(engine)
        with engine.connect() as connection:
            scores = {code: (p, f, e) for code, p, f, e in connection.execute(text(
                "SELECT code, passed, failed, errors FROM evaluation_score WHERE evaluation_id = 2"))}
            older = connection.execute(text("SELECT count(*) FROM evaluation_score WHERE evaluation_id = 1")).scalar()
            red_flags, versions = connection.execute(text(
                "SELECT red_flags, rule_versions FROM evaluation WHERE id = 2")).one()
    finally:
        engine.dispose()
    assert scores["P7"] == (1, 1, 0) and scores["P11"] == (0, 1, 0) and scores["P1"] == (0, 0, 0)
    assert len(scores) == 15 and older == 0
    assert red_flags == 1  # UA-PROC-04 is tagged red_flag in the shipped rule set, though this result has no tags
    assert json.loads(versions) == [["a", "2", "cd"], ["x", "1.1", "ab"]]


def test_the_compaction_migration_moves_facts_and_keeps_old_results(tmp_path):
    """Before 0011 an evaluation held its facts and rendered results: the facts move to one snapshot per digest,
    the results stay readable as legacy results, and the versions survive the rule_sets column."""
    import json
    import zlib

    from sqlalchemy import text

    from tracker.core.db import make_engine

    results = [{"rule_set_id": "x", "results": [{"rule_id": "R-1", "outcome": "pass"}], "overrides": []}]
    engine = make_engine(f"sqlite:///{tmp_path / 'before-compaction.db'}")
    try:
        upgrade(engine, "0010_data_version")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO authority (id, level, name_uk, path, created_at) "
                                    "VALUES (1, 'hromada', 'Г', '/1/', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO project (id, reference, authority_id, title_uk, sector, project_type, purpose, "
                "is_public, stage, state, version, created_at, updated_at) VALUES (1, 'VID-2026-000001', 1, 'Т', "
                "'education', 'construction', 'restoration', 1, 'planning', 'active', 1, '2026-01-01', '2026-01-01')"))
            for evaluation_id in (1, 2):  # two evaluations of the same facts
                connection.execute(text(
                    "INSERT INTO evaluation (id, project_id, evaluated_at, trigger, stage, is_latest, facts, "
                    "facts_sha256, rule_sets, results, passed, failed, errors, failing_blockers) VALUES "
                    "(:id, 1, '2026-01-01', 'change', 'planning', :latest, :facts, 'digest', :rule_sets, :results, "
                    "1, 0, 0, 0)"), {"id": evaluation_id, "latest": evaluation_id == 2,
                                     "facts": json.dumps({"identification": {"title": "Школа"}}),
                                     "rule_sets": json.dumps([{"id": "x", "version": "1", "sha256": "ab"}]),
                                     "results": json.dumps(results)})
        upgrade(engine)
        with engine.connect() as connection:
            [(digest, data)] = connection.execute(text("SELECT sha256, data FROM evaluation_facts")).all()
            rows = connection.execute(text(
                "SELECT legacy_results, rule_versions, outcomes FROM evaluation ORDER BY id")).all()
            columns = {row[1] for row in connection.execute(text("PRAGMA table_info(evaluation)"))}
    finally:
        engine.dispose()
    assert digest == "digest" and json.loads(zlib.decompress(data)) == {"identification": {"title": "Школа"}}
    assert [(json.loads(r[0]), json.loads(r[1]), r[2]) for r in rows] == [(results, [["x", "1", "ab"]], None)] * 2
    assert not {"facts", "results", "rule_sets"} & columns


def test_the_one_latest_migration_keeps_the_newest_of_two_latest_evaluations(tmp_path):
    """A race before 0014 could leave a project two "latest" evaluations: the newest stays latest, the index holds."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from tracker.core.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'before-one-latest.db'}")
    try:
        upgrade(engine, "0013_job_undo")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO authority (id, level, name_uk, path, created_at) "
                                    "VALUES (1, 'hromada', 'Г', '/1/', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO project (id, reference, authority_id, title_uk, sector, project_type, purpose, "
                "is_public, stage, state, version, created_at, updated_at) VALUES (1, 'VID-2026-000001', 1, 'Т', "
                "'education', 'construction', 'restoration', 1, 'planning', 'active', 1, '2026-01-01', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO user_account (id, email, name, password_hash, role, locale, is_active, failed_logins, "
                "created_at) VALUES (1, 'a@test.ua', 'A', 'x', 'admin', 'uk', 1, 0, '2026-01-01')"))
            for evaluation_id, latest in ((1, 1), (2, 0), (3, 1)):
                connection.execute(text(
                    "INSERT INTO evaluation (id, project_id, evaluated_at, trigger, stage, is_latest, facts_sha256, "
                    "rule_versions, legacy_results, passed, failed, errors, failing_blockers, red_flags) VALUES "
                    "(:id, 1, '2026-01-01', 'change', 'planning', :latest, 'f', '[]', '[]', 1, 0, 0, 0, 0)"),
                    {"id": evaluation_id, "latest": latest})
        upgrade(engine)
        with engine.connect() as connection:
            latest = connection.execute(text("SELECT id FROM evaluation WHERE is_latest ORDER BY id")).scalars().all()
            session_version = connection.execute(text("SELECT session_version FROM user_account")).scalar_one()
        assert latest == [3] and session_version == 0
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text("UPDATE evaluation SET is_latest = 1 WHERE id = 1"))
    finally:
        engine.dispose()


def test_the_search_migration_folds_the_words_of_the_projects_already_stored(tmp_path):
    """Projects stored before 0015 are found by search at once: their words (and their authority's) are folded."""
    from sqlalchemy import text
    from sqlmodel import Session

    from tracker.core.db import make_engine
    from tracker.projects.queries import ProjectFilters, listing_ids

    engine = make_engine(f"sqlite:///{tmp_path / 'before-search.db'}")
    try:
        upgrade(engine, "0014_sessions_and_latest")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO authority (id, level, name_uk, name_en, path, created_at) "
                                    "VALUES (1, 'hromada', 'Харківська громада', 'Kharkiv', '/1/', '2026-01-01')"))
            for project_id, title in ((1, "Капітальний ремонт мосту"), (2, "Школа №3")):
                connection.execute(text(
                    "INSERT INTO project (id, reference, authority_id, title_uk, sector, project_type, purpose, "
                    "is_public, stage, state, version, created_at, updated_at) VALUES (:id, :reference, 1, :title, "
                    "'education', 'construction', 'restoration', 1, 'planning', 'active', 1, '2026-01-01', "
                    "'2026-01-01')"), {"id": project_id, "reference": f"VID-2026-00000{project_id}", "title": title})
        upgrade(engine)
        with Session(engine) as session:
            def found(query: str) -> list[int]:
                return sorted(session.exec(listing_ids(ProjectFilters(text=query), None)).all())

            assert found("міст") == [1]
            assert found("РЕМОНТ") == [1]
            assert found("школи") == [2]
            assert found("харків") == [1, 2]
            assert found("kharkiv") == [1, 2]
            assert found("лікарня") == []
    finally:
        engine.dispose()


def test_the_migrations_since_0017_upgrade_a_database_holding_accounts_projects_and_contracts(tmp_path):
    """Rows pointing at accounts and projects must not stop the upgrade (SQLite's foreign keys refuse a
    copy-and-swap of a table others point at), and 0018 writes the search rows of what is stored: a contract's
    contractor and tender id find its project, and names sort in the alphabet's order."""
    from sqlalchemy import text
    from sqlmodel import Session

    from tracker.core.db import make_engine
    from tracker.projects.queries import ProjectFilters, list_projects, listing_ids

    engine = make_engine(f"sqlite:///{tmp_path / 'before-sorting.db'}")
    try:
        upgrade(engine, "0017_project_location_index")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO authority (id, level, name_uk, name_en, path, created_at) "
                                    "VALUES (1, 'hromada', 'Ірпінська громада', 'Irpin', '/1/', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO user_account (id, email, name, password_hash, role, locale, is_active, failed_logins, "
                "created_at) VALUES (1, 'p@test.ua', 'P', 'x', 'planner', 'uk', 1, 0, '2026-01-01')"))
            connection.execute(text("INSERT INTO user_authority (user_id, authority_id) VALUES (1, 1)"))
            for project_id, title in ((1, "Ясла № 2"), (2, "Амбулаторія"), (3, "Їдальня ліцею")):
                connection.execute(text(
                    "INSERT INTO project (id, reference, authority_id, title_uk, sector, project_type, purpose, "
                    "is_public, stage, state, version, created_at, updated_at) VALUES (:id, :reference, 1, :title, "
                    "'education', 'construction', 'restoration', 1, 'planning', 'active', 1, '2026-01-01', "
                    "'2026-01-01')"), {"id": project_id, "reference": f"VID-2026-00000{project_id}", "title": title})
            connection.execute(text(
                "INSERT INTO contract (id, project_id, title, subject, tender_id, procurement_method, status, "
                "contract_type, supplier_name, supplier_edrpou, signed_price, escalation) VALUES (1, 3, 'Роботи', "
                "'works', 'UA-2024-03-15-001234-a', 'open_tender', 'active', 'lump_sum', 'ТОВ Будсервіс', "
                "'14360570', 100, 0)"))
        upgrade(engine)
        assert current_revision(engine) == HEAD
        with Session(engine) as session:
            assert list(session.exec(listing_ids(ProjectFilters(text="будсервіс"), None))) == [3]
            assert list(session.exec(listing_ids(ProjectFilters(text="UA-2024-03-15-001234-a"), None))) == [3]
            page = list_projects(session=session, filters=ProjectFilters(), visible=None, sort="name")
            assert [project.title_uk for project, _authority in page.rows] == ["Амбулаторія", "Їдальня ліцею",
                                                                               "Ясла № 2"]
            assert session.exec(text("SELECT must_change_password FROM user_account")).one()[0] in (0, False)
    finally:
        engine.dispose()

"""The migrations build exactly the schema the models declare, on each backend."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tracker.core.schema import current_revision, upgrade


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
    assert heads == ["0007_merge"]


def test_an_upgraded_database_stands_at_the_one_head(engine):
    assert current_revision(engine) == "0007_merge"


def test_a_database_at_the_old_feature_heads_upgrades_to_the_one_head(tmp_path):
    """Databases set up before the merge stand at the feature branches' heads; ``vidnova init`` moves them on."""
    from tracker.core.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'before-merge.db'}")
    try:
        for branch_head in ("0003_planner_workflow", "0004_engagement", "0006_audit"):
            upgrade(engine, branch_head)
        assert current_revision(engine) == "0003_planner_workflow,0004_engagement,0006_audit"
        upgrade(engine)
        assert current_revision(engine) == "0007_merge"
    finally:
        engine.dispose()

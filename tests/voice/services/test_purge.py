"""Items never confirmed by their author are deleted after VOICE_UNCONFIRMED_DAYS, photos and files included."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from tests.voice.conftest import SECRET, add_moderator, confirmation_path, submit
from tests.voice.images import photo_with_gps
from tracker.audit.models import AuditEntry
from tracker.cli import main
from tracker.core.columns import utcnow
from tracker.core.db import session_scope
from tracker.jobs import housekeeping
from tracker.jobs.cli import Beacon
from tracker.voice import operations
from tracker.voice.models import CitizenItem, CitizenPhoto
from tracker.voice.purge import cutoff, purge_unconfirmed


def _item(session, world, folder, email, *, age_days, confirm=False, publish_by=None):
    item = submit(session, world.clinic, email=email, photo=photo_with_gps(), upload_folder=str(folder))
    if confirm:
        token = confirmation_path(session, email).split("/voice/confirm/")[1]
        operations.confirm(session=session, token=token, secret_key=SECRET, answer_days=30)
    if publish_by is not None:
        operations.publish(session=session, item=item, moderator=publish_by)
    item.created_at = utcnow() - timedelta(days=age_days)
    session.add(item)
    session.flush()
    photo = session.exec(select(CitizenPhoto).where(CitizenPhoto.item_id == item.id)).one()
    return item.id, [folder / "voice" / photo.storage_name, folder / "voice" / photo.thumb_name]


def test_old_unconfirmed_items_go_with_their_files_recent_and_confirmed_stay(session, world, tmp_path):
    moderator = add_moderator(session)
    old, old_files = _item(session, world, tmp_path, "old@example.org", age_days=8)
    recent, recent_files = _item(session, world, tmp_path, "recent@example.org", age_days=6)
    waiting, waiting_files = _item(session, world, tmp_path, "waiting@example.org", age_days=30, confirm=True)
    published, published_files = _item(session, world, tmp_path, "published@example.org", age_days=90,
                                       confirm=True, publish_by=moderator)
    session.commit()
    assert all(path.exists() for path in old_files + recent_files + waiting_files + published_files)

    done = purge_unconfirmed(session=session, older_than=cutoff(7), upload_folder=str(tmp_path))
    assert (done.items, done.photos) == (1, 1)
    assert all(path.exists() for path in old_files)  # the files go only once the deletion is committed
    session.commit()

    assert not any(path.exists() for path in old_files)
    assert all(path.exists() for path in recent_files + waiting_files + published_files)
    assert sorted(session.exec(select(CitizenItem.id)).all()) == sorted([recent, waiting, published])
    assert session.exec(select(CitizenPhoto).where(CitizenPhoto.item_id == old)).all() == []
    deleted = session.exec(select(AuditEntry.table_name).where(AuditEntry.action == "delete")).all()
    assert sorted(deleted) == ["citizen_item", "citizen_photo"]  # the trail records what went
    again = purge_unconfirmed(session=session, older_than=cutoff(7), upload_folder=str(tmp_path))
    assert (again.items, again.photos) == (0, 0)


def test_a_rolled_back_purge_keeps_rows_and_files(session, world, tmp_path):
    old, files = _item(session, world, tmp_path, "old@example.org", age_days=10)
    session.commit()
    assert purge_unconfirmed(session=session, older_than=cutoff(7), upload_folder=str(tmp_path)).items == 1
    session.rollback()
    assert session.get(CitizenItem, old) is not None and all(path.exists() for path in files)


def test_the_command_and_the_workers_purge_with_the_configured_days(app, world):
    folder = app.config["UPLOAD_FOLDER"]
    with app.app_context(), session_scope(app) as session:
        old, old_files = _item(session, world, Path(folder), "old@example.org", age_days=4)
        older, older_files = _item(session, world, Path(folder), "older@example.org", age_days=9)
    app.config["VOICE_UNCONFIRMED_DAYS"] = 7
    result = app.test_cli_runner().invoke(main, ["voice", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 unconfirmed item(s) and 1 photo(s)" in result.output
    assert not any(path.exists() for path in older_files) and all(path.exists() for path in old_files)

    app.config["VOICE_UNCONFIRMED_DAYS"] = 3
    assert any(step.name == "voice-purge-unconfirmed" for step in housekeeping.steps())
    Beacon(app, "test-worker").once()  # a worker's first beat runs every registered step
    assert not any(path.exists() for path in old_files)
    with app.app_context(), session_scope(app) as session:
        assert session.exec(select(CitizenItem)).all() == []


"""Items whose author never used the confirmation link are deleted, with their photos, after
``TRACKER_VOICE_UNCONFIRMED_DAYS`` (7 by default; the link itself expires sooner).

"Nothing is deleted" holds for confirmed items, whatever a moderator decided. An unconfirmed item was never
submitted in effect: nobody but its writer saw it, and it keeps an e-mail address nobody vouched for. The rows go
in one transaction (recorded in the audit trail as any delete), the files only once it commits
(``planning.documents.remove_after_commit``). ``vidnova voice purge`` runs it, and every job worker runs it hourly
(``jobs.housekeeping``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlmodel import Session, col, select

from tracker.core.columns import as_utc, utcnow
from tracker.core.db import session_scope
from tracker.core.locking import lock_by_ids
from tracker.core.vocab import VoiceState
from tracker.planning.documents import remove_after_commit
from tracker.voice.models import CitizenItem, CitizenPhoto
from tracker.voice.operations import PHOTO_FOLDER

#: Items removed by one call at the most (a worker's next run takes the rest).
BATCH = 500
#: How often each job worker purges.
EVERY_SECONDS = 3600


@dataclass(frozen=True)
class Purged:
    items: int
    photos: int


def cutoff(days: int, now: datetime | None = None) -> datetime:
    """Items written before this moment and still unconfirmed are purged."""
    return (now or utcnow()) - timedelta(days=days)


def purge_unconfirmed(*, session: Session, older_than: datetime, upload_folder: str, limit: int = BATCH) -> Purged:
    """Delete up to ``limit`` items still unconfirmed that were written before ``older_than``, and their photos;
    the photo files are removed after the commit. Items confirmed meanwhile are left alone."""
    unconfirmed = (CitizenItem.state == VoiceState.UNCONFIRMED.value, col(CitizenItem.created_at) < older_than)
    ids = session.exec(select(CitizenItem.id).where(*unconfirmed).order_by(CitizenItem.id).limit(limit)).all()
    # Locked and read afresh: an author confirming at this moment either wins (the item stays) or finds it gone.
    items = [item for item in lock_by_ids(session, CitizenItem, [i for i in ids if i is not None])
             if item.state == VoiceState.UNCONFIRMED and as_utc(item.created_at) < older_than]
    if not items:
        return Purged(items=0, photos=0)
    photos = session.exec(select(CitizenPhoto).where(
        col(CitizenPhoto.item_id).in_([item.id for item in items])).order_by(CitizenPhoto.id)).all()
    folder = Path(upload_folder) / PHOTO_FOLDER
    for photo in photos:
        remove_after_commit(session=session, path=folder / photo.storage_name)
        remove_after_commit(session=session, path=folder / photo.thumb_name)
        session.delete(photo)
    session.flush()  # the photos before the items they point to
    for item in items:
        session.delete(item)
    session.flush()
    return Purged(items=len(items), photos=len(photos))


def purge_now(app: Flask) -> Purged:
    """One purge in its own transaction with the app's settings (the CLI and the workers' housekeeping)."""
    with session_scope(app) as session:
        return purge_unconfirmed(session=session, older_than=cutoff(app.config["VOICE_UNCONFIRMED_DAYS"]),
                                 upload_folder=app.config["UPLOAD_FOLDER"])

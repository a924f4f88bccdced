"""The full OC4IDS package of every public project, drawn up by a worker and served as a file.

At national scale the package is about 90 MiB and takes tens of seconds to build. A worker writes it to the
cache folder under the data version it was read at; the route serves that file (fast, with the data version as
its ETag, so an unchanged package answers 304) while it matches the data, and otherwise streams the package live
as before and queues the job that draws up the new file. So a change is followed by one live answer and one
job, never by a stale file served as current.
"""
from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app
from sqlmodel import Session, col, select

from tracker.core import data_version
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.jobs import runner
from tracker.jobs.models import Job, JobState
from tracker.jobs.registry import job_kind
from tracker.publishing import oc4ids
from tracker.publishing import read_models as public_views

EXPORT_OC4IDS = "export.oc4ids"
_FILE = re.compile(r"^projects-(\d+)\.json$")
#: Packages kept besides the newest (a reader may still be downloading the one before).
_KEPT = 1


def folder(app: Flask | None = None) -> Path:
    return Path((app or current_app).config["CACHE_FOLDER"]) / "oc4ids"


def package_path(version: int, app: Flask | None = None) -> Path:
    return folder(app) / f"projects-{version}.json"


def refresh(*, session: Session, version: int, site: str) -> Job:
    """The unfinished job drawing up the package of ``version`` or later, or a new one queued for it."""
    for job in session.exec(select(Job).where(col(Job.kind) == EXPORT_OC4IDS,
                                              col(Job.state).in_([JobState.QUEUED, JobState.RUNNING]))):
        if job.params.get("version", 0) >= version:
            return job
    return runner.submit(session=session, kind=EXPORT_OC4IDS, params={"version": version, "site": site})


@job_kind(EXPORT_OC4IDS, _l("Full OC4IDS export"))
def draw_up(context: runner.JobContext) -> None:
    session, app = context.session, context.app
    version = data_version.current(session).version
    target = package_path(version, app)
    with app.test_request_context("/", base_url=context.params["site"]):  # the site the links point to
        publication = oc4ids.Publication(prefix=app.config["OC4IDS_PREFIX"], publisher=app.config["PUBLISHER_NAME"],
                                         base_url=context.params["site"])
        total = public_views.count_public(session=session)
        context.progress(done=0, total=total, message=_("Writing %(count)d projects…", count=total))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with partial.open("w", encoding="utf-8") as stream:
            pieces = oc4ids.iter_package(session=session, publication=publication, published=datetime.now(UTC),
                                         uri=f"{publication.base_url}open-data/oc4ids/projects.json")
            for written, piece in enumerate(pieces):
                stream.write(piece)
                if written % 500 == 0:
                    context.progress(done=min(written, total))
        os.replace(partial, target)  # readers never see half a file
    _forget_older(target.parent, version)
    context.progress(done=total)
    context.set_result(summary={"projects": total, "bytes": target.stat().st_size})


def _forget_older(where: Path, version: int) -> None:
    older = sorted((int(match.group(1)), path) for path in where.iterdir()
                   if (match := _FILE.match(path.name)) and int(match.group(1)) < version)
    for _version, path in older[:max(len(older) - _KEPT, 0)]:
        path.unlink(missing_ok=True)

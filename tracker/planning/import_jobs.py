"""CSV imports as jobs: the file waits in the job files folder, a worker imports it all or nothing.

The person who started the job is who imports: their scope decides which authorities' projects the file may
touch, exactly as it would in a request (no starter: the command line, which may touch every authority).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tracker.accounts import operations as user_service
from tracker.accounts.models import User
from tracker.core.db import evaluate_later
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.i18n import ngettext
from tracker.core.models import Authority
from tracker.jobs.registry import job_kind
from tracker.jobs.runner import JobContext, JobFailed, new_file_name
from tracker.planning import csv_io
from tracker.projects.policy import can_edit_project

IMPORT_PROJECTS = "import.projects"
IMPORT_PROGRESS = "import.progress"


def _starter(context: JobContext) -> tuple[User | None, list[str]]:
    if context.started_by_id is None:
        return None, []
    user = context.session.get(User, context.started_by_id)
    if user is None:
        raise JobFailed(str(_l("The person who started this job no longer has an account.")))
    return user, user_service.scope_paths(session=context.session, user=user)


def _may_edit(context: JobContext) -> Callable[[Authority], bool]:
    user, paths = _starter(context)
    if user is None:
        return lambda _authority: True
    return lambda authority: can_edit_project(user, authority, paths)


def _input(context: JobContext) -> Path:
    path = Path(context.file_path(context.params["file"]))
    if not path.is_file():
        raise JobFailed(str(_l("The uploaded file is no longer there; upload it again.")))
    return path


def _remove_input(context: JobContext) -> None:
    _remove_quietly(context.file_path(context.params["file"]))


def _import(context: JobContext, importer) -> None:
    # The projects written are evaluated by one job queued when this one ends, not inside its transactions.
    stepwise = importer is csv_io.import_projects
    evaluate_later(context.session, hold=stepwise)
    arguments = {"session": context.session, "data": _input(context), "may_edit": _may_edit(context),
                 "progress": context.progress}
    if stepwise:
        # Each chunk kept as it is written (other people's saves go on between chunks); on any problem the
        # runner takes the kept chunks back (``csv_io.undo_import_step``): all rows or none.
        arguments.update(actor_id=context.started_by_id, step=context.commit_step)
    report = importer(**arguments)
    if not report.ok:
        _remove_input(context)
        raise JobFailed(ngettext("%(num)d problem was found; nothing was written.",
                                 "%(num)d problems were found; nothing was written.", len(report.errors)),
                        errors=[{"row": error.row, "column": error.column, "message": error.message}
                                for error in report.errors])
    context.set_result(summary={"created": report.created, "updated": report.updated,
                                "unchanged": report.unchanged})
    evaluate_later(context.session)  # the final commit queues the evaluation of every project written
    context.session.flush()
    _remove_input(context)


@job_kind(IMPORT_PROJECTS, _l("CSV import of projects"), undo=csv_io.undo_import_step)
def import_projects(context: JobContext) -> None:
    _import(context, csv_io.import_projects)


@job_kind(IMPORT_PROGRESS, _l("CSV import of progress updates"))
def import_progress(context: JobContext) -> None:
    _import(context, csv_io.import_progress)


def save_upload(*, stream, folder: str, limit: int) -> str:
    """Keep an uploaded file in the job files folder for the worker; its new name (an unguessable one)."""
    name = new_file_name(".csv")
    path = os.path.join(folder, name)
    written = 0
    try:
        with open(path + ".part", "wb") as handle:
            while chunk := stream.read(1024 * 1024):
                written += len(chunk)
                if written > limit:
                    break
                handle.write(chunk)
    except OSError:  # a full disk or an unwritable folder: leave nothing behind
        _remove_quietly(path + ".part")
        raise ValueError(_("The file could not be stored on the server; nothing was imported. "
                           "Try again later.")) from None
    if written > limit:
        _remove_quietly(path + ".part")
        raise ValueError(_("The file is larger than %(size)d MB.", size=limit // (1024 * 1024)))
    os.replace(path + ".part", path)
    return name


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass

"""The KATOTTG codifier import as a job: recorded, with progress, all units or none.

``vidnova import katottg FILE`` keeps a copy of the file in the job files folder and runs the job in its own
process (``jobs.cli.run_here``, with a progress bar), so the import shows in the jobs list like any other long
work and a failed one says what was wrong, at which line, in the job's language.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.katottg import CodifierError, import_codifier
from tracker.jobs.registry import job_kind
from tracker.jobs.runner import JobContext, JobFailed

IMPORT_KATOTTG = "import.katottg"

#: The importer's steps (``core.katottg.import_codifier`` reports them by these names) as the job page says them.
_STEPS = {"reading": _l("Reading the codifier…"), "new units": _l("Adding new units…"),
          "names, levels and places": _l("Updating names, levels and places…")}


@job_kind(IMPORT_KATOTTG, _l("KATOTTG codifier import"))
def import_katottg(context: JobContext) -> None:
    path = Path(context.file_path(context.params["file"]))
    source = context.params.get("source") or path.name

    def progress(done: int, total: int, step: str) -> None:
        context.progress(done=done, total=total or None, message=str(_STEPS.get(step, step)))

    try:
        summary = import_codifier(session=context.session, path=path, progress=progress)
    except CodifierError as error:
        # Named after the file the person gave, not the copy the job read.
        raise JobFailed(_("The codifier was not imported: %(file)s has a problem; nothing was written.",
                          file=source),
                        errors=[{"row": error.line, "column": "", "message": error.problem}]) from None
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)
    context.set_result(summary={"created": summary.created, "updated": summary.updated,
                                "unchanged": summary.unchanged, **summary.by_category})

"""Job kinds for the tests only: imported by the test modules and by the worker processes the tests start."""
from __future__ import annotations

import time

from tracker.core.errors import ServiceError
from tracker.core.models import Organisation
from tracker.jobs.registry import job_kind
from tracker.jobs.runner import JobContext, JobFailed

SLOW = "test.slow"
FAILING = "test.failing"
REFUSED = "test.refused"
BROKEN = "test.broken"


@job_kind(SLOW, "a slow job that writes a row first")
def slow(context: JobContext) -> None:
    """Write an organisation named by the params, then work ``steps`` steps of ``pause`` seconds."""
    context.session.add(Organisation(name=context.params["name"], kind="ngo", country="UA"))
    context.session.flush()
    steps = int(context.params.get("steps", 3))
    for step in range(steps):
        context.progress(done=step, total=steps, message=f"step {step + 1} of {steps}")
        time.sleep(float(context.params.get("pause", 0.0)))
    context.progress(done=steps)
    context.set_result(summary={"written": 1})


@job_kind(FAILING, "a job that reports problems")
def failing(context: JobContext) -> None:
    context.session.add(Organisation(name="never kept", kind="ngo", country="UA"))
    context.session.flush()
    raise JobFailed("2 problems", errors=[{"row": 2, "column": "title_uk", "message": "required"},
                                          {"row": 5, "column": "", "message": "too many cells"}])


@job_kind(REFUSED, "a job the domain refuses")
def refused(context: JobContext) -> None:
    raise ServiceError("no such authority", field="authority_code")


@job_kind(BROKEN, "a job with a bug")
def broken(context: JobContext) -> None:
    raise RuntimeError("a bug")


SLOW_IMPORT = "test.slow_import"


def _slow_import(context: JobContext) -> None:
    """The project CSV import, written two rows a step with a pause after each (so a test can kill it midway)."""
    from tracker.planning import csv_io, import_jobs

    keep = context.commit_step

    def step_slowly(payload: dict) -> None:
        keep(payload)
        time.sleep(float(context.params.get("pause", 0.3)))

    context.commit_step = step_slowly  # type: ignore[method-assign]
    chunk, csv_io.WRITE_CHUNK = csv_io.WRITE_CHUNK, {"postgresql": 2, "sqlite": 2}
    try:
        import_jobs._import(context, csv_io.import_projects)
    finally:
        csv_io.WRITE_CHUNK = chunk


def _register_slow_import() -> None:
    from tracker.planning import csv_io

    job_kind(SLOW_IMPORT, "the CSV import, slowly", undo=csv_io.undo_import_step)(_slow_import)


_register_slow_import()

"""``vidnova import projects|progress FILE`` and ``vidnova export projects|progress -o FILE``.

An import from the command line is a job like one from the web (it shows in ``vidnova jobs list`` and on the
jobs page), run here in this process with a progress bar; it may touch every authority's projects. A worker
takes it over only if this command dies before starting it.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlmodel import Session

from tracker.core.db import get_engine, session_scope
from tracker.jobs import runner
from tracker.jobs.cli import run_here
from tracker.jobs.models import JobState
from tracker.planning import csv_io
from tracker.planning.import_jobs import IMPORT_PROGRESS, IMPORT_PROJECTS, save_upload

#: No upload limit applies to a file given on the command line; this only stops a wrong file (a disk image).
COMMAND_LINE_LIMIT = 4 * 1024 ** 3
LANGUAGE = click.option("--lang", "language", type=click.Choice(["uk", "en"]), default="en", show_default=True,
                        help="Language of the messages.")


def register(main: click.Group) -> None:
    """Add the CSV commands to the ``import`` and ``export`` groups (declared by demo and publishing)."""
    for group_name, commands in (("import", (import_projects, import_progress)),
                                 ("export", (export_projects, export_progress))):
        group = main.commands.get(group_name)
        if not isinstance(group, click.Group):
            raise RuntimeError(f"the command group {group_name!r} must be registered before planning's commands")
        for command in commands:
            group.add_command(command)


def _run_import(kind: str, file: Path, language: str) -> None:
    with open(file, "rb") as handle:
        try:
            name = save_upload(stream=handle, folder=runner.files_folder(), limit=COMMAND_LINE_LIMIT)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    with session_scope() as session:
        job_id = runner.submit(session=session, kind=kind, params={"file": name, "locale": language,
                                                                    "source": file.name}, send=False).id
    job = run_here(job_id)
    if job.state == JobState.DONE:
        summary = job.summary or {}
        click.echo(f"job {job_id} done: {summary.get('created', 0)} created, {summary.get('updated', 0)} updated, "
                   f"{summary.get('unchanged', 0)} unchanged.")
        return
    for error in job.errors or []:
        click.echo(f"{file}: row {error.get('row')}, column {error.get('column') or '-'}: {error.get('message')}",
                   err=True)
    raise click.ClickException(f"job {job_id} {job.state.value}: {job.error or ''}".strip())


@click.command("projects")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@LANGUAGE
@with_appcontext
def import_projects(file: Path, language: str) -> None:
    """Import projects from a CSV file (the web import's columns): all rows or, on any error, none."""
    _run_import(IMPORT_PROJECTS, file, language)


@click.command("progress")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@LANGUAGE
@with_appcontext
def import_progress(file: Path, language: str) -> None:
    """Import progress updates from a CSV file: all rows or, on any error, none."""
    _run_import(IMPORT_PROGRESS, file, language)


def _write_export(produce, output: Path, language: str) -> None:
    with force_locale(language), Session(get_engine()) as session:
        text = produce(session=session)
    partial = output.with_name(output.name + ".part")
    # Written beside the target and renamed: a reader never sees half a file.
    partial.write_text(text, encoding="utf-8-sig", newline="")
    os.replace(partial, output)
    rows = sum(1 for _row in csv.reader(io.StringIO(text))) - 1  # cells may hold line breaks
    click.echo(f"{max(rows, 0)} rows written to {output}")


@click.command("projects")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@LANGUAGE
@with_appcontext
def export_projects(output: Path, language: str) -> None:
    """Export every project as CSV, in the columns the import reads back."""
    _write_export(csv_io.export_projects, output, language)


@click.command("progress")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@LANGUAGE
@with_appcontext
def export_progress(output: Path, language: str) -> None:
    """Export every project's progress observations as CSV, in the columns the import reads back."""
    _write_export(csv_io.export_progress, output, language)

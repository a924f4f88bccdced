"""``vidnova import katottg FILE`` and ``vidnova demo``: reference data and demo data."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.core.db import session_scope
from tracker.demo.build import load_demo
from tracker.demo.katottg_job import IMPORT_KATOTTG
from tracker.jobs import runner
from tracker.jobs.cli import run_here
from tracker.jobs.models import JobState
from tracker.planning.import_jobs import save_upload

#: A codifier file is about 3 MB; this only stops a wrong file (a disk image) being copied for the job.
CODIFIER_LIMIT = 256 * 1024 ** 2


def register(main: click.Group) -> None:
    """Register the data commands."""
    main.add_command(import_group)
    main.add_command(demo)


@click.group("import")
def import_group() -> None:
    """Import reference data."""


@import_group.command("katottg")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", "language", type=click.Choice(["uk", "en"]), default="en", show_default=True,
              help="Language of the messages.")
@with_appcontext
def katottg(file: Path, language: str) -> None:
    """Import the official KATOTTG codifier (the Ministry's semicolon-separated CSV), as a recorded job."""
    with open(file, "rb") as handle:
        try:
            name = save_upload(stream=handle, folder=runner.files_folder(), limit=CODIFIER_LIMIT)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    with session_scope() as session:
        job_id = runner.submit(session=session, kind=IMPORT_KATOTTG, send=False,
                               params={"file": name, "source": str(file), "locale": language}).id
    job = run_here(job_id)
    if job.state != JobState.DONE:
        for error in job.errors or []:  # file:line: problem, as an editor jumps to it
            line = f":{error['row']}" if error.get("row") is not None else ""
            click.echo(f"error: {file}{line}: {error.get('message')}", err=True)
        click.echo(f"job {job_id} {job.state.value}: {job.error or ''}".strip(), err=True)
        raise SystemExit(1)
    summary = dict(job.summary or {})
    counts = {key: summary.pop(key, 0) for key in ("created", "updated", "unchanged")}
    categories = ", ".join(f"{category} {count}" for category, count in sorted(summary.items()))
    click.echo(f"KATOTTG: {sum(counts.values())} units read ({categories}); {counts['created']} created, "
               f"{counts['updated']} updated, {counts['unchanged']} unchanged (job {job_id}).")


@click.command()
@with_appcontext
def demo() -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    with session_scope() as session:
        result = load_demo(session=session)
    logins = result.pop("logins")
    if any(result.values()):
        click.echo("Demo data created: " + ", ".join(f"{name} {count}" for name, count in result.items() if count))
    else:
        click.echo("Demo data already loaded: nothing added.")
    click.echo(f"Demo logins, password {logins[0]['password']} (demo only, never use it elsewhere):")
    for login in logins:
        click.echo(f"  {login['email']:<30} {login['who']:<42} interface in {login['language']}")

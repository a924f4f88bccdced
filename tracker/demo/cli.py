"""``vidnova import katottg FILE`` and ``vidnova demo``: reference data and demo data."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.core.cli_progress import CommandProgress
from tracker.core.db import session_scope
from tracker.core.errors import ServiceError
from tracker.core.katottg import import_codifier
from tracker.demo.build import load_demo


def register(main: click.Group) -> None:
    """Register the data commands."""
    main.add_command(import_group)
    main.add_command(demo)


@click.group("import")
def import_group() -> None:
    """Import reference data."""


@import_group.command("katottg")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def katottg(file: Path) -> None:
    """Import the official KATOTTG codifier (the Ministry's semicolon-separated CSV)."""
    progress = CommandProgress("KATOTTG")
    try:
        with session_scope() as session:
            summary = import_codifier(session=session, path=file, progress=progress)
    except ServiceError as exc:  # a CodifierError reads file:line: problem
        progress.close()
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from exc
    progress.close()
    categories = ", ".join(f"{category} {count}" for category, count in sorted(summary.by_category.items()))
    click.echo(f"KATOTTG: {summary.total} units read ({categories}); "
               f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged.")


@click.command()
@with_appcontext
def demo() -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    with session_scope() as session:
        result = load_demo(session=session)
    logins = result.pop("logins")
    click.echo("Demo data created: " + ", ".join(f"{name} {count}" for name, count in result.items()))
    click.echo("Demo logins (demo only, never use these passwords elsewhere):")
    for login in logins:
        click.echo(f"  {login['email']:<32} {login['role']:<8} {login['password']}")

"""``vidnova init``: create or upgrade the schema."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from tracker.core.db import get_engine
from tracker.core.schema import current_revision, upgrade


def register(main: click.Group) -> None:
    main.add_command(init)


@click.command()
@with_appcontext
def init() -> None:
    """Create the database schema, or upgrade it to the newest migration."""
    engine = get_engine()
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"Database {where} is up to date (revision {after}).")
    else:
        click.echo(f"Database {where} upgraded from {before or 'empty'} to revision {after}.")

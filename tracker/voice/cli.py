"""``vidnova voice purge``: delete citizens' items never confirmed by their author (the workers do it hourly)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.jobs import housekeeping
from tracker.voice import purge


def register(main: click.Group) -> None:
    main.add_command(voice)
    housekeeping.register("voice-purge-unconfirmed", purge.EVERY_SECONDS, purge.purge_now)


@click.group()
def voice() -> None:
    """Citizens' voice."""


@voice.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete items (and their photos) whose author never confirmed them within TRACKER_VOICE_UNCONFIRMED_DAYS."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    total_items = total_photos = 0
    while True:  # in batches, each its own transaction
        done = purge.purge_now(app)
        total_items, total_photos = total_items + done.items, total_photos + done.photos
        if done.items < purge.BATCH:
            break
    click.echo(f"Deleted {total_items} unconfirmed item(s) and {total_photos} photo(s) "
               f"older than {app.config['VOICE_UNCONFIRMED_DAYS']} day(s).")

"""The ``vidnova`` command-line tool; each area's commands live in a module of its own."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from tracker import create_app
from tracker.core.config import ConfigError

_cli_apps: list = []


def _create_cli_app():
    # Command-line tools sign no cookies, so they run without a production secret key.
    try:
        app = create_app({"REQUIRE_SECRET_KEY": False})
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    _cli_apps.append(app)
    return app


def _release_connections() -> None:
    """Close pooled connections when a command ends instead of leaving them to the garbage collector."""
    from tracker.core.db import get_engine

    while _cli_apps:
        get_engine(_cli_apps.pop()).dispose()


@click.group(cls=FlaskGroup, create_app=_create_cli_app, add_default_commands=True,
             add_version_option=False, load_dotenv=False)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Vidnova: reconstruction projects checked against the OECD principles."""
    ctx.call_on_close(_release_connections)


def _register() -> None:
    from tracker.accounts import cli as users
    from tracker.audit import cli as audit
    from tracker.core import cli as database
    from tracker.demo import cli as data
    from tracker.engagement import cli as engagement
    from tracker.governance import cli as rules
    from tracker.jobs import cli as jobs
    from tracker.planning import cli as planning
    from tracker.publishing import cli as reports
    from tracker.voice import cli as voice

    # planning adds its CSV commands to the import and export groups of data and reports: it comes after them.
    for module in (database, users, data, rules, engagement, reports, audit, jobs, planning, voice):
        module.register(main)


_register()

"""The ``vidnova`` command-line tool; each area's commands live in a module of its own."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from .. import create_app


def _create_cli_app():
    # Command-line tools sign no cookies, so they run without a production secret key.
    return create_app({"REQUIRE_SECRET_KEY": False})


@click.group(cls=FlaskGroup, create_app=_create_cli_app, add_default_commands=True,
             add_version_option=False, load_dotenv=False)
def main() -> None:
    """Vidnova: reconstruction projects checked against the OECD principles."""


def _register() -> None:
    from . import data, database, users

    for module in (database, users, data):
        module.register(main)


_register()

"""`vidnova init` and `vidnova user create` through the real command group."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from tests.factories import build_world
from tracker.accounts.models import User
from tracker.cli import main


@pytest.fixture
def cli(database_url):
    def invoke(*args: str, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(main, list(args), input=input,
                             env={"TRACKER_DATABASE_URL": database_url, "TRACKER_ENV": "production",
                                  "TRACKER_SECRET_KEY": ""})
    return invoke


def test_init_reports_up_to_date_schema(cli):
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_user_create_planner(cli, session):
    build_world(session)
    result = cli("user", "create", "--email", "Planner@Hromada.ua", "--name", "Оксана", "--role", "planner",
                 "--authority", "UA32080150000014315", "--password", "long-enough-password")
    assert result.exit_code == 0, result.output
    created = session.exec(select(User).where(User.email == "planner@hromada.ua")).one()
    assert created.role == "planner"


@pytest.mark.parametrize("args, named", [
    (["--role", "planner", "--authority", "UA00000000000000001"], "UA00000000000000001"),
    (["--role", "overlord"], "overlord"),
])
def test_user_create_refuses_unknown_role_or_authority(cli, engine, session, args, named):
    build_world(session)
    result = cli("user", "create", "--email", "x@test.ua", "--password", "long-enough-password", *args)
    assert result.exit_code != 0
    assert named in result.output
    assert "nothing was written" in result.output
    with Session(engine) as check:
        assert check.exec(select(User).where(User.email == "x@test.ua")).first() is None

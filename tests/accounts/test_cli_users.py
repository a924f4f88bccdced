"""`vidnova init` and `vidnova user create` through the real command group."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from tests.factories import build_world
from tracker.accounts.models import User, UserAuthority
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


def test_user_create_moderator(cli, session):
    """The moderator of citizens' items (tracker/voice) needs no authority."""
    result = cli("user", "create", "--email", "moderator@vidnova.ua", "--name", "Ірина", "--role", "moderator",
                 "--password", "long-enough-password")
    assert result.exit_code == 0, result.output
    assert session.exec(select(User.role).where(User.email == "moderator@vidnova.ua")).one() == "moderator"


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


ADDRESSES = ["admin@localhost", "a@b", "two@@test.ua", "space in@test.ua", "dot.@test.ua", "x@-bad-.ua",
             "x" * 250 + "@test.ua", "Good.Person@Hromada.Gov.ua", "олена@приклад.укр"]


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_command_line_accepts_exactly_the_addresses_the_sign_in_form_accepts(app, cli, engine, session,
                                                                                address):
    from tracker.accounts.views import LoginForm

    build_world(session)
    session.commit()
    with app.test_request_context(method="POST", data={"email": address, "password": "x"}):
        form_accepts = LoginForm(meta={"csrf": False}).validate()
    result = cli("user", "create", "--email", address, "--role", "auditor", "--password", "long-enough-password")
    assert (result.exit_code == 0) == form_accepts, result.output
    with Session(engine) as check:
        stored = check.exec(select(User).where(User.email == address.strip().lower())).first()
    assert (stored is not None) == form_accepts
    if not form_accepts:
        assert "email:" in result.output and "nothing was written" in result.output
    assert form_accepts == (address in ("Good.Person@Hromada.Gov.ua", "олена@приклад.укр"))


def test_password_and_deactivation_commands_sign_the_user_out(cli, engine, session):
    world = build_world(session)
    session.commit()
    result = cli("user", "password", "--email", world.auditor.email.upper(), "--password", "another-long-password")
    assert result.exit_code == 0, result.output
    assert cli("user", "deactivate", "--email", world.auditor.email).exit_code == 0
    with Session(engine) as check:
        stored = check.get(User, world.auditor.id)
        assert stored.session_version == 2 and not stored.is_active
    assert cli("user", "activate", "--email", world.auditor.email).exit_code == 0
    refused = cli("user", "password", "--email", "nobody@test.ua", "--password", "another-long-password")
    assert refused.exit_code != 0 and "nobody@test.ua" in refused.output and "nothing was written" in refused.output
    short = cli("user", "password", "--email", world.auditor.email, "--password", "short")
    assert short.exit_code != 0 and "password:" in short.output
    with Session(engine) as check:
        stored = check.get(User, world.auditor.id)
        assert stored.session_version == 2 and stored.is_active


def test_the_command_line_keeps_the_last_administrator_and_resets_temporarily(cli, engine, session):
    """The same rules as the administrators' pages, through the same operations."""
    world = build_world(session)
    session.commit()
    last = cli("user", "deactivate", "--email", world.admin.email)
    assert last.exit_code != 0 and "admin@test.ua" in last.output and "nothing was written" in last.output
    demoted = cli("user", "update", "--email", world.admin.email, "--role", "auditor")
    assert demoted.exit_code != 0 and "admin@test.ua" in demoted.output
    moved = cli("user", "update", "--email", world.irpin_planner.email, "--authority", "UA63120050000013387")
    assert moved.exit_code == 0, moved.output
    reset = cli("user", "password", "--email", world.auditor.email, "--temporary", "--password",
                "temporary-pass-42")
    assert reset.exit_code == 0, reset.output
    with Session(engine) as check:
        assert check.get(User, world.admin.id).is_active and check.get(User, world.admin.id).role == "admin"
        assert check.get(User, world.auditor.id).must_change_password
        scope = check.exec(select(UserAuthority.authority_id).where(
            UserAuthority.user_id == world.irpin_planner.id)).all()
        assert scope == [world.derhachi_hromada.id]

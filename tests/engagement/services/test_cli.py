"""`vidnova partner confirm|list` and `vidnova mail flush` through the real command group."""
from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import select

from tests.engagement.services.conftest import register
from tests.engagement.services.smtp import running_smtp_server
from tracker.cli import main
from tracker.core.models import OutboxMessage
from tracker.engagement.models import PartnerProfile


def _cli(database_url, *args, **env):
    return CliRunner().invoke(main, list(args), env={"TRACKER_DATABASE_URL": database_url, "TRACKER_ENV": "production",
                                                     "TRACKER_SECRET_KEY": "", **env})


def test_partner_confirm_and_list(database_url, session, world):
    register(session, email="cli@lyon-test.eu")
    session.commit()
    listed = _cli(database_url, "partner", "list")
    assert listed.exit_code == 0 and "cli@lyon-test.eu" in listed.output and "UNCONFIRMED" in listed.output
    result = _cli(database_url, "partner", "confirm", "cli@lyon-test.eu")
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.exec(select(PartnerProfile)).one().confirmed_at is not None
    assert _cli(database_url, "partner", "confirm", "nobody@lyon-test.eu").exit_code == 1
    again = _cli(database_url, "partner", "confirm", "cli@lyon-test.eu")
    assert again.exit_code == 1 and "nothing was written" in again.output
    assert len([m for m in session.exec(select(OutboxMessage)) if m.recipient == "cli@lyon-test.eu"]) == 1


def test_mail_flush_sends_what_waits(database_url, session, world):
    register(session, email="cli@lyon-test.eu")
    session.commit()
    assert _cli(database_url, "mail", "flush").exit_code == 1  # no SMTP host configured
    with running_smtp_server() as (inbox, port):
        result = _cli(database_url, "mail", "flush", TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=str(port))
    assert result.exit_code == 0, result.output
    assert inbox.to(world.admin.email) and "Sent 1 message(s)." in result.output
    session.expire_all()
    assert all(m.sent_at is not None for m in session.exec(select(OutboxMessage)))

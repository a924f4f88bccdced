"""The outbox: messages leave through real SMTP only after their transaction commits."""
from __future__ import annotations

from sqlmodel import Session, select

from tests.engagement.services.smtp import smtp_settings
from tracker import create_app
from tracker.core import mail
from tracker.core.db import get_engine
from tracker.core.models import OutboxMessage


def _app(database_url, **config):
    return create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
                       "DATABASE_URL": database_url, **config})


def test_sent_after_commit_and_not_after_rollback(database_url, smtp):
    inbox, port = smtp
    app = _app(database_url, **smtp_settings(port))
    with app.app_context():
        with Session(get_engine(app)) as session:
            mail.queue(session=session, recipient="gone@example.org", subject="Rolled back", body="x")
            session.rollback()
            mail.queue(session=session, recipient="kept@example.org", subject="Committed", body="Привіт")
            assert inbox.messages == []  # nothing leaves before the commit
            session.commit()
        assert inbox.subjects() == ["Committed"]
        assert inbox.messages[0].get_content().strip() == "Привіт"
        with Session(get_engine(app)) as session:
            rows = session.exec(select(OutboxMessage)).all()
            assert [(m.recipient, m.sent_at is not None, m.attempts) for m in rows] == [
                ("kept@example.org", True, 1)]
    get_engine(app).dispose()


def test_unreachable_server_keeps_the_message_for_a_retry(database_url, smtp):
    inbox, port = smtp
    from tests.engagement.services.smtp import free_port

    app = _app(database_url, **smtp_settings(free_port()))
    with app.app_context():
        with Session(get_engine(app)) as session:
            mail.queue(session=session, recipient="later@example.org", subject="Later", body="x")
            session.commit()  # delivery fails; the commit stands
        with Session(get_engine(app)) as session:
            row = session.exec(select(OutboxMessage)).one()
            assert row.sent_at is None and row.attempts == 1 and row.last_error
        assert mail.deliver(bind=get_engine(app), config={**app.config, **smtp_settings(port)}) == 1
    assert inbox.subjects() == ["Later"]
    get_engine(app).dispose()


def test_without_smtp_host_messages_wait(database_url):
    app = _app(database_url)
    with app.app_context():
        with Session(get_engine(app)) as session:
            mail.queue(session=session, recipient="a@example.org", subject="Waits", body="x")
            session.commit()
        with Session(get_engine(app)) as session:
            assert session.exec(select(OutboxMessage.sent_at)).all() == [None]
    get_engine(app).dispose()


def test_two_senders_at_once_send_every_message_once(database_url):
    """Real threads draining one outbox together (as two workers, or a worker and `vidnova mail flush`)."""
    import asyncio
    import threading

    from aiosmtpd.controller import Controller

    from tests.engagement.services.smtp import Inbox, free_port

    class SlowInbox(Inbox):
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            await asyncio.sleep(0.01)  # long enough for the two senders to overlap
            return await super().handle_DATA(server, session, envelope)

    inbox, port = SlowInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app = _app(database_url)  # no SMTP here: the messages wait for the senders below
    try:
        with app.app_context():
            with Session(get_engine(app)) as session:
                for number in range(60):
                    mail.queue(session=session, recipient=f"r{number}@example.org", subject=f"m{number}", body="x")
                session.commit()
            config = {**app.config, **smtp_settings(port)}
            counts = []
            start = threading.Barrier(2)

            def send():
                start.wait()
                counts.append(mail.deliver(bind=get_engine(app), config=config, batch=10))

            senders = [threading.Thread(target=send) for _ in range(2)]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join(60)
            assert sorted(inbox.subjects()) == sorted(f"m{number}" for number in range(60))  # each exactly once
            assert sum(counts) == 60 and all(counts), counts  # both took part
            with Session(get_engine(app)) as session:
                rows = session.exec(select(OutboxMessage)).all()
                assert all(row.sent_at is not None and row.attempts == 1 for row in rows)
    finally:
        controller.stop()
        get_engine(app).dispose()

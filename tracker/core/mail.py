"""The one door to SMTP: e-mails are queued in the database and sent only after their transaction commits.

Why an outbox table rather than a list on ``flask.g``: ``queue()`` writes an ``OutboxMessage`` row in the
same transaction as the change the message reports, so a rolled-back action sends nothing and a committed
one never loses its message. A listener on the session's ``after_commit`` sends exactly the rows that
transaction queued, through a fresh session, and marks them sent; a failed delivery leaves the row unsent
with the error, and ``vidnova mail flush`` retries. Without ``SMTP_HOST`` (or outside an app context, as in
plain service tests) messages simply wait in the outbox.

Settings: ``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_USER``, ``SMTP_PASSWORD``, ``SMTP_STARTTLS``, ``SMTP_TIMEOUT``,
``MAIL_FROM`` (all ``TRACKER_``-prefixed in the environment).
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from email.message import EmailMessage

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from tracker.core.columns import utcnow
from tracker.core.models import OutboxMessage

log = logging.getLogger(__name__)
_PENDING_KEY = "tracker.core.mail.pending"


def queue(*, session: Session, recipient: str, subject: str, body: str) -> OutboxMessage:
    """Write a message to the outbox; it leaves once the caller's transaction commits."""
    message = OutboxMessage(recipient=recipient.strip(), subject=subject[:300], body=body)
    session.add(message)
    session.flush()
    session.info.setdefault(_PENDING_KEY, []).append(message.id)
    return message


def site_url(path: str) -> str:
    """An absolute link for an e-mail: ``PUBLIC_BASE_URL``, else the address this request came to."""
    base = ""
    if has_app_context():
        base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base and has_request_context():
        base = request.host_url
    return base.rstrip("/") + path


def deliver(*, bind: Engine | Connection, config: Mapping, ids: Iterable[int] | None = None) -> int:
    """Send unsent outbox messages (these ``ids``, or all); return how many left. Errors are recorded."""
    if not config.get("SMTP_HOST"):
        return 0
    sent = 0
    with Session(bind, expire_on_commit=False) as session:
        query = select(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None)).order_by(col(OutboxMessage.id))
        if ids is not None:
            query = query.where(col(OutboxMessage.id).in_(list(ids)))
        messages = list(session.exec(query))
        if not messages:
            return 0
        for message in messages:
            message.attempts += 1
            session.add(message)
        try:
            with _connect(config) as smtp:
                for message in messages:
                    try:
                        smtp.send_message(_email(message, config["MAIL_FROM"]))
                    except smtplib.SMTPException as error:
                        message.last_error = str(error)[:500]
                    else:
                        message.sent_at, message.last_error = utcnow(), None
                        sent += 1
        except (OSError, smtplib.SMTPException) as error:  # the server is unreachable or refused us
            log.warning("mail delivery failed: %s", error)
            for message in messages:
                if message.sent_at is None:
                    message.last_error = str(error)[:500]
        session.commit()
    return sent


def _connect(config: Mapping) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25),
                        timeout=int(config.get("SMTP_TIMEOUT") or 10))
    try:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


@event.listens_for(OrmSession, "after_commit")
def _send_after_commit(session: OrmSession) -> None:
    """Deliver what the committed transaction queued; never let mail trouble undo a committed action."""
    ids = session.info.pop(_PENDING_KEY, None)
    if not ids or not has_app_context():
        return
    try:
        deliver(bind=session.get_bind(), config=current_app.config, ids=ids)
    except Exception:  # noqa: BLE001 - the rows stay in the outbox for a retry
        log.exception("mail delivery after commit failed")


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session: OrmSession) -> None:
    # The rolled-back rows are gone; their ids must not be sent by a later commit.
    session.info.pop(_PENDING_KEY, None)

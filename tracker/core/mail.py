"""The one door to SMTP: e-mails are queued in the database and sent by a worker after their transaction commits.

Why an outbox table rather than a list on ``flask.g``: ``queue()`` writes an ``OutboxMessage`` row in the
same transaction as the change the message reports, so a rolled-back action sends nothing and a committed
one never loses its message. Once that transaction commits, the task ``mail.send`` goes to the job queue
(``core.queue``): a request never waits on SMTP. Workers drain the outbox, and again every minute.

Two workers never send one message twice: ``deliver`` first claims a batch of rows in one conditional
``UPDATE`` (``claimed_by`` = a fresh token; on PostgreSQL its rows picked ``FOR UPDATE SKIP LOCKED``), then
sends only what it claimed. A claim older than ``CLAIM_LEASE`` (a worker died mid-send) may be taken again. A
failed delivery releases the row with the error for a later retry (``vidnova mail flush`` retries at once).
Without ``SMTP_HOST`` messages simply wait in the outbox.

Settings: ``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_USER``, ``SMTP_PASSWORD``, ``SMTP_STARTTLS``, ``SMTP_TIMEOUT``,
``MAIL_FROM`` (all ``TRACKER_``-prefixed in the environment).
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import event, or_, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from tracker.core import queue as queue_tasks
from tracker.core.columns import utcnow
from tracker.core.db import get_engine
from tracker.core.models import OutboxMessage

log = logging.getLogger(__name__)
_PENDING_KEY = "tracker.core.mail.pending"
SEND_TASK = "mail.send"
#: How long a worker's claim on a message holds before another may send it (the worker died mid-send).
CLAIM_LEASE = timedelta(minutes=10)


def queue(*, session: Session, recipient: str, subject: str, body: str) -> OutboxMessage:
    """Write a message to the outbox; it leaves once the caller's transaction commits."""
    message = OutboxMessage(recipient=recipient.strip(), subject=subject[:300], body=body)
    session.add(message)
    session.flush()
    if not session.info.get(_PENDING_KEY):
        session.info[_PENDING_KEY] = True
        queue_tasks.send_after_commit(session, SEND_TASK)
    return message


def site_url(path: str) -> str:
    """An absolute link for an e-mail: ``PUBLIC_BASE_URL``, else the address this request came to (production
    refuses to start without ``PUBLIC_BASE_URL`` unless ``TRUSTED_HOSTS`` limits what that address can be)."""
    base = ""
    if has_app_context():
        base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base and has_request_context():
        base = request.host_url
    return base.rstrip("/") + path


def deliver(*, bind: Engine | Connection, config: Mapping, ids: Iterable[int] | None = None,
            batch: int = 100) -> int:
    """Send unsent outbox messages (these ``ids``, or all) that nobody else is sending; return how many left."""
    if not config.get("SMTP_HOST"):
        return 0
    wanted = None if ids is None else list(ids)
    sent = 0
    missed = 0
    while True:
        claimed = _claim(bind, wanted, batch)
        if not claimed:
            # Another sender's claim of the same rows won the race; look again while rows are still due.
            missed += 1
            if missed > 3 or not _claim(bind, wanted, 1, dry_run=True):
                return sent
            continue
        delivered = _send_claimed(bind, config, claimed)
        sent += delivered
        if delivered < len(claimed):
            return sent  # SMTP trouble: the rest waits for the next round rather than being retried at once


def _claim(bind: Engine | Connection, ids: list[int] | None, batch: int, dry_run: bool = False) -> list[int]:
    """Claim up to ``batch`` due messages (``dry_run``: only say which are due) and return their ids."""
    token = uuid.uuid4().hex
    now = utcnow()
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    due = (select(table.c.id).where(table.c.sent_at.is_(None),
                                    or_(table.c.claimed_at.is_(None), table.c.claimed_at < now - CLAIM_LEASE))
           .order_by(table.c.id).limit(batch))
    if ids is not None:
        due = due.where(table.c.id.in_(ids))
    if dry_run:
        with Session(bind) as session:
            return list(session.scalars(due))
    with Session(bind) as session:
        # Two statements, not UPDATE ... WHERE id IN (SELECT ... LIMIT ... SKIP LOCKED): PostgreSQL may rescan
        # such a subquery per row and then skip the rows it has just updated itself, claiming far past the limit.
        # The locked SELECT picks the batch (SKIP LOCKED: rows another sender is claiming right now are left to
        # it); the UPDATE repeats the conditions, so on SQLite, which has no row locks, a row claimed meanwhile
        # no longer matches.
        picked = list(session.scalars(due.with_for_update(skip_locked=True)))
        if not picked:
            return []
        session.execute(update(table).where(table.c.id.in_(picked), table.c.sent_at.is_(None),
                                            or_(table.c.claimed_at.is_(None),
                                                table.c.claimed_at < now - CLAIM_LEASE))
                        .values(claimed_by=token, claimed_at=now, attempts=table.c.attempts + 1))
        claimed = list(session.scalars(select(table.c.id).where(table.c.claimed_by == token)
                                       .order_by(table.c.id)))
        session.commit()
    return claimed


def _send_claimed(bind: Engine | Connection, config: Mapping, claimed: list[int]) -> int:
    sent = 0
    with Session(bind, expire_on_commit=False) as session:
        messages = list(session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(claimed))
                                     .order_by(col(OutboxMessage.id))))
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
        for message in messages:
            if message.sent_at is None:  # released for a later retry
                message.claimed_by, message.claimed_at = None, None
            session.add(message)
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


@queue_tasks.task(SEND_TASK)
def send_waiting() -> int:
    """The worker's task: send what waits in the outbox (claimed, so two workers never send one message)."""
    return deliver(bind=get_engine(), config=current_app.config)


@event.listens_for(OrmSession, "after_commit")
@event.listens_for(OrmSession, "after_rollback")
def _next_transaction(session: OrmSession) -> None:
    # The next transaction that queues mail sends the task again.
    session.info.pop(_PENDING_KEY, None)

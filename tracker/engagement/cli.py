"""``vidnova partner …`` and ``vidnova mail flush``: confirming EU partners and sending the mail outbox."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import select

from tracker.accounts.models import User
from tracker.core import mail
from tracker.core.db import get_engine, session_scope
from tracker.core.errors import ServiceError
from tracker.core.vocab import Role
from tracker.engagement import partners as partner_service


def register(main: click.Group) -> None:
    main.add_command(partner)
    main.add_command(mail_group)


@click.group()
def partner() -> None:
    """Manage EU partner accounts."""


@partner.command("confirm")
@click.argument("email")
@click.option("--by", "admin_email", default=None, help="E-mail of the admin who confirms (default: the first admin).")
@with_appcontext
def confirm(email: str, admin_email: str | None) -> None:
    """Confirm the partner whose account has EMAIL, so that it can make offers."""
    try:
        with session_scope() as session:
            query = select(User).where(User.role == Role.ADMIN)
            if admin_email:
                query = query.where(User.email == admin_email.strip().lower())
            admin = session.exec(query.order_by(User.id)).first()
            if admin is None:
                raise click.ClickException("no administrator found; create one with `vidnova user create`")
            profile = partner_service.get_profile_by_email(session=session, email=email)
            partner_service.confirm_partner(session=session, profile=profile, admin=admin)
            click.echo(f"Confirmed partner {email}.")
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'input'}: {error.message}; nothing was written") from error


@partner.command("list")
@with_appcontext
def list_partners() -> None:
    """List partner accounts, the unconfirmed first."""
    with session_scope() as session:
        for profile, organisation, user in partner_service.list_partners(session=session, public=False):
            state = "confirmed" if profile.is_confirmed else "UNCONFIRMED"
            hidden = " hidden" if profile.is_hidden else ""
            click.echo(f"{user.email}\t{organisation.name} ({organisation.country})\t{state}{hidden}")


@click.group("mail")
def mail_group() -> None:
    """The e-mail outbox."""


@mail_group.command("flush")
@with_appcontext
def flush() -> None:
    """Send every message still waiting in the outbox (after an SMTP outage, for example).

    Safe beside running workers and another flush: each message is claimed before it is sent.
    """
    if not current_app.config.get("SMTP_HOST"):
        raise click.ClickException("TRACKER_SMTP_HOST is not set; nothing can be sent")
    sent = mail.deliver(bind=get_engine(), config=current_app.config)
    click.echo(f"Sent {sent} message(s).")

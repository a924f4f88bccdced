"""``vidnova user …``: accounts from the command line (the first admin, service users).

The same operations as the administrators' pages (``/manage/users``), so both apply the same rules.
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from tracker.accounts.operations import (
    LOCALES,
    create_user,
    get_user_by_email,
    reset_password,
    scope_authorities,
    set_active,
    set_password,
    update_user,
)
from tracker.core.db import session_scope
from tracker.core.errors import ServiceError
from tracker.core.vocab import Role


def register(main: click.Group) -> None:
    main.add_command(user)


@click.group()
def user() -> None:
    """Manage accounts."""


@user.command("create")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--name", default="", help="Full name shown in the interface.")
@click.option("--role", required=True, help=f"One of: {', '.join(Role)}.")
@click.option("--authority", "authorities", multiple=True, metavar="CODE",
              help="KATOTTG code of an authority a planner works for (repeatable).")
@click.option("--locale", type=click.Choice(LOCALES), default="uk", show_default=True)
@click.password_option(help="Password (asked for when not given).")
@with_appcontext
def create(email: str, name: str, role: str, authorities: tuple[str, ...], locale: str, password: str) -> None:
    """Create a user with a role; planners are scoped with --authority."""
    try:
        with session_scope() as session:
            created = create_user(session=session, email=email, name=name, password=password, role=role,
                                  authority_codes=authorities, locale=locale)
            click.echo(f"Created {created.role} {created.email} (id {created.id}).")
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'input'}: {error.message}; nothing was written") from error


@user.command("update")
@click.option("--email", required=True, help="The account's sign-in e-mail address.")
@click.option("--role", default=None, help=f"The new role, one of: {', '.join(Role)} (unchanged when not given).")
@click.option("--authority", "authorities", multiple=True, metavar="CODE",
              help="KATOTTG code of an authority a planner works for (repeatable; replaces the scope).")
@click.option("--name", default=None, help="Full name shown in the interface.")
@click.option("--locale", type=click.Choice(LOCALES), default=None)
@with_appcontext
def update(email: str, role: str | None, authorities: tuple[str, ...], name: str | None,
           locale: str | None) -> None:
    """Change a user's role and scope: a planner keeps the authorities given (or their own when none is)."""
    try:
        with session_scope() as session:
            account = get_user_by_email(session=session, email=email)
            new_role = role or account.role
            codes = authorities
            if not codes and new_role == account.role:
                codes = tuple(a.code for a in scope_authorities(session=session, user=account) if a.code)
            update_user(session=session, user=account, role=new_role, authority_codes=codes, name=name,
                        locale=locale)
            click.echo(f"{account.email}: {account.role}"
                       f"{' of ' + ', '.join(codes) if account.role == Role.PLANNER else ''}.")
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'input'}: {error.message}; nothing was written") from error


@user.command("password")
@click.option("--email", required=True, help="The account's sign-in e-mail address.")
@click.option("--temporary", is_flag=True,
              help="The user must choose their own password when they next sign in (an administrator's reset).")
@click.password_option(help="The new password (asked for when not given).")
@with_appcontext
def password(email: str, temporary: bool, password: str) -> None:
    """Set a user's password; every session they have open is signed out."""
    try:
        with session_scope() as session:
            account = get_user_by_email(session=session, email=email)
            if temporary:
                reset_password(session=session, user=account, password=password)
            else:
                set_password(session=session, user=account, password=password)
            click.echo(f"Password of {account.email} changed; their sessions were signed out"
                       f"{' and they choose their own at their next sign-in' if temporary else ''}.")
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'input'}: {error.message}; nothing was written") from error


@user.command("deactivate")
@click.option("--email", required=True, help="The account's sign-in e-mail address.")
@with_appcontext
def deactivate(email: str) -> None:
    """Stop a user signing in; their open sessions end at once."""
    _set_active(email, active=False)


@user.command("activate")
@click.option("--email", required=True, help="The account's sign-in e-mail address.")
@with_appcontext
def activate(email: str) -> None:
    """Let a deactivated user sign in again."""
    _set_active(email, active=True)


def _set_active(email: str, *, active: bool) -> None:
    try:
        with session_scope() as session:
            account = get_user_by_email(session=session, email=email)
            set_active(session=session, user=account, active=active)
            click.echo(f"{account.email} {'can sign in again' if active else 'deactivated; sessions signed out'}.")
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'input'}: {error.message}; nothing was written") from error

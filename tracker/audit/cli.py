"""``vidnova audit verify``: recompute the audit trail's hash chain and name the first broken entry."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from tracker.audit.trail import verify
from tracker.core.cli_progress import CommandProgress
from tracker.core.db import get_engine


@click.group("audit")
def audit_group() -> None:
    """The audit trail of every write."""


@audit_group.command("verify")
@click.option("--anchor", "anchors", multiple=True, metavar="SEQ:HASH",
              help="An entry's hash published earlier; a log rewritten from before it is caught too.")
@with_appcontext
def verify_command(anchors: tuple[str, ...]) -> None:
    """Recompute the chain; exit 1 naming the first broken entry."""
    try:
        pinned = {int(seq): digest for seq, digest in (item.split(":", 1) for item in anchors)}
    except ValueError:
        raise click.BadParameter("anchors look like 1234:<sha256>", param_hint="--anchor") from None
    progress = CommandProgress("audit trail")
    try:
        with get_engine().connect() as connection:
            result = verify(connection, anchors=pinned, progress=lambda done, head: progress(done, head, "checked"))
    finally:
        progress.close()
    if result.ok:
        click.echo(f"audit trail intact: {result.entries} entries, head #{result.head_seq} sha256 {result.head_hash}")
        return
    click.echo(f"audit trail BROKEN at entry #{result.broken_seq}: {result.problem} "
               f"({result.entries} entries before it are intact)", err=True)
    raise SystemExit(1)


def register(main: click.Group) -> None:
    main.add_command(audit_group)

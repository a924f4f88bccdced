"""``vidnova report …`` and ``vidnova export oc4ids``: the same reports and open data the web serves."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from tracker.core.cli_progress import CommandProgress
from tracker.core.db import session_scope
from tracker.core.errors import NotFound
from tracker.core.hierarchy import get_by_code
from tracker.core.i18n import gettext
from tracker.projects.operations import get_project
from tracker.publishing import oc4ids
from tracker.publishing import read_models as public_views
from tracker.publishing import reports as documents
from tracker.publishing.links import public_base_url

FORMAT = click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True)
OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                      help="The file to write.")
LANG = click.option("--lang", type=click.Choice(["uk", "en"]), default="uk", show_default=True)


def register(main: click.Group) -> None:
    """Register the report and export commands."""
    main.add_command(report_group)
    main.add_command(export_group)


@click.group("report")
def report_group() -> None:
    """Accountability reports as PDF or HTML."""


@report_group.command("project")
@click.argument("reference")
@FORMAT
@OUTPUT
@LANG
@with_appcontext
def project_report(reference: str, fmt: str, output: Path, lang: str) -> None:
    """The report of one public project (by its reference, VID-…)."""
    with session_scope() as session:
        project = _fail_unless(lambda: get_project(session=session, reference=reference), reference)
        if not project.is_public:
            raise click.ClickException(f"{reference} is not public")
        data = public_views.project_view(session=session, project=project)
    _write(documents.Report("project", data, lang, _today(), data.summary.title(lang)), fmt, output)


@report_group.command("authority")
@click.argument("code")
@FORMAT
@OUTPUT
@LANG
@with_appcontext
def authority_report(code: str, fmt: str, output: Path, lang: str) -> None:
    """The report of an authority (KATOTTG code) and everything beneath it."""
    with session_scope() as session:
        authority = _fail_unless(lambda: get_by_code(session=session, code=code), code)
        data = public_views.authority_report(session=session, authority=authority)
    _write(documents.Report("authority", data, lang, _today(), data.authority.name(lang)), fmt, output)


@report_group.command("portfolio")
@FORMAT
@OUTPUT
@LANG
@with_appcontext
def portfolio_report(fmt: str, output: Path, lang: str) -> None:
    """The report of the whole public portfolio."""
    with session_scope() as session:
        data = public_views.portfolio(session=session)
    with force_locale(lang):
        title = gettext("Reconstruction projects of Ukraine")  # the web route's title, from the same catalogue
    _write(documents.Report("portfolio", data, lang, _today(), title), fmt, output)


def _write(report: documents.Report, fmt: str, output: Path) -> None:
    steps = 3 if fmt == "pdf" else 2
    progress = CommandProgress(f"{report.kind} report")
    # Only the app context of the command: a report needs no request (links come from PUBLIC_BASE_URL).
    try:
        progress(0, steps, "HTML")
        html = documents.render_html(report, asset_base="" if fmt == "pdf" else _asset_uri())
        content = html.encode("utf-8")
        if fmt == "pdf":
            progress(1, steps, "PDF: laying out")
            content, _cached = documents.pdf_bytes(report, cache=documents.configured_cache(),
                                                   laid_out=lambda pages: progress(2, steps, f"PDF: {pages} pages"))
        output.write_bytes(content)
        progress(steps, steps, "written")
    finally:
        progress.close()
    click.echo(f"{output}: {len(content):,} bytes")


def _asset_uri() -> str:
    # A saved HTML report finds its stylesheet and fonts in the checkout's reports/assets.
    from tracker.publishing.pdf import base_url

    return base_url()


@click.group("export")
def export_group() -> None:
    """Open data exports."""


@export_group.command("oc4ids")
@click.option("--authority", "code", default=None, help="KATOTTG code: only this authority and beneath it.")
@OUTPUT
@with_appcontext
def export_oc4ids(code: str | None, output: Path) -> None:
    """An OC4IDS 0.9 project package of the public projects, written as it is read (flat memory)."""
    config = current_app.config
    publication = oc4ids.Publication(prefix=config["OC4IDS_PREFIX"], publisher=config["PUBLISHER_NAME"],
                                     base_url=public_base_url())
    with session_scope() as session:
        authority = _fail_unless(lambda: get_by_code(session=session, code=code), code) if code else None
        total = public_views.count_public(session=session, authority=authority)
        pieces = oc4ids.iter_package(session=session, publication=publication,
                                     uri=f"{publication.base_url}open-data/oc4ids/projects.json",
                                     published=datetime.now(UTC), authority=authority)
        progress = CommandProgress("OC4IDS")
        try:
            with output.open("w", encoding="utf-8") as stream:
                for written, piece in enumerate(pieces, start=1):
                    stream.write(piece)
                    if written % 200 == 0 or written == total + 2:
                        progress(written, total + 2, "projects written")
        finally:
            progress.close()
    click.echo(f"{output}: {total} projects")


def _fail_unless(load, what: str):
    try:
        return load()
    except NotFound:
        raise click.ClickException(f"not found: {what}") from None


def _today():
    return datetime.now(UTC).date()

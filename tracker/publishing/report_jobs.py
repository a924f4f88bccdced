"""Big reports as jobs: an authority's or the whole portfolio's PDF is drawn up by a worker, not in a request.

The report's route answers at once: with the PDF when the cache already holds it for the data as they are now,
else with a page that follows the job drawing it up (202, reloading itself, with its progress) until the cache
holds it; then the same address serves the file. However many people ask, one job draws up one report in one
language: a request finds the unfinished job with the same cache key and follows it. A project's report stays
in the request (a few pages, under a second, and cached).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask_babel import force_locale
from sqlmodel import Session, col, or_, select

from tracker.core.columns import utcnow
from tracker.core.errors import NotFound
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.models import Authority
from tracker.jobs import runner
from tracker.jobs.models import Job, JobState
from tracker.jobs.registry import job_kind
from tracker.publishing import read_models as public_views
from tracker.publishing import reports as documents
from tracker.publishing.cache import PdfCache

REPORT_PDF = "report.pdf"
#: The reports drawn up by a worker.
BIG_REPORTS = ("authority", "portfolio")
#: How many unfinished report jobs a request looks through for its own (there are only ever a few).
_PENDING_LIMIT = 200
#: A report that could not be drawn up is shown as such this long before a request tries again.
FAILURE_SHOWN = timedelta(minutes=5)


def build(*, session: Session, kind: str, subject_id: int | None, locale: str, today: date) -> documents.Report:
    """The report of an authority (``subject_id``) or of the portfolio, as the route and the job both draw it."""
    if kind == "authority":
        authority = session.get(Authority, subject_id)
        if authority is None:
            raise NotFound(f"no authority {subject_id}")
        data: Any = public_views.authority_report(session=session, authority=authority)
        return documents.Report("authority", data, locale, today, data.authority.name(locale))
    data = public_views.portfolio(session=session)
    with force_locale(locale):  # the report's language, whatever the page's
        title = _("Reconstruction projects of Ukraine")
    return documents.Report("portfolio", data, locale, today, title)


def follow(*, session: Session, report: documents.Report, subject_id: int | None, site: str) -> Job:
    """The unfinished job drawing up ``report`` (same data, language and day), or a new one queued for it."""
    key = report.key()
    # Unfinished jobs, and the failures of the last minutes (shown, not retried at every reload).
    recent = session.exec(select(Job).where(col(Job.kind) == REPORT_PDF, or_(
        col(Job.state).in_([JobState.QUEUED, JobState.RUNNING]),
        (col(Job.state) == JobState.FAILED) & (col(Job.finished_at) > utcnow() - FAILURE_SHOWN)))
        .order_by(col(Job.id).desc()).limit(_PENDING_LIMIT)).all()
    for job in recent:
        if job.params.get("key") == key:
            return job
    return runner.submit(session=session, kind=REPORT_PDF, params={
        "report": report.kind, "subject_id": subject_id, "locale": report.locale,
        "today": report.generated_on.isoformat(), "site": site, "key": key})


@job_kind(REPORT_PDF, _l("PDF report"))
def draw_up(context: runner.JobContext) -> None:
    params = context.params
    context.progress(done=0, total=3, message=_("Gathering the report's data…"))
    # The report prints links to the public site: drawn up as the request that asked for it would have.
    with _as_requested(context.app, params["site"]), force_locale(params["locale"]):
        report = build(session=context.session, kind=params["report"], subject_id=params.get("subject_id"),
                       locale=params["locale"], today=date.fromisoformat(params["today"]))
        context.progress(done=1, message=_("Laying out the pages…"))
        pages: list[int] = []

        def laying_out(page: int) -> None:
            context.progress(message=_("Laying out page %(page)d…", page=page))

        def laid_out(count: int) -> None:
            pages.append(count)
            context.progress(done=2, message=_("Writing %(pages)d pages…", pages=count))

        cache = PdfCache(context.app.config["CACHE_FOLDER"])
        pdf, _cached = documents.pdf_bytes(report, cache=cache, laid_out=laid_out, laying_out=laying_out)
    context.progress(done=3, message=_("Ready."))
    context.set_result(summary={"pages": pages[0] if pages else 0, "bytes": len(pdf)})


def _as_requested(app: Flask, site: str):
    return app.test_request_context("/", base_url=site)

"""Accountability reports (HTML and PDF), CSV downloads and OC4IDS open data: public, no sign-in.

Every route here serves public data only, whoever asks: reports and exports are built from the public
model variants, so a signed-in planner downloads exactly what a citizen does.
"""
from __future__ import annotations

import io
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    send_from_directory,
    stream_with_context,
)

from tracker.core import data_version, safe_csv
from tracker.core.config import PROJECT_ROOT
from tracker.core.db import get_session, new_session
from tracker.core.errors import NotFound
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.labels import label, move_label
from tracker.core.models import Authority
from tracker.core.web_input import id_arg
from tracker.jobs import runner
from tracker.jobs.models import JobState
from tracker.projects import queries as portfolio
from tracker.projects.models import Project
from tracker.projects.operations import get_project
from tracker.publishing import export_jobs, oc4ids, report_jobs
from tracker.publishing import read_models as public_views
from tracker.publishing import reports as documents
from tracker.publishing.links import public_base_url
from tracker.publishing.pdf import ASSETS

bp = Blueprint("reports", __name__, template_folder=str(PROJECT_ROOT / "reports" / "templates"))
CSV_COLUMNS = ("reference", "title_uk", "title_en", "authority_code", "authority_uk", "sector", "project_type",
               "stage", "state", "committed_uah", "disbursed_uah", "physical_progress", "checks_passed",
               "checks_failed", "updated_at")


# --- reports -----------------------------------------------------------------------------------------

@bp.get("/reports/assets/<path:filename>")
def asset(filename: str):
    """The report stylesheet and fonts, for reports viewed in the browser."""
    return send_from_directory(ASSETS, filename, max_age=3600)


@bp.get("/reports/projects/<reference>.<any(html, pdf):fmt>")
def project_report(reference: str, fmt: str):
    """A project's accountability report."""
    view = public_views.project_view(session=get_session(), project=_public_project(reference))
    return _deliver(documents.Report("project", view, _report_locale(), _today(),
                                     view.summary.title(_report_locale())), fmt, reference)


@bp.get("/reports/authorities/<int:authority_id>.<any(html, pdf):fmt>")
def authority_report(authority_id: int, fmt: str):
    """An authority's report: all public projects of its subtree, its scorecard, funding by level."""
    authority = _authority(authority_id)
    return _deliver_big("authority", authority.id, fmt, authority.code or str(authority.id))


@bp.get("/reports/portfolio.<any(html, pdf):fmt>")
def portfolio_report(fmt: str):
    """The whole public portfolio."""
    return _deliver_big("portfolio", None, fmt, "portfolio")


def _deliver_big(kind: str, subject_id: int | None, fmt: str, name: str) -> Response | tuple[str, int, dict]:
    """HTML at once; the PDF from the cache when it holds it, else the page following the job drawing it up."""
    session = get_session()
    report = report_jobs.build(session=session, kind=kind, subject_id=subject_id, locale=_report_locale(),
                               today=_today())
    if fmt == "html":
        return _deliver(report, fmt, name)
    pdf = documents.configured_cache().get(report.key())
    if pdf is not None:
        return _pdf_response(pdf, report, name, cached=True)
    job = report_jobs.follow(session=session, report=report, subject_id=subject_id, site=public_base_url())
    failed = job.state == JobState.FAILED
    page = render_template("portal/report_waiting.html", report=report, job=job, failed=failed,
                           progress=runner.progress_of(job))
    return page, 503 if failed else 202, {"Cache-Control": "no-store", "Retry-After": "2"}


def _deliver(report: documents.Report, fmt: str, name: str) -> Response:
    if fmt == "html":
        return Response(documents.render_html(report, asset_base=_asset_base()), mimetype="text/html")
    pdf, cached = documents.pdf_bytes(report, cache=documents.configured_cache())
    return _pdf_response(pdf, report, name, cached=cached)


def _pdf_response(pdf: bytes, report: documents.Report, name: str, *, cached: bool) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="vidnova-{_safe_name(name)}-{report.locale}.pdf"'
    response.headers["X-Report-Cache"] = "hit" if cached else "miss"
    return response


def _asset_base() -> str:
    return request.script_root + "/reports/assets/"


def _report_locale() -> str:
    wanted = request.args.get("lang")
    return wanted if wanted in current_app.config["LANGUAGES"] else current_language()


def _today():
    return datetime.now(UTC).date()


def _safe_name(name: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in "-_")[:60] or "report"


def _public_project(reference: str) -> Project:
    try:
        project = get_project(session=get_session(), reference=reference)
    except NotFound:
        abort(404)
    if not project.is_public:
        abort(404)
    return project


def _authority(authority_id: int) -> Authority:
    authority = get_session().get(Authority, authority_id)
    if authority is None:
        abort(404)
    return authority


# --- CSV ---------------------------------------------------------------------------------------------

@bp.get("/open-data/projects.csv")
def projects_csv():
    """The public projects matching the list's filters, as CSV (UTF-8 with a BOM so spreadsheets read it; cells
    that a spreadsheet would run as a formula neutralised by ``core.safe_csv``)."""
    filters = portfolio_filters(request.args)
    session = get_session()
    page = portfolio.list_projects(session=session, filters=filters, visible=public_views.is_public_project(),
                                   page=1, per_page=100_000)
    rows = public_views.summaries(session=session, rows=page.rows)
    buffer = io.StringIO()
    buffer.write(safe_csv.BOM)
    writer = safe_csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rates = public_views.exchange_rates()
    for p in rows:
        uah = p.in_hryvnias(rates)  # every line counted, one in another currency at the rate the site states
        writer.writerow([p.reference, p.title_uk, p.title_en or "", p.authority.code or "", p.authority.name_uk,
                         p.sector, p.project_type, p.stage, p.state, uah.committed if uah else "",
                         uah.disbursed if uah else "", "" if p.physical_progress is None else p.physical_progress,
                         p.compliance.passed if p.compliance else "", p.compliance.failed if p.compliance else "",
                         p.updated_at.isoformat()])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="vidnova-projects.csv"'
    return response


def portfolio_filters(args) -> portfolio.ProjectFilters:
    """The list filters from query arguments (shared by the page, the CSV and the API)."""
    authority_id = id_arg("authority", args)
    authority = get_session().get(Authority, authority_id) if authority_id else None
    return portfolio.ProjectFilters(
        text=args.get("q", "")[:200], authority_path=authority.path if authority else None,
        sector=args.get("sector") or None, stage=args.get("stage") or None,
        funding_source=args.get("source") or None, compliance=args.get("compliance") or None)


# --- OC4IDS ------------------------------------------------------------------------------------------

@bp.get("/open-data/oc4ids/projects/<reference>.json")
def oc4ids_project(reference: str):
    """One public project as an OC4IDS project package."""
    project = _public_project(reference)
    return _oc4ids_response(f"oc4ids-{_safe_name(reference)}.json", reference=project.reference)


@bp.get("/open-data/oc4ids/authorities/<int:authority_id>.json")
def oc4ids_authority(authority_id: int):
    """The public projects of an authority and everything beneath it."""
    authority = _authority(authority_id)
    return _oc4ids_response(f"oc4ids-{_safe_name(authority.code or str(authority.id))}.json", authority=authority)


@bp.get("/open-data/oc4ids/projects.json")
def oc4ids_all():
    """Every public project: the file a worker drew up for the data as they are now, else streamed live (the
    server holding one chunk of projects at a time) while the job drawing up the new file is queued."""
    session = get_session()
    version = data_version.current(session).version
    path = export_jobs.package_path(version)
    if path.is_file():
        response = send_file(path, mimetype="application/json", as_attachment=True,
                             download_name="oc4ids-all.json", etag=False, conditional=False)
        response.headers["X-Export"] = "pre-generated"
        return response
    export_jobs.refresh(session=session, version=version, site=public_base_url())
    return _oc4ids_response("oc4ids-all.json")


def publication() -> oc4ids.Publication:
    return oc4ids.Publication(prefix=current_app.config["OC4IDS_PREFIX"],
                              publisher=current_app.config["PUBLISHER_NAME"], base_url=public_base_url())


def _oc4ids_response(filename: str, *, authority: Authority | None = None, reference: str | None = None):
    app = current_app._get_current_object()
    info = {"publication": publication(), "uri": request.base_url, "published": datetime.now(UTC),
            "authority": authority, "reference": reference}

    def generate():
        # Its own session: the export may outlive the request's unit of work and forgets rows as it goes.
        session = new_session(app)
        try:
            yield from oc4ids.iter_package(session=session, **info)
        finally:
            session.close()

    response = Response(stream_with_context(generate()), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- template helpers shared by pages and reports ----------------------------------------------------

_TIMELINE_NAMES = {
    "registered": _l("Registered in Vidnova"), "needs_assessed": _l("Needs assessed"),
    "consultation_started": _l("Public consultation opened"), "consultation_ended": _l("Public consultation closed"),
    "budget_approved": _l("Budget approved by the council"), "expert_review": _l("State expert review"),
    "works_scheduled": _l("Works scheduled to start"), "contract_signed": _l("Contract signed"),
    "milestone_reached": _l("Milestone reached"), "milestone_planned": _l("Milestone planned"),
    "progress": _l("Progress observed"), "stage": _l("Moved to stage"), "completed": _l("Completed"),
}


def timeline_label(event) -> str:
    """The translated label of a timeline event with its detail (escaped by the template)."""
    name = str(_TIMELINE_NAMES.get(event.kind, event.kind))  # only this event's name is translated
    if event.kind == "stage":
        return f"{name}: {move_label(event.detail)}"
    return f"{name}: {event.detail}" if event.detail else name


def scorecard_rows(scorecard) -> list[tuple[str, object]]:
    """(label, share) per pillar and principle, for the scorecard chart."""
    return ([(f"{_('Pillar')} {s.code}", s.share) for s in scorecard.pillars]
            + [(s.code, s.share) for s in scorecard.principles])


def labelled(mapping: dict, vocabulary: str) -> list[tuple[str, object]]:
    """A {code: value} mapping as (translated label, value) pairs, largest first."""
    return [(label(vocabulary, key), value) for key, value in sorted(mapping.items(), key=lambda kv: -kv[1])]


def init_app(app) -> None:
    documents.init_app(app)
    app.add_template_global(timeline_label)
    app.add_template_global(scorecard_rows)
    app.add_template_global(public_views.exchange_rates, "exchange_rates")
    app.add_template_global(lambda: current_app.config.get("EXCHANGE_RATES_DATE"), "exchange_rates_date")
    app.add_template_filter(labelled)

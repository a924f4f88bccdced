"""The auditor's workspace under /audit: portfolio, project checklists, marks, sign-offs and findings.

Views are thin: load through ``loaders`` (404/403), validate the form, call one service, flash, redirect.
Auditors and admins read the workspace; only auditors mark, sign and decide findings; planners (and
admins) answer the findings of their subtree.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlmodel import select

from tracker.accounts.views import current_scope_paths, roles_required, user_or_none
from tracker.audit import findings as finding_service
from tracker.audit.checklists import MANUAL, OUTCOME_FILTERS, build_checklist
from tracker.audit.forms import FindingForm, MarkForm, SignoffForm, StepForm, VisibilityForm
from tracker.audit.marks import mark_history, mark_item
from tracker.audit.policy import can_answer
from tracker.audit.portfolio import SORTS, PortfolioFilters, build_portfolio, portfolio_csv
from tracker.audit.signoff import sign_off, signoff_statuses
from tracker.core.db import get_session
from tracker.core.errors import NotFound, PermissionDenied, ServiceError, StateConflict
from tracker.core.forms import attach_error
from tracker.core.i18n import gettext as _
from tracker.core.labels import choices
from tracker.core.models import Authority
from tracker.core.vocab import Role, Stage
from tracker.core.web_input import id_arg
from tracker.planning.document_models import Document
from tracker.projects.loaders import project_for_view
from tracker.projects.models import Project
from tracker.rules import PRINCIPLES

bp = Blueprint("audit", __name__, url_prefix="/audit")
WORKSPACE = (Role.AUDITOR, Role.ADMIN)


def _context():
    return current_app.extensions["tracker.rules"]


def _stage_arg(project: Project) -> str:
    stage = request.values.get("stage") or project.stage
    if stage not in {s.value for s in Stage}:
        abort(404)
    return stage


# --- portfolio ----------------------------------------------------------------------------------------------

def _filters() -> PortfolioFilters:
    args = request.args
    authority_id = id_arg("authority")
    authority = get_session().get(Authority, authority_id) if authority_id else None
    principle = args.get("principle") if args.get("principle") in PRINCIPLES else None
    stage = args.get("stage") if args.get("stage") in {s.value for s in Stage} else None
    return PortfolioFilters(authority_path=authority.path if authority else None, stage=stage,
                            sector=args.get("sector") or None, rule_id=(args.get("rule") or "").strip() or None,
                            principle=principle, sort=args.get("sort") if args.get("sort") in SORTS else "risk")


@bp.get("/")
@roles_required(*WORKSPACE)
def portfolio():
    """The portfolio, filtered and sorted by risk, with its OECD scorecard."""
    session = get_session()
    selection = build_portfolio(session=session, filters=_filters())
    authorities = list(session.exec(select(Authority).where(Authority.level.in_(
        ["national", "oblast", "raion", "hromada"])).order_by(Authority.path)))
    rules = sorted(rule.id for rule_set in _context().rule_sets.values() for rule in rule_set.rules)
    return render_template("audit/portfolio.html", portfolio=selection, scorecard=selection.scorecard,
                           authorities=authorities, rules=rules, principles=list(PRINCIPLES),
                           stages=choices("stage"), sectors=choices("sector"), today=date.today())


@bp.get("/portfolio.csv")
@roles_required(*WORKSPACE)
def portfolio_export():
    """The same selection as CSV."""
    selection = build_portfolio(session=get_session(), filters=_filters())
    return Response(portfolio_csv(selection), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=vidnova-audit-portfolio.csv"})


# --- a project's checklist ----------------------------------------------------------------------------------

def _documents(project: Project) -> list[Document]:
    return list(get_session().exec(select(Document).where(Document.project_id == project.id).order_by(Document.id)))


def _project_page(project: Project, authority: Authority, stage: str, *, mark_forms=None, signoff_form=None,
                  status: int = 200):
    session = get_session()
    checklist = build_checklist(session=session, project=project, stage=stage, context=_context())
    documents = _documents(project)
    forms = mark_forms or {}
    for item in checklist.manual:
        if item.rule_id not in forms:
            form = MarkForm(prefix=_prefix(item.rule_id), documents=documents, formdata=None)
            form.stage.data = stage
            if item.mark is not None:
                form.verdict.data = item.mark.verdict
            forms[item.rule_id] = form
    if signoff_form is None:
        signoff_form = SignoffForm(formdata=None)
        signoff_form.stage.data = stage
    outcome, manual_only = _checklist_filter()
    shown = checklist.filtered(outcome, manual_only)
    return render_template(
        "audit/project.html", project=project, authority=authority, stage=stage, checklist=checklist,
        outcome=outcome, manual_only=manual_only, counts=checklist.counts(manual_only),
        manual_counts=checklist.counts(True)[outcome], all_counts=checklist.counts(False)[outcome],
        shown_manual=[item for item in shown if item.kind == MANUAL],
        shown_automatic=[item for item in shown if item.kind != MANUAL],
        mark_forms=forms, signoff_form=signoff_form, signoffs=signoff_statuses(session=session, project=project),
        findings=finding_service.project_findings(session=session, project_id=project.id),
        is_overdue=finding_service.is_overdue, stages=choices("stage"), documents={d.id: d for d in documents},
        may_audit=user_or_none().role == Role.AUDITOR), status


def _checklist_filter() -> tuple[str | None, bool]:
    """The checklist's filter from the query string: an outcome (anything else: all) and manual items only."""
    outcome = request.args.get("outcome")
    return (outcome if outcome in OUTCOME_FILTERS else None), request.args.get("items") == MANUAL


def _prefix(rule_id: str) -> str:
    return "m-" + "".join(ch if ch.isalnum() else "-" for ch in rule_id.lower())


@bp.get("/projects/<reference>")
@roles_required(*WORKSPACE)
def project(reference: str):
    """A project's checklist at a stage, its sign-offs (stale or not) and its findings."""
    project, authority = project_for_view(reference)
    return _project_page(project, authority, _stage_arg(project))


@bp.post("/projects/<reference>/marks/<rule_id>")
@roles_required(Role.AUDITOR)
def mark(reference: str, rule_id: str):
    """Mark a manual item pass, fail or not applicable, with a comment and evidence."""
    project, authority = project_for_view(reference)
    form = MarkForm(prefix=_prefix(rule_id), documents=_documents(project))
    stage = form.stage.data if form.stage.data in {s.value for s in Stage} else project.stage
    if form.validate_on_submit():
        try:
            mark_item(session=get_session(), project=project, rule_id=rule_id, stage=stage,
                      verdict=form.verdict.data, comment=form.comment.data, evidence_ids=form.evidence.data or [],
                      user=user_or_none(), context=_context())
        except PermissionDenied:
            abort(403)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Checklist item %(rule)s marked.", rule=rule_id), "success")
            return redirect(url_for("audit.project", reference=reference, stage=stage) + "#checklist")
    return _project_page(project, authority, stage, mark_forms={rule_id: form}, status=422)


@bp.post("/projects/<reference>/signoff")
@roles_required(Role.AUDITOR)
def sign(reference: str):
    """Sign the checklist of a stage off as it stands."""
    project, authority = project_for_view(reference)
    form = SignoffForm()
    stage = form.stage.data if form.stage.data in {s.value for s in Stage} else project.stage
    if form.validate_on_submit():
        try:
            sign_off(session=get_session(), project=project, stage=stage, user=user_or_none(),
                     statement=form.statement.data, context=_context())
        except PermissionDenied:
            abort(403)
        except StateConflict as decided:
            flash(decided.message, "error")
            return _project_page(project, authority, stage, signoff_form=form, status=409)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Checklist signed off."), "success")
            return redirect(url_for("audit.project", reference=reference, stage=stage) + "#signoffs")
    return _project_page(project, authority, stage, signoff_form=form, status=422)


@bp.get("/projects/<reference>/marks/<rule_id>")
@roles_required(*WORKSPACE)
def marks(reference: str, rule_id: str):
    """Every mark ever made on a manual item, newest first."""
    project, _authority = project_for_view(reference)
    return render_template("audit/marks.html", project=project, rule_id=rule_id,
                           marks=mark_history(session=get_session(), project_id=project.id, rule_id=rule_id))


# --- findings -------------------------------------------------------------------------------------------

def _finding_form(project: Project, authority: Authority, formdata=None) -> FindingForm:
    session = get_session()
    chain_ids = [int(part) for part in authority.path.strip("/").split("/") if part]
    authorities = list(session.exec(select(Authority).where(Authority.id.in_(chain_ids)).order_by(Authority.path)))
    principles = [(code, f"{code}. {p.title_en if _lang() == 'en' else p.title_uk}") for code, p in PRINCIPLES.items()]
    form = FindingForm(authorities=[(a.id, a.name(_lang())) for a in reversed(authorities)],
                       principles=principles, **({} if formdata is None else {"formdata": formdata}))
    return form


def _lang() -> str:
    from tracker.core.i18n import current_language

    return current_language()


@bp.route("/projects/<reference>/findings/new", methods=["GET", "POST"])
@roles_required(Role.AUDITOR)
def new_finding(reference: str):
    """Raise a finding on a project."""
    project, authority = project_for_view(reference)
    form = _finding_form(project, authority)
    if request.method == "GET":
        form.stage.data = project.stage
        form.responsible_authority_id.data = authority.id
        form.rule_id.data = request.args.get("rule", "")[:40]
    if form.validate_on_submit():
        try:
            data = finding_service.FindingCreate(
                stage=form.stage.data, severity=form.severity.data, principle=form.principle.data or None,
                rule_id=(form.rule_id.data or "").strip() or None, title=form.title.data.strip(),
                description=form.description.data.strip(), recommendation=form.recommendation.data.strip(),
                due_date=form.due_date.data, responsible_authority_id=form.responsible_authority_id.data,
                is_public=form.is_public.data)
            finding = finding_service.raise_finding(session=get_session(), project=project, user=user_or_none(),
                                                    data=data)
        except PermissionDenied:
            abort(403)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Finding raised."), "success")
            return redirect(url_for("audit.finding", finding_id=finding.id))
    status = 422 if form.is_submitted() else 200
    return render_template("audit/finding_form.html", project=project, form=form), status


def _finding_for_view(finding_id: int):
    """The finding, its project and owner, if this person may follow it; 404 otherwise."""
    session = get_session()
    try:
        finding = finding_service.get_finding(session=session, finding_id=finding_id)
    except NotFound:
        abort(404)
    project = session.get(Project, finding.project_id)
    user = user_or_none()
    authorities = finding_service.responsible_authorities(session=session, finding=finding)
    may_answer = can_answer(user, authorities, current_scope_paths())
    if user.role not in WORKSPACE and not may_answer:
        abort(404)
    return finding, project, authorities, may_answer


@bp.get("/findings")
@roles_required(Role.AUDITOR, Role.ADMIN, Role.PLANNER)
def findings():
    """Findings to follow: all for auditors and admins, the subtree's for planners; overdue ones stand out."""
    user = user_or_none()
    scope = None if user.role in WORKSPACE else current_scope_paths()
    status = request.args.get("status") or "open"
    rows = finding_service.list_findings(session=get_session(), scope_paths=scope,
                                         status=None if status == "all" else status)
    return render_template("audit/findings.html", rows=rows, status=status, is_overdue=finding_service.is_overdue,
                           statuses=choices("finding_status"))


@bp.get("/findings/<int:finding_id>")
@roles_required(Role.AUDITOR, Role.ADMIN, Role.PLANNER)
def finding(finding_id: int):
    """One finding: what was found, what to do by when, and every step so far."""
    finding, project, authorities, may_answer = _finding_for_view(finding_id)
    return _finding_page(finding, project, authorities, may_answer)


def _finding_page(finding, project, authorities, may_answer, step_form=None, status: int = 200):
    session = get_session()
    actions = finding_service.allowed_actions(finding, user_or_none(), may_answer=may_answer)
    visibility = VisibilityForm(formdata=None)
    visibility.is_public.data = finding.is_public
    responsible = next((a for a in authorities if a.id == finding.responsible_authority_id), None)
    return render_template("audit/finding.html", finding=finding, project=project, responsible=responsible,
                           events=finding_service.events(session=session, finding_id=finding.id), actions=actions,
                           step_form=step_form or StepForm(formdata=None), visibility_form=visibility,
                           overdue=finding_service.is_overdue(finding),
                           may_publish=user_or_none().role == Role.AUDITOR), status


@bp.post("/findings/<int:finding_id>/step")
@roles_required(Role.AUDITOR, Role.ADMIN, Role.PLANNER)
def step(finding_id: int):
    """Answer, return, resolve, accept the risk of, or close a finding."""
    finding, project, authorities, may_answer = _finding_for_view(finding_id)
    form = StepForm()
    if form.validate_on_submit():
        try:
            finding_service.take_step(session=get_session(), finding=finding, action=form.action.data,
                                      user=user_or_none(), note=form.note.data, scope_paths=current_scope_paths())
        except PermissionDenied:
            abort(403)
        except StateConflict as decided:
            # Someone else took a step first: the page shows the finding as it now is, the note kept.
            flash(decided.message, "error")
            return _finding_page(finding, project, authorities, may_answer, step_form=form, status=409)
        except ServiceError as error:
            attach_error(form, error if error.field != "action" else ServiceError(error.message, field="note"))
        else:
            flash(_("Finding updated."), "success")
            return redirect(url_for("audit.finding", finding_id=finding.id))
    return _finding_page(finding, project, authorities, may_answer, step_form=form, status=422)


@bp.post("/findings/<int:finding_id>/visibility")
@roles_required(Role.AUDITOR)
def visibility(finding_id: int):
    """Show or hide a finding in the public summary."""
    finding, project, authorities, may_answer = _finding_for_view(finding_id)
    form = VisibilityForm()
    if not form.validate_on_submit():
        return _finding_page(finding, project, authorities, may_answer, status=422)
    finding_service.set_visibility(session=get_session(), finding=finding, user=user_or_none(),
                                   is_public=form.is_public.data)
    flash(_("Visibility saved."), "success")
    return redirect(url_for("audit.finding", finding_id=finding.id))

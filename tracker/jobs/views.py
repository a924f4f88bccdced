"""The jobs pages: "my jobs" (administrators: every job), one job's progress, its result, and cancelling it.

The progress page refreshes itself: a small script asks ``status.json`` every second and moves the bar; without
JavaScript the page reloads every two seconds (``<noscript><meta refresh>``) until the job has finished.
"""
from __future__ import annotations

import os

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_datetime
from sqlalchemy import func, select
from sqlmodel import col

from tracker.accounts.models import User
from tracker.accounts.views import roles_required, user_or_none
from tracker.core.columns import as_utc
from tracker.core.db import get_session
from tracker.core.forms import ConfirmForm
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.web_input import page_arg
from tracker.jobs import runner
from tracker.jobs.models import Job, JobState
from tracker.jobs.policy import JOB_ROLES, can_cancel_job, can_view_job, visible_jobs
from tracker.jobs.registry import label_of

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

PAGE_SIZE = 50
STATE_LABELS = {
    JobState.QUEUED: _l("Waiting for a worker"),
    JobState.RUNNING: _l("Running"),
    JobState.DONE: _l("Done"),
    JobState.FAILED: _l("Failed"),
    JobState.CANCELLED: _l("Cancelled"),
}
#: What the handlers report in a job's summary, by key.
SUMMARY_LABELS = {
    "created": _l("Added"),
    "updated": _l("Changed"),
    "unchanged": _l("Unchanged"),
    "rows": _l("Rows"),
    "projects": _l("Projects"),
    "evaluated": _l("Projects evaluated"),
    "written": _l("Written"),
    "rows_per_second": _l("Rows per second"),
    "seconds": _l("Seconds"),
    "bytes": _l("Size in bytes"),
    "pages": _l("Pages"),
}
#: The most problems one page lists (the whole list is in ``vidnova jobs show``).
ERRORS_SHOWN = 1000


def _job_time(moment) -> str:
    return format_datetime(as_utc(moment), "short") if moment is not None else ""


def init_app(app) -> None:
    app.jinja_env.globals["job_time"] = _job_time
    app.jinja_env.globals["job_state_label"] = lambda state: str(STATE_LABELS.get(JobState(state), state))
    app.jinja_env.globals["job_kind_label"] = label_of


def _job_or_404(job_id: int) -> Job:
    job = get_session().get(Job, job_id)
    if job is None or not can_view_job(user_or_none(), job):
        abort(404)  # someone else's job is not acknowledged
    return job


@bp.get("/")
@roles_required(*JOB_ROLES)
def job_list():
    """My jobs, newest first (administrators see everyone's)."""
    session = get_session()
    page = min(page_arg(), 10_000)
    where = visible_jobs(user_or_none())
    total = session.execute(select(func.count()).select_from(Job).where(where)).scalar_one()
    rows = session.execute(select(Job, User.name).outerjoin(User, col(User.id) == col(Job.started_by_id))
                           .where(where).order_by(col(Job.id).desc())
                           .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return render_template("jobs/list.html", rows=rows, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                           total=total)


@bp.get("/<int:job_id>")
@roles_required(*JOB_ROLES)
def job_page(job_id: int):
    job = _job_or_404(job_id)
    starter = get_session().get(User, job.started_by_id) if job.started_by_id else None
    return render_template("jobs/job.html", job=job, progress=runner.progress_of(job), starter=starter,
                           errors=job.errors[:ERRORS_SHOWN],
                           summary=[(str(SUMMARY_LABELS.get(key, key)), value)
                                    for key, value in (job.summary or {}).items()],
                           may_cancel=can_cancel_job(user_or_none(), job))


@bp.get("/<int:job_id>/status.json")
@roles_required(*JOB_ROLES)
def job_status(job_id: int):
    """The job's state and progress, for the page's script."""
    job = _job_or_404(job_id)
    progress = runner.progress_of(job)
    return jsonify(state=job.state.value, state_label=str(STATE_LABELS[job.state]), done=progress.done,
                   total=progress.total, percent=progress.percent, message=progress.shown,
                   finished=job.state.finished,
                   page=url_for("jobs.job_page", job_id=job.id))


@bp.get("/<int:job_id>/result")
@roles_required(*JOB_ROLES)
def job_result(job_id: int):
    job = _job_or_404(job_id)
    if job.state != JobState.DONE:
        abort(404)
    if job.result_url:
        return redirect(job.result_url)
    if not job.result_file or os.path.basename(job.result_file) != job.result_file:
        abort(404)
    path = os.path.join(current_app.config["JOB_FILES_FOLDER"], job.result_file)
    if not os.path.isfile(path):
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.result_name or job.result_file)


@bp.post("/<int:job_id>/cancel")
@roles_required(*JOB_ROLES)
def job_cancel(job_id: int):
    job = _job_or_404(job_id)
    if not can_cancel_job(user_or_none(), job):
        flash(_("This job has already finished."), "error")
        return redirect(url_for("jobs.job_page", job_id=job.id))
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.is_confirmed:
        return render_template(
            "confirm_action.html", form=form, action=request.path, question=_("Cancel this job?"),
            consequence=_("It stops at its next step. To do the work after all, start it again from the beginning."),
            confirm=_("Yes, cancel the job"), back=url_for("jobs.job_page", job_id=job.id))
    state = runner.cancel(session=get_session(), job_id=job.id)
    flash(_("Cancelled.") if state == JobState.CANCELLED else _("The job stops at its next step; "
                                                               "nothing it did is kept."), "success")
    return redirect(url_for("jobs.job_page", job_id=job.id))

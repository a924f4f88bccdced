"""Big reports drawn up by a worker: one job per report however many ask, progress on the waiting page, failures
shown and not retried at every reload."""
from __future__ import annotations

from sqlmodel import Session, select

from tracker.core.db import get_engine
from tracker.jobs import runner
from tracker.jobs.models import Job, JobState
from tracker.publishing import report_jobs


def _jobs(app) -> list[Job]:
    with app.app_context(), Session(get_engine(app)) as session:
        return list(session.exec(select(Job).order_by(Job.id)))


def test_many_requests_follow_one_job_and_see_its_progress(app, client, rich, monkeypatch):
    sent = []
    monkeypatch.setattr(runner.queue, "send_after_commit", lambda _session, *task: sent.append(task))
    url = f"/reports/authorities/{rich.world.kharkiv_oblast.id}.pdf"
    client.get("/lang/en")
    for _ in range(3):  # the queue holds the job: nobody has drawn it up yet
        page = client.get(url)
        assert page.status_code == 202 and "Waiting for a worker" in page.get_data(as_text=True)
    [job] = _jobs(app)
    assert len(sent) == 1 and (job.kind, job.state, job.params["report"]) == ("report.pdf", JobState.QUEUED,
                                                                               "authority")
    messages = []
    progress = runner.JobContext.progress

    def heard(context, done=None, total=None, message=None):
        messages.append(str(message))
        return progress(context, done=done, total=total, message=message)

    monkeypatch.setattr(runner.JobContext, "progress", heard)
    with app.app_context():
        assert runner.run(job.id) == "done"
    [job] = _jobs(app)
    assert job.summary["pages"] >= 1 and job.summary["bytes"] > 1000
    # The layout (most of the time) is heard page by page, in the language the report was asked in.
    laid = [message for message in messages if message.startswith("Laying out page ")]
    # (WeasyPrint lays some pages out twice, for "page N of M" counters.)
    assert laid[0] == "Laying out page 1…"
    assert {f"Laying out page {n}…" for n in range(1, job.summary["pages"] + 1)} == set(laid)
    served = client.get(url)
    assert served.status_code == 200 and served.data.startswith(b"%PDF")


def test_a_report_that_cannot_be_drawn_up_is_shown_as_such(app, client, rich, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("WeasyPrint ran out of memory")

    monkeypatch.setattr(report_jobs.documents, "pdf_bytes", broken)
    url = "/reports/portfolio.pdf?lang=en"
    client.get("/lang/en")
    assert client.get(url).status_code == 202  # the job runs when the request commits, and fails
    failed = client.get(url)
    assert failed.status_code == 503 and "The PDF could not be drawn up" in failed.get_data(as_text=True)
    assert "refresh" not in failed.get_data(as_text=True)
    assert [job.state for job in _jobs(app)] == [JobState.FAILED]  # shown, not tried again at every reload

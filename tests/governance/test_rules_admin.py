"""The administrators' rules page through the test client: who may see it, and re-evaluating as a job."""
from __future__ import annotations

from sqlmodel import Session, select

from tracker.core.db import get_engine
from tracker.governance.models import Evaluation
from tracker.jobs.models import Job, JobState


def test_an_administrator_re_evaluates_the_portfolio_as_a_job(app, client, world, login):
    login(world.admin)
    client.get("/lang/en")
    page = client.get("/manage/rules/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "oecd_principles" in html and "Re-evaluate all 4 projects" in html
    response = client.post("/manage/rules/reevaluate")
    assert response.status_code == 303 and response.headers["Location"].startswith("/jobs/")
    with app.app_context(), Session(get_engine(app)) as session:
        job = session.exec(select(Job)).one()
        # The test queue runs a job at once: the page it leads to shows it done.
        assert (job.kind, job.state, job.started_by_id, job.summary) == (
            "rules.evaluate", JobState.DONE, world.admin.id, {"evaluated": 4})
        manual = session.exec(select(Evaluation).where(Evaluation.trigger == "manual")).all()
        assert len(manual) == 4 and {evaluation.actor_id for evaluation in manual} == {world.admin.id}
    assert "Projects evaluated" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_nobody_else_sees_the_page_or_starts_the_job(app, client, world, login):
    for user in (world.kharkiv_planner, world.auditor):
        login(user)
        assert client.get("/manage/rules/").status_code == 403
        assert client.post("/manage/rules/reevaluate").status_code == 403
        client.post("/logout")
    assert client.post("/manage/rules/reevaluate").status_code in (302, 401)
    with app.app_context(), Session(get_engine(app)) as session:
        assert session.exec(select(Job)).all() == []


def test_a_cancelled_evaluation_keeps_the_batches_it_finished_and_says_so(app, world, monkeypatch):
    from tracker.core.db import session_scope
    from tracker.governance import evaluation_jobs
    from tracker.jobs import runner

    monkeypatch.setattr(evaluation_jobs, "BATCH", 1)
    with app.app_context(), session_scope(app) as session:
        job_id = evaluation_jobs.submit_evaluation(session=session, project_ids=None, started_by_id=None,
                                                   send=False).id
    steps = []

    def cancel_after_two(context):
        steps.append(context.done)
        if len(steps) == 3:  # two batches kept by now
            context.cancelled.set()

    with app.app_context():
        assert runner.run(job_id, observer=cancel_after_two) == "cancelled"
    with app.app_context(), Session(get_engine(app)) as session:
        job = session.get(Job, job_id)
        manual = session.exec(select(Evaluation).where(Evaluation.trigger == "manual")).all()
    assert len(manual) == 2  # derived work is kept: a new run evaluates again
    # In the job's language (Ukrainian, the default): not "nothing was written", which would not be true.
    assert (job.state, job.message) == (JobState.CANCELLED, "Скасовано; виконане до того збережено.")

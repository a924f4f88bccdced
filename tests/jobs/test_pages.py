"""The jobs pages through the test client: who sees which job, the live page without JavaScript, cancelling."""
from __future__ import annotations

from sqlmodel import Session

from tracker.core.db import get_engine, session_scope
from tracker.jobs.models import Job, JobState

REFRESH = '<noscript><meta http-equiv="refresh" content="2"></noscript>'


def _job(app, user, state=JobState.RUNNING, **values) -> int:
    """A job row as a worker would leave it (the test queue runs jobs at once, so none stays running)."""
    with app.app_context(), session_scope(app) as session:
        job = Job(kind="import.projects", params={"file": "x.csv"}, started_by_id=user.id, state=state,
                  max_attempts=2, **values)
        session.add(job)
        session.flush()
        return job.id


def _state(app, job_id) -> JobState:
    with app.app_context(), Session(get_engine(app)) as session:
        return session.get(Job, job_id).state


def test_a_running_job_refreshes_itself_without_javascript_and_stops_once_finished(app, client, world, login):
    job_id = _job(app, world.kharkiv_planner, done=40, total=200, message="Checking 200 rows…")
    login(world.kharkiv_planner)
    client.get("/lang/en")
    page = client.get(f"/jobs/{job_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # Without a script the page reloads itself every 2 s, and the reload shows the progress written meanwhile.
    assert REFRESH in html and "<noscript>" in html.split("</head>")[0]
    assert 'value="40"' in html and 'max="200"' in html and "40 of 200 (20 %)" in html
    status = client.get(f"/jobs/{job_id}/status.json").get_json()
    assert (status["state"], status["done"], status["total"], status["percent"], status["finished"]) == (
        "running", 40, 200, 20, False)
    with app.app_context(), session_scope(app) as session:
        job = session.get(Job, job_id)
        job.state, job.done, job.summary = JobState.DONE, 200, {"created": 200, "updated": 0, "unchanged": 0}
    html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert REFRESH not in html and "<dt>Added</dt><dd>200</dd>" in html
    assert client.get(f"/jobs/{job_id}/status.json").get_json()["finished"] is True


def test_a_job_is_seen_by_its_starter_and_administrators_only(app, client, world, login):
    job_id = _job(app, world.kharkiv_planner)
    assert client.get(f"/jobs/{job_id}").status_code in (302, 401)  # signed out: to the sign-in page
    login(world.derhachi_planner)
    assert client.get(f"/jobs/{job_id}").status_code == 404  # another planner's job is not acknowledged
    assert client.get(f"/jobs/{job_id}/status.json").status_code == 404
    assert client.post(f"/jobs/{job_id}/cancel").status_code == 404
    assert f"/jobs/{job_id}" not in client.get("/jobs/").get_data(as_text=True)
    assert _state(app, job_id) == JobState.RUNNING
    client.post("/logout")
    login(world.admin)
    assert f'href="/jobs/{job_id}"' in client.get("/jobs/").get_data(as_text=True)
    assert client.get(f"/jobs/{job_id}").status_code == 200


def test_the_starter_cancels_a_queued_job_and_a_finished_one_stays_as_it_was(app, client, world, login):
    queued = _job(app, world.kharkiv_planner, state=JobState.QUEUED)
    finished = _job(app, world.kharkiv_planner, state=JobState.DONE)
    login(world.kharkiv_planner)
    client.get("/lang/en")
    asked = client.post(f"/jobs/{queued}/cancel")  # the first press asks again, and cancels nothing
    assert asked.status_code == 200 and "Yes, cancel the job" in asked.get_data(as_text=True)
    assert _state(app, queued) == JobState.QUEUED
    response = client.post(f"/jobs/{queued}/cancel", data={"confirmed": "yes"}, follow_redirects=True)
    assert response.status_code == 200 and "Cancelled." in response.get_data(as_text=True)
    assert _state(app, queued) == JobState.CANCELLED
    response = client.post(f"/jobs/{finished}/cancel", data={"confirmed": "yes"}, follow_redirects=True)
    assert "This job has already finished." in response.get_data(as_text=True)
    assert _state(app, finished) == JobState.DONE


def test_no_result_is_served_for_an_unfinished_job_or_a_file_outside_the_folder(app, client, world, login):
    running = _job(app, world.kharkiv_planner, result_file="r.csv")
    escaping = _job(app, world.kharkiv_planner, state=JobState.DONE, result_file="../vidnova.sqlite3")
    login(world.kharkiv_planner)
    assert client.get(f"/jobs/{running}/result").status_code == 404
    assert client.get(f"/jobs/{escaping}/result").status_code == 404


def test_a_step_that_lasts_shows_its_seconds_by_the_workers_heartbeat(app, client, world, login):
    """A long step that reports nothing else (WeasyPrint writing a PDF) still shows the work going on."""
    import time

    from tracker.core import queue
    from tracker.jobs import runner

    job_id = _job(app, world.kharkiv_planner, done=2, total=3, message="Writing 149 pages…")
    login(world.kharkiv_planner)
    client.get("/lang/en")
    now = time.time()

    def shown(seconds_ago: float) -> str:
        queue.get_queue(app).put(runner._live_key(job_id), {"done": 2, "total": 3, "message": "Writing 149 pages…",
                                                            "beat": now, "since": now - seconds_ago})
        return client.get(f"/jobs/{job_id}/status.json").get_json()["message"]

    assert shown(0.6) == "Writing 149 pages…"  # a step just begun: no seconds yet
    assert shown(1.2) == "Writing 149 pages… (1 s)"
    assert shown(5.7) == "Writing 149 pages… (5 s)"
    assert "Writing 149 pages… (5 s)" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    client.get("/lang/uk")
    assert shown(12.0) == "Writing 149 pages… (12 с)"

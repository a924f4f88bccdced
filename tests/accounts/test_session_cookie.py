"""The session cookie is written only when the session changes: a response racing a form's page must not drop
the form's CSRF token. Signed-in sessions keep Flask-Login's strong protection."""
from __future__ import annotations


def _writes_session(response) -> bool:
    return any(cookie.startswith("session=") for cookie in response.headers.getlist("Set-Cookie"))


def test_an_anonymous_session_is_not_written_back_by_every_response(app, client):
    app.config["WTF_CSRF_ENABLED"] = True  # the form's page puts its token in the session
    assert _writes_session(client.get("/lang/en"))
    assert _writes_session(client.get("/partners/register"))
    # A stylesheet, a missing favicon and a page answered meanwhile leave the cookie (and its token) alone.
    for path in ("/static/vidnova.css", "/favicon.ico", "/", "/projects"):
        response = client.get(path)
        assert not _writes_session(response), path
        response.close()


def test_a_signed_in_session_used_from_another_browser_is_dropped(client, world, login):
    login(world.kharkiv_planner)
    assert client.get("/jobs/").status_code == 200
    stolen = client.get("/jobs/", headers={"User-Agent": "another browser"})
    assert stolen.status_code in (302, 401)  # strong protection: the session no longer signs anyone in

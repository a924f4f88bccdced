"""Signing in and out through the web: sessions revoked on sign-out and password change, one answer for known
and unknown addresses, a brake that slows a client without locking the account, CSRF tokens that expire, HSTS
and the client's address behind trusted proxies."""
from __future__ import annotations

import re
import sqlite3

import pytest
from flask import request
from itsdangerous import TimestampSigner
from sqlalchemy.exc import OperationalError
from werkzeug.security import check_password_hash

from tests.factories import PASSWORD, build_world
from tests.web_fixtures import sign_in
from tracker import create_app
from tracker.accounts import operations
from tracker.accounts.models import User
from tracker.core.db import get_engine, session_scope

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
SIGNED_IN_PAGE = "/jobs/"


def _post_login(client, email: str, password: str, environ: dict | None = None):
    return client.post("/login", data={"email": email, "password": password}, environ_overrides=environ or {})


def _copy_of_session(app, client):
    """Another browser holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _stored_user(app, user_id: int) -> User:
    with app.app_context(), session_scope(app) as session:
        user = session.get(User, user_id)
        session.expunge(user)
        return user


def test_a_session_copied_before_sign_out_no_longer_signs_in(app, client, world, login):
    login(world.kharkiv_planner)
    copy = _copy_of_session(app, client)
    assert copy.get(SIGNED_IN_PAGE).status_code == 200  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    assert copy.get(SIGNED_IN_PAGE).status_code == 302
    assert client.get(SIGNED_IN_PAGE).status_code == 302
    assert _stored_user(app, world.kharkiv_planner.id).session_version == 1


def test_a_password_change_signs_out_every_other_session(app, client, world, login):
    login(world.kharkiv_planner)
    other = app.test_client()
    assert sign_in(other, world.kharkiv_planner.email).status_code == 302
    copy = _copy_of_session(app, client)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a-new-long-password", "password_again": "a-new-long-password"})
    assert response.status_code == 302
    assert client.get(SIGNED_IN_PAGE).status_code == 200  # the session that changed it stays
    assert other.get(SIGNED_IN_PAGE).status_code == 302
    assert copy.get(SIGNED_IN_PAGE).status_code == 302  # the copy of the old cookie is out too
    stored = _stored_user(app, world.kharkiv_planner.id)
    assert check_password_hash(stored.password_hash, "a-new-long-password")
    assert sign_in(app.test_client(), world.kharkiv_planner.email).status_code == 200  # old password refused


@pytest.mark.parametrize("form, status, message", [
    ({"current_password": "not-my-password", "password": "a-new-long-password",
      "password_again": "a-new-long-password"}, 200, "This is not your current password."),
    ({"current_password": PASSWORD, "password": "a-new-long-password", "password_again": "different-password"},
     422, "The passwords differ."),
    ({"current_password": PASSWORD, "password": "short", "password_again": "short"}, 422,
     "between 10 and 200 characters"),
])
def test_a_refused_password_change_changes_nothing(app, client, world, login, form, status, message):
    login(world.kharkiv_planner)
    client.get("/lang/en")
    other = app.test_client()
    sign_in(other, world.kharkiv_planner.email)
    response = client.post("/account/password", data=form)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    stored = _stored_user(app, world.kharkiv_planner.id)
    assert stored.session_version == 0 and check_password_hash(stored.password_hash, PASSWORD)
    assert other.get(SIGNED_IN_PAGE).status_code == 200


def test_the_password_page_needs_a_signed_in_user(client):
    assert client.get("/account/password").status_code == 302


def test_a_session_of_a_deactivated_user_ends(app, client, world, login):
    login(world.kharkiv_planner)
    with app.app_context(), session_scope(app) as session:
        operations.set_active(session=session, user=session.get(User, world.kharkiv_planner.id), active=False)
    assert client.get(SIGNED_IN_PAGE).status_code == 302


@pytest.mark.parametrize("session_id", ["3", "3:", "3:x", ":0", "abc", "3:0:1"])
def test_a_session_id_without_the_current_version_signs_nobody_in(app, world, session_id):
    from tracker.accounts.views import _load_user

    with app.test_request_context():
        assert _load_user(f"{world.kharkiv_planner.id}:0") is not None
        assert _load_user(session_id.replace("3", str(world.kharkiv_planner.id))) is None


def _answer(response, email: str) -> tuple[int, str | None, str]:
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    page = re.sub(r'name="csrf_token"[^>]*>', "", page)
    return response.status_code, response.headers.get("Retry-After"), page


def test_known_and_unknown_addresses_get_the_same_answers_and_the_same_brake(app, world, monkeypatch):
    app.config["LOGIN_MAX_FAILURES"] = 3
    hashes: list[str] = []
    real_check = operations.check_password_hash
    monkeypatch.setattr(operations, "check_password_hash",
                        lambda stored, password: hashes.append(stored[:6]) or real_check(stored, password))
    answers = {}
    for email in (world.admin.email, "nobody@test.ua"):
        client = app.test_client()
        client.get("/lang/en")
        answers[email] = [_answer(_post_login(client, email, "wrong-password", ATTACKER), email)
                          for _ in range(5)]
    known, unknown = answers.values()
    assert known == unknown
    assert [status for status, _, _ in known] == [200, 200, 200, 429, 429]
    assert "Wrong e-mail or password." in known[0][2]
    assert "Too many failed attempts. Try again in 15 seconds." in known[3][2]
    assert known[3][1] == "15"
    # A password hash is checked for the unknown address too (the same kind of hash), never while braked.
    assert len(hashes) == 6 and len(set(hashes)) == 1


def test_the_admin_signs_in_from_another_client_while_an_attacker_hammers_the_account(app, world):
    app.config["LOGIN_MAX_FAILURES"] = 3
    attacker = app.test_client()
    for _ in range(3):
        assert _post_login(attacker, world.admin.email, "guess", ATTACKER).status_code == 200
    for guess in ("guess", PASSWORD):  # braked: not even the right password gets through from there
        assert _post_login(attacker, world.admin.email, guess, ATTACKER).status_code == 429
    admin = app.test_client()
    assert _post_login(admin, world.admin.email, PASSWORD, OWNER).status_code == 302
    assert admin.get(SIGNED_IN_PAGE, environ_overrides=OWNER).status_code == 200
    assert _post_login(attacker, world.admin.email, "guess", ATTACKER).status_code == 429


def test_forwarded_for_is_ignored_without_trusted_proxies(app, world):
    app.config["LOGIN_MAX_FAILURES"] = 2
    client = app.test_client()
    statuses = [_post_login(client, world.admin.email, "guess", ATTACKER | {
        "HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"}).status_code for n in range(4)]
    assert statuses == [200, 200, 429, 429]  # a forged header does not make a new client


@pytest.fixture
def proxied_app(database_url, tmp_path):
    """The app behind one trusted reverse proxy, with the test world."""
    app = create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
                      "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False, "TRUSTED_PROXIES": 1,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"), "JOB_FILES_FOLDER": str(tmp_path / "job-files"),
                      "LOGIN_MAX_FAILURES": 2})
    with app.app_context(), session_scope(app) as session:
        app.world = build_world(session)
    yield app
    get_engine(app).dispose()


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_brake(proxied_app):
    email = proxied_app.world.admin.email
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    client = proxied_app.test_client()
    attacker = proxy | {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert [_post_login(client, email, "guess", attacker).status_code for _ in range(3)] == [200, 200, 429]
    # A citizen behind the same proxy is another client, and signs in.
    owner = proxy | {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert _post_login(client, email, PASSWORD, owner).status_code == 302
    # Only the last address (the one our proxy added) counts: a client cannot choose its own.
    spoofed = proxy | {"HTTP_X_FORWARDED_FOR": "198.51.100.99, 203.0.113.9"}
    assert _post_login(proxied_app.test_client(), email, "guess", spoofed).status_code == 429


def test_hsts_only_when_set_and_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/", base_url="https://localhost").headers
    app.config["HSTS_SECONDS"] = 31536000
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_behind_a_trusted_proxy_follows_the_forwarded_scheme(proxied_app):
    proxied_app.config["HSTS_SECONDS"] = 600
    client = proxied_app.test_client()
    forwarded = client.get("/", headers={"X-Forwarded-Proto": "https"}, environ_overrides={"REMOTE_ADDR": "10.0.0.2"})
    assert forwarded.headers["Strict-Transport-Security"] == "max-age=600"
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_csrf_tokens_expire(app, client, world, monkeypatch):
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 8 * 3600  # the default: a working day, not for ever
    app.config.update(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=600)
    client.get("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    real_timestamp = TimestampSigner.get_timestamp
    form = {"email": world.admin.email, "password": PASSWORD, "csrf_token": token}
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real_timestamp(self) + 601)
    expired = client.post("/login", data=form)
    assert expired.status_code == 400
    assert "The form had expired" in expired.get_data(as_text=True)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real_timestamp(self) + 590)
    assert client.post("/login", data=form).status_code == 302


def test_sign_out_still_ends_the_sessions_when_the_database_makes_it_run_again(app, client, world, login):
    login(world.kharkiv_planner)
    copy = _copy_of_session(app, client)
    attempts: list[str] = []

    def busy_once(response):  # runs before the commit: the first attempt fails as a busy database would
        if request.path == "/logout" and not attempts:
            attempts.append("busy")
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
        return response

    app.after_request_funcs.setdefault(None, []).append(busy_once)  # the last added runs first
    assert client.post("/logout").status_code == 302
    assert attempts == ["busy"]
    assert _stored_user(app, world.kharkiv_planner.id).session_version == 1
    assert copy.get(SIGNED_IN_PAGE).status_code == 302

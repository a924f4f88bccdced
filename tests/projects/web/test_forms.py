"""Forms: CSRF when enabled, validation messages, optimistic locking, sign-in brake."""
from __future__ import annotations

import re

from tests.factories import PASSWORD
from tests.projects.web.test_access import EDIT_FORM, edit_url
from tests.web_fixtures import sign_in


def test_csrf_is_enforced_on_a_real_form_when_enabled(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": world.admin.email, "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": world.admin.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_csrf_protects_project_edit(app, client, world, login):
    login(world.derhachi_planner)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(edit_url(world.clinic), data={**EDIT_FORM, "version": "1"})
    assert response.status_code == 400
    assert world.clinic.title_uk in client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)


def test_validation_errors_name_the_field_and_save_nothing(client, world, login):
    login(world.derhachi_planner)
    bad = {**EDIT_FORM, "version": "1", "title_uk": "", "location_code": "UA123", "latitude": "123"}
    response = client.post(edit_url(world.clinic), data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count('aria-invalid="true"') == 3
    assert "UA" in page and "17" in page
    assert world.clinic.title_uk in client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)


def test_stale_form_is_refused_with_the_differences(client, world, login):
    login(world.derhachi_planner)
    first = client.post(edit_url(world.clinic), data={**EDIT_FORM, "version": "1", "title_uk": "Перша"})
    assert first.status_code == 302
    stale = client.post(edit_url(world.clinic), data={**EDIT_FORM, "version": "1", "title_uk": "Друга"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Перша" in page and "Друга" in page
    assert '<input type="hidden" name="version" value="2">' in page  # carried only with the choices
    assert "Перша" in client.get(f"/projects/{world.clinic.reference}").get_data(as_text=True)


def test_repeated_failed_logins_slow_the_client(app, client, world):
    app.config["LOGIN_MAX_FAILURES"] = 3
    client.get("/lang/en")
    for _ in range(3):
        assert sign_in(client, world.admin.email, "wrong-password").status_code == 200
    response = sign_in(client, world.admin.email)  # right password, but this client waits now
    assert response.status_code == 429
    assert "Too many failed attempts. Try again in 15 seconds." in response.get_data(as_text=True)


def test_wrong_password_message_does_not_reveal_accounts(client, world):
    unknown = sign_in(client, "nobody@test.ua", "whatever-password").get_data(as_text=True)
    wrong = sign_in(client, world.admin.email, "whatever-password").get_data(as_text=True)
    assert "Неправильна електронна пошта або пароль." in unknown
    assert "Неправильна електронна пошта або пароль." in wrong


def test_language_switch_refuses_open_redirects(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/"

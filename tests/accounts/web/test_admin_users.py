"""The administrators' account pages (/manage/users) through the test client: the same rules as the command line."""
from __future__ import annotations

import html
import re

import pytest
from sqlmodel import Session, select

from tests.factories import PASSWORD
from tests.web_fixtures import sign_in
from tracker.accounts.models import User, UserAuthority
from tracker.audit.models import AuditEntry
from tracker.core.db import get_engine
from tracker.core.errors import ServiceError


def _read(app):
    return Session(get_engine(app))


def _user(app, email):
    with _read(app) as session:
        return session.exec(select(User).where(User.email == email)).one()


def _new_planner(world, **changes):
    form = {"name": "Олена Коваль", "email": "olena@hromada.ua", "role": "planner", "locale": "en",
            "authority": [str(world.kharkiv_hromada.id), str(world.irpin_hromada.id)]}
    form.update(changes)
    return form


def test_an_administrator_creates_a_scoped_planner_whose_temporary_password_is_shown_once(app, client, world,
                                                                                            login):
    login(world.admin)
    client.get("/lang/en")
    assert "olena" not in client.get("/manage/users/").get_data(as_text=True)
    response = client.post("/manage/users/new", data=_new_planner(world))
    page = response.get_data(as_text=True)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert len(password) >= 10
    created = _user(app, "olena@hromada.ua")
    assert (created.role, created.locale, created.must_change_password) == ("planner", "en", True)
    with _read(app) as session:
        scope = set(session.exec(select(UserAuthority.authority_id).where(UserAuthority.user_id == created.id)))
    assert scope == {world.kharkiv_hromada.id, world.irpin_hromada.id}
    listed = client.get("/manage/users/?q=олена").get_data(as_text=True)
    assert "olena@hromada.ua" in listed and "Kharkiv urban hromada" in listed and password not in listed
    assert "admin@test.ua" not in listed
    # The person signs in with it and must choose their own password before anything else.
    client.post("/logout")
    assert sign_in(client, "olena@hromada.ua", password).status_code == 302
    assert client.get("/jobs/").headers["Location"].endswith("/account/password")
    client.post("/account/password", data={"current_password": password, "password": "my-own-password-1",
                                           "password_again": "my-own-password-1"})
    assert client.get("/jobs/").status_code == 200
    assert _user(app, "olena@hromada.ua").must_change_password is False


def test_the_list_filters_by_role_and_pages(app, client, world, login):
    login(world.admin)
    client.get("/lang/en")
    planners = client.get("/manage/users/?role=planner").get_data(as_text=True)
    assert "oblast@test.ua" in planners and "auditor@test.ua" not in planners
    assert "4 users" not in planners and "3 users" in planners
    for strange in ("?role=overlord", "?page=999", "?q=%25", "?page=x"):
        assert client.get("/manage/users/" + strange).status_code in (200, 400), strange


@pytest.mark.parametrize("changes, field, message", [
    ({"email": "oblast@test.ua"}, "email", "A user with e-mail &#39;oblast@test.ua&#39; already exists."),
    ({"authority": []}, "authority", "A planner needs at least one authority."),
    ({"role": "auditor"}, "authority", "Only planners are scoped to authorities, not Auditor."),
    ({"locale": ""}, "locale", "This field is required."),
])
def test_a_refused_account_is_not_created_and_the_field_says_why(app, client, world, login, changes, field,
                                                                 message):
    login(world.admin)
    client.get("/lang/en")
    response = client.post("/manage/users/new", data=_new_planner(world, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    # The message stands in the field's own block, after its control.
    block = page[page.index(f'id="{field}"'):]
    assert message in block[:block.index("</div>")], block[:600]
    with _read(app) as session:
        assert session.exec(select(User).where(User.name == "Олена Коваль")).first() is None


def test_nobody_but_an_administrator_opens_the_pages(app, client, world, login):
    target = world.irpin_planner.id
    for user in (world.kharkiv_planner, world.auditor):
        login(user)
        for path in ("/manage/users/", "/manage/users/new", f"/manage/users/{target}/edit",
                     f"/manage/users/{target}/deactivate", f"/manage/users/{target}/password"):
            assert client.get(path).status_code == 403, path
        assert client.post(f"/manage/users/{target}/deactivate").status_code == 403
        assert client.post("/manage/users/new", data=_new_planner(world)).status_code == 403
        client.post("/logout")
    assert client.get("/manage/users/").status_code in (302, 401)
    assert _user(app, "irpin@test.ua").is_active
    with _read(app) as session:
        assert session.exec(select(User).where(User.email == "olena@hromada.ua")).first() is None


def test_deactivating_ends_the_users_sessions_and_refuses_their_sign_in(app, world, login):
    planner = app.test_client()
    assert sign_in(planner, "irpin@test.ua").status_code == 302
    assert planner.get("/jobs/").status_code == 200
    admin = login(world.admin)
    admin.get("/lang/en")
    assert "Deactivate" in admin.get(f"/manage/users/{world.irpin_planner.id}/deactivate").get_data(as_text=True)
    assert _user(app, "irpin@test.ua").is_active  # asking is not doing
    response = admin.post(f"/manage/users/{world.irpin_planner.id}/deactivate")
    assert response.status_code == 303
    assert planner.get("/jobs/").status_code in (302, 401)  # the open session no longer signs in
    refused = sign_in(planner, "irpin@test.ua")
    assert refused.status_code == 200 and "/login" in refused.request.path
    assert admin.post(f"/manage/users/{world.irpin_planner.id}/reactivate").status_code == 303
    assert sign_in(planner, "irpin@test.ua").status_code == 302


def test_an_administrator_cannot_deactivate_themselves_nor_the_last_active_administrator(app, client, world,
                                                                                          login):
    login(world.admin)
    client.get("/lang/en")
    response = client.post(f"/manage/users/{world.admin.id}/deactivate")
    assert response.status_code == 422 and "You cannot deactivate your own account." in response.get_data(
        as_text=True)
    # Another administrator, then the first one's demotion: the other is now the last one.
    client.post("/manage/users/new", data={"name": "Друга", "email": "second@test.ua", "role": "admin",
                                           "locale": "uk"})
    second = _user(app, "second@test.ua")
    refused = client.post(f"/manage/users/{world.admin.id}/edit",
                          data={"name": "admin", "role": "auditor", "locale": "uk"})
    assert refused.status_code == 422 and "You cannot change your own role." in refused.get_data(as_text=True)
    with app.app_context(), Session(get_engine(app)) as session:
        from tracker.accounts.operations import set_active, update_user

        first = session.get(User, world.admin.id)
        update_user(session=session, user=first, role="auditor")  # as `vidnova user update` would
        session.commit()
        other = session.get(User, second.id)
        with pytest.raises(ServiceError, match="second@test.ua"):  # the last active administrator
            set_active(session=session, user=other, active=False)
        session.rollback()
    assert _user(app, "second@test.ua").is_active


def test_a_reset_password_is_temporary_ends_sessions_and_leaves_no_secret_in_the_audit_trail(app, world,
                                                                                              login):
    planner = app.test_client()
    sign_in(planner, "irpin@test.ua")
    admin = login(world.admin)
    response = admin.post(f"/manage/users/{world.irpin_planner.id}/password",
                          data={"password": "temporary-pass-42"})
    assert response.status_code == 200 and "temporary-pass-42" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert planner.get("/jobs/").status_code in (302, 401)
    assert sign_in(planner, "irpin@test.ua", PASSWORD).status_code == 200  # the old one no longer works
    assert sign_in(planner, "irpin@test.ua", "temporary-pass-42").status_code == 302
    assert planner.get("/jobs/").headers["Location"].endswith("/account/password")
    # A generated one when none is typed.
    generated = admin.post(f"/manage/users/{world.irpin_planner.id}/password", data={"password": ""})
    secret = re.search(r'<code class="secret">([^<]+)</code>', generated.get_data(as_text=True)).group(1)
    assert len(secret) == 16
    hashed = _user(app, "irpin@test.ua").password_hash
    with _read(app) as session:
        logged = [html.unescape(str(entry.changes)) for entry in session.exec(
            select(AuditEntry).where(AuditEntry.table_name == "user_account"))]
    assert logged and not any(hashed in text or secret in text or "temporary-pass-42" in text
                              for text in logged)


def test_editing_changes_role_and_scope(app, client, world, login):
    login(world.admin)
    response = client.post(f"/manage/users/{world.irpin_planner.id}/edit",
                           data={"name": "Ірина", "role": "planner", "locale": "uk",
                                 "authority": [str(world.derhachi_hromada.id)]})
    assert response.status_code == 303
    with _read(app) as session:
        scope = list(session.exec(select(UserAuthority.authority_id)
                                  .where(UserAuthority.user_id == world.irpin_planner.id)))
    assert scope == [world.derhachi_hromada.id]
    assert _user(app, "irpin@test.ua").name == "Ірина"


def test_every_form_needs_its_csrf_token(app, client, world, login):
    login(world.admin)
    app.config["WTF_CSRF_ENABLED"] = True
    target = world.irpin_planner.id
    for path, data in ((f"/manage/users/{target}/deactivate", {}),
                       (f"/manage/users/{target}/password", {"password": "temporary-pass-42"}),
                       (f"/manage/users/{target}/edit", {"name": "x", "role": "auditor", "locale": "uk"}),
                       ("/manage/users/new", _new_planner(world))):
        assert client.post(path, data=data).status_code == 400, path
    user = _user(app, "irpin@test.ua")
    assert user.is_active and user.role == "planner" and not user.must_change_password

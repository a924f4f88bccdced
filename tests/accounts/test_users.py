"""Accounts: validation of roles and scopes, password hashing, the sign-in brake."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, build_world
from tracker.accounts.models import User
from tracker.accounts.operations import AccountLocked, LoginRefused, authenticate, create_user, scope_paths
from tracker.core.columns import utcnow
from tracker.core.errors import ServiceError


def test_passwords_are_hashed(session):
    world = build_world(session)
    assert world.admin.password_hash != PASSWORD
    assert world.admin.password_hash.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize("kwargs, field", [
    ({"role": "superuser"}, "role"),
    ({"role": "planner"}, "authority"),
    ({"role": "auditor", "authority_codes": ["UA63000000000041885"]}, "authority"),
    ({"role": "planner", "authority_codes": ["UA99999999999999999"]}, "authority"),
    ({"password": "short"}, "password"),
    ({"email": "not-an-address"}, "email"),
])
def test_create_user_refuses_bad_input(session, kwargs, field):
    build_world(session)
    values = {"email": "new@test.ua", "name": "New", "password": PASSWORD, "role": "admin", **kwargs}
    with pytest.raises(ServiceError) as refused:
        create_user(session=session, **values)
    assert refused.value.field == field
    session.rollback()
    assert session.exec(select(User).where(User.email == "new@test.ua")).first() is None


def test_duplicate_email_is_refused(session):
    world = build_world(session)
    with pytest.raises(ServiceError, match="already exists"):
        create_user(session=session, email=world.admin.email.upper(), name="x", password=PASSWORD, role="admin")


def test_planner_scope_paths(session):
    world = build_world(session)
    assert scope_paths(session=session, user=world.kharkiv_planner) == [world.kharkiv_oblast.path]


def test_lock_after_repeated_failures_and_unlock_after_the_wait(session):
    world = build_world(session)
    now = utcnow()
    for _ in range(3):
        with pytest.raises(LoginRefused):
            authenticate(session=session, email=world.admin.email, password="wrong", max_failures=3,
                         lock_minutes=15, now=now)
    with pytest.raises(AccountLocked):
        authenticate(session=session, email=world.admin.email, password=PASSWORD, max_failures=3,
                     lock_minutes=15, now=now + timedelta(minutes=1))
    session.commit()
    user = authenticate(session=session, email=world.admin.email, password=PASSWORD, max_failures=3,
                        lock_minutes=15, now=now + timedelta(minutes=16))
    assert user.id == world.admin.id and user.failed_logins == 0

"""Accounts: validation of roles and scopes, password hashing, the sign-in brake."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, build_world
from tracker.accounts.models import User
from tracker.accounts.operations import (
    SIGN_IN_FAILURE,
    LoginRefused,
    SignInBrake,
    SignInThrottled,
    authenticate,
    brake_key,
    create_user,
    end_sessions,
    scope_paths,
    session_matches,
    set_active,
    set_password,
)
from tracker.core.columns import utcnow
from tracker.core.errors import ServiceError
from tracker.core.models import RateLimitEvent


def test_passwords_are_hashed(session):
    world = build_world(session)
    assert world.admin.password_hash != PASSWORD
    assert world.admin.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_the_product_hashes_passwords_with_scrypt_and_unknown_addresses_cost_the_same(session, cheap_password_hashes,
                                                                                         monkeypatch):
    from tracker.accounts import operations

    production_hash, production_dummy = cheap_password_hashes  # as the product runs, outside the suite's shortcut
    monkeypatch.setattr(operations, "generate_password_hash", production_hash)
    monkeypatch.setattr(operations, "_DUMMY_HASH", production_dummy)
    user = operations.create_user(session=session, email="scrypt@test.ua", name="S", password=PASSWORD,
                                  role="admin")
    assert user.password_hash.startswith("scrypt:") and production_dummy.startswith("scrypt:")


@pytest.mark.parametrize("kwargs, field", [
    ({"role": "superuser"}, "role"),
    ({"role": "planner"}, "authority"),
    ({"role": "auditor", "authority_codes": ["UA63000000000041885"]}, "authority"),
    ({"role": "planner", "authority_codes": ["UA99999999999999999"]}, "authority"),
    ({"password": "short"}, "password"),
    ({"email": "not-an-address"}, "email"),
    ({"email": "admin@localhost"}, "email"),
    ({"email": "two@@test.ua"}, "email"),
    ({"email": "space in@test.ua"}, "email"),
    ({"email": "x" * 250 + "@test.ua"}, "email"),
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


BRAKE = SignInBrake(free_failures=3, window=timedelta(minutes=15), first_wait=timedelta(seconds=10))
ATTACKER = "203.0.113.9"


def _fail(session, email: str, now, client: str = ATTACKER) -> None:
    with pytest.raises(LoginRefused) as refused:
        authenticate(session=session, email=email, password="wrong-password", client=client, brake=BRAKE, now=now)
    assert not isinstance(refused.value, SignInThrottled)


def _throttled(session, email: str, now, password: str = PASSWORD, client: str = ATTACKER) -> int:
    with pytest.raises(SignInThrottled) as throttled:
        authenticate(session=session, email=email, password=password, client=client, brake=BRAKE, now=now)
    return throttled.value.retry_after


@pytest.mark.parametrize("known", [True, False], ids=["existing account", "unknown address"])
def test_the_brake_slows_a_client_with_a_growing_wait_whether_or_not_the_address_exists(session, known):
    world = build_world(session)
    email = world.admin.email if known else "nobody@test.ua"
    start = utcnow()
    for step in range(3):  # the free failures
        _fail(session, email, start + timedelta(seconds=step))
    latest = start + timedelta(seconds=2)
    # Even the right password is not checked while the client waits: 10 s after the third failure.
    assert _throttled(session, email, latest + timedelta(seconds=1)) == 9
    _fail(session, email, latest + timedelta(seconds=10))
    latest += timedelta(seconds=10)
    assert _throttled(session, email, latest + timedelta(seconds=1)) == 19  # twice as long now
    _fail(session, email, latest + timedelta(seconds=20))
    latest += timedelta(seconds=20)
    assert _throttled(session, email, latest) == 40
    # Nothing is written on the account: it is neither counted nor locked.
    session.refresh(world.admin)
    assert world.admin.failed_logins == 0 and world.admin.locked_until is None


def test_the_wait_never_exceeds_the_window_and_old_failures_are_forgotten(session):
    world = build_world(session)
    start = utcnow()
    for step in range(12):  # each failure recorded as if the client had waited just long enough
        session.add(RateLimitEvent(action=SIGN_IN_FAILURE, key=brake_key(ATTACKER, world.admin.email),
                                   created_at=start + timedelta(seconds=step)))
    session.flush()
    assert _throttled(session, world.admin.email, start + timedelta(seconds=11)) == 15 * 60
    # A window after the last failure, every failure is forgotten: the right password signs in.
    later = start + timedelta(seconds=11) + BRAKE.window + timedelta(seconds=1)
    user = authenticate(session=session, email=world.admin.email, password=PASSWORD, client=ATTACKER, brake=BRAKE,
                        now=later)
    assert user.id == world.admin.id


def test_the_owner_signs_in_from_another_client_while_an_attacker_is_slowed(session):
    world = build_world(session)
    now = utcnow()
    for step in range(6):
        with pytest.raises(LoginRefused):
            authenticate(session=session, email=world.admin.email, password="guess", client=ATTACKER, brake=BRAKE,
                         now=now + timedelta(minutes=step))
    _throttled(session, world.admin.email, now + timedelta(minutes=5, seconds=1))
    user = authenticate(session=session, email=world.admin.email.upper(), password=PASSWORD, client="198.51.100.7",
                        brake=BRAKE, now=now + timedelta(minutes=5, seconds=1))
    assert user.id == world.admin.id
    # The attacker's client still waits: the owner's success forgot only the owner's client's failures.
    _throttled(session, world.admin.email, now + timedelta(minutes=5, seconds=1))


def test_a_successful_sign_in_forgets_that_clients_failures(session):
    world = build_world(session)
    now = utcnow()
    for step in range(2):
        _fail(session, world.admin.email, now + timedelta(seconds=step))
    authenticate(session=session, email=world.admin.email, password=PASSWORD, client=ATTACKER, brake=BRAKE,
                 now=now + timedelta(seconds=2))
    for step in range(3):  # three free failures again, not one
        _fail(session, world.admin.email, now + timedelta(seconds=3 + step))
    _throttled(session, world.admin.email, now + timedelta(seconds=6))


def test_a_deactivated_account_is_refused_like_an_unknown_address(session):
    world = build_world(session)
    set_active(session=session, user=world.auditor, active=False)
    with pytest.raises(LoginRefused, match="wrong e-mail or password"):
        authenticate(session=session, email=world.auditor.email, password=PASSWORD, client=ATTACKER, brake=BRAKE)


def test_the_brake_does_not_keep_the_address_typed(session):
    build_world(session)
    with pytest.raises(LoginRefused):
        authenticate(session=session, email="my-password-typed-here@test.ua", password="x", client=ATTACKER,
                     brake=BRAKE)
    keys = session.exec(select(RateLimitEvent.key)).all()
    assert len(keys) == 1 and "my-password" not in keys[0] and keys[0].startswith(ATTACKER)


@pytest.mark.parametrize("change", ["password", "deactivate", "end"])
def test_password_change_deactivation_and_sign_out_raise_the_session_version(session, change):
    world = build_world(session)
    before = world.admin.get_id()
    if change == "password":
        set_password(session=session, user=world.admin, password="another-long-password")
        assert authenticate(session=session, email=world.admin.email, password="another-long-password",
                            client=ATTACKER).id == world.admin.id
    elif change == "deactivate":
        # Another administrator first: the last active one cannot be deactivated.
        create_user(session=session, email="other-admin@test.ua", name="Other", password="long-enough-password",
                    role="admin")
        set_active(session=session, user=world.admin, active=False)
    else:
        end_sessions(session=session, user=world.admin)
    assert world.admin.get_id() != before
    assert not session_matches(world.admin, before.split(":")[1])


def test_a_short_new_password_is_refused_and_sessions_stay(session):
    world = build_world(session)
    with pytest.raises(ServiceError) as refused:
        set_password(session=session, user=world.admin, password="short")
    assert refused.value.field == "password"
    assert world.admin.session_version == 0

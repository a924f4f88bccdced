"""Citizens' voice fixtures: a moderator beside the test world, and helpers to submit and confirm."""
from __future__ import annotations

from sqlmodel import select

from tracker.accounts.operations import create_user
from tracker.core.models import OutboxMessage
from tracker.voice import operations

SECRET = "test-secret-key-for-tokens"
LIMITS = operations.Limits(per_client=100, per_address=100, photo_max_bytes=8 * 1024 * 1024,
                           photo_max_pixels=40_000_000)


def add_moderator(session, email="moderator@test.ua"):
    from tests.factories import PASSWORD

    return create_user(session=session, email=email, name="Moderator", password=PASSWORD, role="moderator")


def submission(**overrides) -> operations.Submission:
    values = dict(kind="complaint", category="delay", email="Citizen@Example.org",
                  body="The works stopped in May.", locale="en")
    values.update(overrides)
    return operations.Submission(**values)


def submit(session, project, *, photo=None, rate_key="10.0.0.1", limits=LIMITS, upload_folder="no-photo-uploads",
           **overrides):
    return operations.submit(session=session, project=project, data=submission(**overrides), photo=photo,
                             secret_key=SECRET, rate_key=rate_key, limits=limits, upload_folder=upload_folder)


def confirmation_path(session_or_bodies, email="citizen@example.org") -> str:
    bodies = session_or_bodies.exec(select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                                    .order_by(OutboxMessage.id)).all()
    return "/voice/confirm/" + bodies[-1].split("/voice/confirm/")[1].split()[0]

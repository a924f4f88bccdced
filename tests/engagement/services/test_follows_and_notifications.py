"""Followers confirm by a signed link; stage changes mail confirmed followers only."""
from __future__ import annotations

import pytest
from sqlmodel import select

from tracker.core.errors import ServiceError
from tracker.core.models import OutboxMessage
from tracker.engagement import follows
from tracker.engagement.models import ProjectFollower
from tracker.engagement.notifications import notify_stage_change, planners_for
from tracker.engagement.rate_limits import RateLimited

SECRET = "test-secret-key-for-tokens"


def _follow(session, project, email, **overrides):
    values = dict(locale="en", secret_key=SECRET, rate_key="10.1.1.1", rate_limit=10)
    values.update(overrides)
    return follows.request_follow(session=session, project=project, email=email, **values)


def _token_in(session, email) -> str:
    body = session.exec(select(OutboxMessage.body).where(OutboxMessage.recipient == email)).first()
    return body.split("/follow/confirm/")[1].split()[0]


def test_follow_is_confirmed_by_the_signed_link(session, world):
    follower = _follow(session, world.clinic, "Citizen@Example.org")
    assert follower.email == "citizen@example.org" and follower.confirmed_at is None
    token = _token_in(session, "citizen@example.org")
    assert follows.confirm_follow(session=session, token=token, secret_key=SECRET).confirmed_at is not None


def test_forged_or_altered_links_are_refused(session, world):
    _follow(session, world.clinic, "a@example.org")
    token = _token_in(session, "a@example.org")
    with pytest.raises(ServiceError, match="not valid"):
        follows.confirm_follow(session=session, token=token, secret_key="another-secret-key")
    with pytest.raises(ServiceError, match="not valid"):
        # A character well inside the signature: the last ones of base64 may carry only padding bits, so
        # changing them can leave the signature valid by chance.
        tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        follows.confirm_follow(session=session, token=tampered, secret_key=SECRET)
    with pytest.raises(ServiceError, match="expired"):
        follows.confirm_follow(session=session, token=token, secret_key=SECRET, max_age=-1)


def test_hidden_projects_cannot_be_followed(session, world):
    from tracker.core.errors import NotFound

    with pytest.raises(NotFound):
        _follow(session, world.draft, "a@example.org")


def test_follow_requests_are_rate_limited(session, world):
    _follow(session, world.clinic, "a@example.org", rate_limit=1)
    with pytest.raises(RateLimited):
        _follow(session, world.school, "b@example.org", rate_limit=1)


def test_stage_change_mails_confirmed_followers_only(session, world):
    confirmed = _follow(session, world.clinic, "yes@example.org")
    follows.confirm_follow(session=session, token=_token_in(session, "yes@example.org"), secret_key=SECRET)
    _follow(session, world.clinic, "not-yet@example.org")
    _follow(session, world.school, "other@example.org")
    before = set(session.exec(select(OutboxMessage.id)))
    assert notify_stage_change(session=session, project=world.clinic, from_stage="needs_assessment",
                               to_stage="planning") == 1
    new = session.exec(select(OutboxMessage).where(OutboxMessage.id.not_in(before))).all()
    assert [m.recipient for m in new] == ["yes@example.org"]
    assert world.clinic.reference in new[0].subject and "Planning" in new[0].subject
    assert f"/follow/stop/{confirmed.unsubscribe_token}" in new[0].body


def test_stopping_forgets_the_address(session, world):
    follower = _follow(session, world.clinic, "a@example.org")
    found = follows.follower_by_stop_token(session=session, token=follower.unsubscribe_token)
    follows.stop_following(session=session, follower=found)
    assert session.exec(select(ProjectFollower)).all() == []


def test_planners_for_an_authority_include_those_above_it(session, world):
    assert {u.email for u in planners_for(session=session, authority=world.derhachi_hromada)} == {
        world.derhachi_planner.email, world.kharkiv_planner.email}
    assert [u.email for u in planners_for(session=session, authority=world.irpin_hromada)] == [
        world.irpin_planner.email]

"""Citizens' items: submitted without an account, confirmed by a signed link, moderated, answered."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.voice.conftest import LIMITS, SECRET, add_moderator, confirmation_path, submit
from tests.voice.images import decompression_bomb, exif_of, photo_with_gps, polyglot
from tracker.core.errors import NotFound, ServiceError, StateConflict
from tracker.core.models import OutboxMessage
from tracker.core.vocab import VoiceState
from tracker.engagement.models import ProjectFollower
from tracker.engagement.rate_limits import RateLimited
from tracker.voice import operations
from tracker.voice.models import CitizenItem, CitizenPhoto


def _confirm(session, **kwargs):
    token = confirmation_path(session).split("/voice/confirm/")[1]
    return operations.confirm(session=session, token=token, secret_key=SECRET, answer_days=30, **kwargs)


def test_an_item_waits_for_its_author_then_for_the_moderator(session, world):
    item = submit(session, world.clinic)
    assert item.state == VoiceState.UNCONFIRMED and item.author_email == "citizen@example.org"
    assert item.due_on is None
    confirmed = _confirm(session)
    assert confirmed.state == VoiceState.AWAITING_MODERATION
    assert confirmed.due_on == confirmed.confirmed_at.date() + timedelta(days=30)
    assert operations.moderation_queue(session=session) == [confirmed]


def test_comments_have_no_due_date(session, world):
    submit(session, world.clinic, kind="comment", category="delay")
    item = _confirm(session)
    assert item.due_on is None and item.category is None


def test_forged_altered_and_expired_links_are_refused(session, world):
    submit(session, world.clinic)
    token = confirmation_path(session).split("/voice/confirm/")[1]
    with pytest.raises(ServiceError, match="not valid"):
        operations.confirm(session=session, token=token, secret_key="other", answer_days=30)
    with pytest.raises(ServiceError, match="not valid"):
        # A character well inside the signature (the last ones may carry padding bits only).
        tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        operations.confirm(session=session, token=tampered, secret_key=SECRET, answer_days=30)
    with pytest.raises(ServiceError, match="expired"):
        operations.confirm(session=session, token=token, secret_key=SECRET, answer_days=30, max_age=-1)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"email": "not-an-address"}, "email"),
    ({"kind": "rumour"}, "kind"),
    ({"category": None}, "category"),
    ({"category": "aliens"}, "category"),
    ({"body": ""}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({"author_name": "n" * 101}, "author_name"),
    ({"latitude": 50.0}, "latitude"),
    ({"latitude": 10.0, "longitude": 30.0}, "latitude"),
    ({"observed_on": date.today() + timedelta(days=2)}, "observed_on"),
    ({"kind": "photo", "body": None}, "photo"),
])
def test_bad_input_is_refused_naming_its_field(session, world, overrides, field):
    with pytest.raises(ServiceError) as refused:
        submit(session, world.clinic, **overrides)
    assert refused.value.field == field
    assert session.exec(select(CitizenItem)).all() == []


def test_items_only_on_public_projects(session, world):
    with pytest.raises(NotFound):
        submit(session, world.draft)


def test_flooding_is_stopped_per_client_and_per_address(session, world):
    limits = operations.Limits(per_client=3, per_address=2, photo_max_bytes=LIMITS.photo_max_bytes,
                               photo_max_pixels=LIMITS.photo_max_pixels)
    for number in range(2):
        submit(session, world.clinic, limits=limits, rate_key=f"10.0.0.{number}")
    with pytest.raises(RateLimited):
        submit(session, world.clinic, limits=limits, rate_key="10.0.0.9")  # a third from this address today
    for number in range(3):
        submit(session, world.clinic, limits=limits, rate_key="10.9.9.9", email=f"n{number}@example.org")
    with pytest.raises(RateLimited):
        submit(session, world.clinic, limits=limits, rate_key="10.9.9.9", email="n9@example.org")  # 4th client


def test_a_moderator_publishes_or_hides_and_a_second_decision_conflicts(session, world):
    moderator = add_moderator(session)
    submit(session, world.clinic)
    first = _confirm(session)
    submit(session, world.clinic, email="two@example.org")
    second = operations.confirm(
        session=session, token=confirmation_path(session, "two@example.org").split("/voice/confirm/")[1],
        secret_key=SECRET, answer_days=30)
    operations.publish(session=session, item=first, moderator=moderator)
    operations.hide(session=session, item=second, moderator=moderator, reason="personal_data")
    assert (first.state, second.state) == (VoiceState.PUBLISHED, VoiceState.HIDDEN)
    assert second.hidden_reason == "personal_data" and second.body  # hidden, never deleted
    with pytest.raises(StateConflict):
        operations.hide(session=session, item=first, moderator=moderator, reason="abuse")
    with pytest.raises(ServiceError) as refused:
        operations.publish(session=session, item=first, moderator=world.kharkiv_planner)
    assert refused.value.field == "moderator"


def test_unknown_hide_reason_is_refused(session, world):
    moderator = add_moderator(session)
    submit(session, world.clinic)
    item = _confirm(session)
    with pytest.raises(ServiceError) as refused:
        operations.hide(session=session, item=item, moderator=moderator, reason="dislike")
    assert refused.value.field == "reason" and item.state == VoiceState.AWAITING_MODERATION


def test_the_projects_planner_answers_and_author_and_followers_hear(session, world):
    moderator = add_moderator(session)
    session.add(ProjectFollower(project_id=world.clinic.id, email="follower@example.org", locale="en",
                                unsubscribe_token="t" * 32, confirmed_at=world.clinic.created_at))
    submit(session, world.clinic)
    item = operations.publish(session=session, item=_confirm(session), moderator=moderator)
    authority = session.get(type(world.derhachi_hromada), world.clinic.authority_id)
    with pytest.raises(ServiceError):  # Irpin's planner is not responsible for a Derhachi project
        operations.answer(session=session, item=item, project=world.clinic, authority=authority,
                          user=world.irpin_planner, scope_paths=[world.irpin_hromada.path], text="No")
    # The oblast's planner is above the hromada: responsible too.
    operations.answer(session=session, item=item, project=world.clinic, authority=authority,
                      user=world.kharkiv_planner, scope_paths=[world.kharkiv_oblast.path], text="Works resume in June.")
    assert item.answered_by_id == world.kharkiv_planner.id and not item.is_overdue(date.today() + timedelta(90))
    mailed = {m.recipient for m in session.exec(select(OutboxMessage).where(OutboxMessage.subject.like("Answer%")))}
    assert mailed == {"citizen@example.org", "follower@example.org"}
    with pytest.raises(StateConflict):
        operations.answer(session=session, item=item, project=world.clinic, authority=authority,
                          user=world.admin, scope_paths=[], text="Again")


def test_unanswered_past_its_due_date_is_overdue(session, world):
    submit(session, world.clinic)
    item = _confirm(session)
    assert not item.is_overdue(item.due_on) and item.is_overdue(item.due_on + timedelta(days=1))


def test_a_photo_is_stored_without_metadata(session, world, tmp_path):
    item = submit(session, world.clinic, kind="photo", body=None, photo=photo_with_gps(), phase="before",
                  upload_folder=str(tmp_path))
    session.commit()
    photo = session.exec(select(CitizenPhoto).where(CitizenPhoto.item_id == item.id)).one()
    stored = (tmp_path / "voice" / photo.storage_name).read_bytes()
    assert exif_of(stored) == {"gps": {}}
    assert (tmp_path / "voice" / photo.thumb_name).exists() and photo.phase == "before"


def test_a_shared_place_keeps_only_the_gps(session, world, tmp_path):
    item = submit(session, world.clinic, kind="photo", body=None, photo=photo_with_gps(), latitude=50.45,
                  longitude=30.52, share_place=True, upload_folder=str(tmp_path))
    photo = session.exec(select(CitizenPhoto).where(CitizenPhoto.item_id == item.id)).one()
    exif = exif_of((tmp_path / "voice" / photo.storage_name).read_bytes())
    assert exif["gps"][1] == "N" and 0x010F not in exif  # the camera maker is gone


@pytest.mark.parametrize(("data", "message"), [
    (decompression_bomb(), "too many pixels"),
    (polyglot(), "something other than a picture"),
    (b"%PDF-1.4 not an image", "not a photo"),
    (photo_with_gps()[:200], "could not be read"),
    (b"<svg onload=alert(1)></svg>", "not a photo"),
])
def test_bad_photos_are_refused_and_nothing_is_stored(session, world, tmp_path, data, message):
    with pytest.raises(ServiceError, match=message) as refused:
        submit(session, world.clinic, kind="photo", body=None, photo=data, upload_folder=str(tmp_path))
    assert refused.value.field == "photo"
    session.rollback()
    assert session.exec(select(CitizenItem)).all() == [] and session.exec(select(CitizenPhoto)).all() == []
    assert not list(tmp_path.rglob("*.jpg"))


def test_an_oversized_photo_is_refused(session, world, tmp_path):
    limits = operations.Limits(per_client=10, per_address=10, photo_max_bytes=1024, photo_max_pixels=40_000_000)
    with pytest.raises(ServiceError, match="larger than"):
        submit(session, world.clinic, kind="photo", body=None, photo=photo_with_gps((800, 600)), limits=limits,
               upload_folder=str(tmp_path))


def test_a_rolled_back_submission_leaves_no_file(session, world, tmp_path):
    submit(session, world.clinic, kind="photo", body=None, photo=photo_with_gps(), upload_folder=str(tmp_path))
    assert list(tmp_path.rglob("*.jpg"))
    session.rollback()
    assert not list(tmp_path.rglob("*.jpg"))


def test_an_auditor_raises_a_finding_from_a_complaint_linked_both_ways(session, world):
    from tracker.audit.models import Finding

    moderator = add_moderator(session)
    submit(session, world.clinic, category="suspected_corruption", body="Paid twice for the roof")
    item = operations.publish(session=session, item=_confirm(session), moderator=moderator)
    with pytest.raises(ServiceError):
        operations.raise_finding(session=session, item=item, project=world.clinic, auditor=world.derhachi_planner)
    finding = operations.raise_finding(session=session, item=item, project=world.clinic, auditor=world.auditor)
    assert item.finding_id == finding.id and session.get(Finding, finding.id).severity == "high"
    assert f"#voice-{item.id}" in finding.description and "Paid twice for the roof" in finding.description
    assert finding.responsible_authority_id == world.clinic.authority_id and not finding.is_public
    with pytest.raises(StateConflict):
        operations.raise_finding(session=session, item=item, project=world.clinic, auditor=world.auditor)

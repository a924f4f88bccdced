"""A moderator takes down an item already published: reason in its place, out of the gallery and the figures."""
from __future__ import annotations

import pytest

from tests.voice.conftest import SECRET, add_moderator, confirmation_path, submit
from tests.voice.images import photo_with_gps
from tracker.core.errors import ServiceError, StateConflict
from tracker.core.vocab import VoiceState
from tracker.voice import operations, read_models
from tracker.voice.facts import citizens_facts


def _published(session, world, moderator, tmp_path, **overrides):
    email = overrides.pop("email", "citizen@example.org")
    submit(session, world.clinic, email=email, photo=photo_with_gps(), upload_folder=str(tmp_path), **overrides)
    token = confirmation_path(session, email).split("/voice/confirm/")[1]
    item = operations.confirm(session=session, token=token, secret_key=SECRET, answer_days=30)
    return operations.publish(session=session, item=item, moderator=moderator)


def test_a_published_item_hidden_later_leaves_page_gallery_figures_and_facts(session, world, tmp_path):
    moderator = add_moderator(session)
    item = _published(session, world, moderator, tmp_path, category="suspected_corruption")
    before = read_models.project_voice(session=session, project_id=world.clinic.id)
    assert before.gallery and before.counts().published == 1
    assert citizens_facts(session, [world.clinic.id])[world.clinic.id]["citizens"]["complaints_open"] == 1

    operations.hide_published(session=session, item=item, moderator=moderator, reason="personal_data")

    assert item.state == VoiceState.HIDDEN and item.hidden_reason == "personal_data"
    assert item.decided_by_id == moderator.id and item.body  # kept, never deleted
    after = read_models.project_voice(session=session, project_id=world.clinic.id)
    shown = after.items[0]
    assert shown.is_hidden and shown.body is None and shown.photos == () and after.gallery == {}
    counts = after.counts()
    assert (counts.published, counts.hidden) == (0, 1)
    sql = read_models.public_counts(session=session, project_ids=[world.clinic.id])[world.clinic.id]
    assert (sql.published, sql.hidden) == (0, 1)
    facts = citizens_facts(session, [world.clinic.id])[world.clinic.id]["citizens"]
    assert facts["complaints_open"] == 0 and facts["corruption_complaints_open"] == 0


def test_only_published_items_by_moderators_with_a_listed_reason(session, world, tmp_path):
    moderator = add_moderator(session)
    item = _published(session, world, moderator, tmp_path)
    with pytest.raises(ServiceError) as refused:
        operations.hide_published(session=session, item=item, moderator=moderator, reason="dislike")
    assert refused.value.field == "reason"
    with pytest.raises(ServiceError) as refused:
        operations.hide_published(session=session, item=item, moderator=world.kharkiv_planner, reason="abuse")
    assert refused.value.field == "moderator" and item.state == VoiceState.PUBLISHED
    operations.hide_published(session=session, item=item, moderator=moderator, reason="abuse")
    with pytest.raises(StateConflict):  # a second moderator deciding the same: the first decision stands
        operations.hide_published(session=session, item=item, moderator=moderator, reason="spam")
    assert item.hidden_reason == "abuse"
    waiting = submit(session, world.clinic, email="other@example.org")
    with pytest.raises(StateConflict):  # not published: the queue decides on it
        operations.hide_published(session=session, item=waiting, moderator=moderator, reason="abuse")

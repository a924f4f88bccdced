"""Twenty moderators decide one citizen's item at the same instant on PostgreSQL: exactly one decision is taken,
every other one gets the 409 page, nobody a server error, and the audit trail records the one decision."""
from __future__ import annotations

from sqlmodel import select

from tests.concurrency import postgresql_only, together
from tests.voice.conftest import add_moderator, submit
from tests.web_fixtures import sign_in
from tracker.accounts.models import User
from tracker.audit.models import AuditEntry
from tracker.core.db import session_scope
from tracker.projects.models import Project
from tracker.voice import operations
from tracker.voice.models import CitizenItem

PEOPLE = 20


def _waiting_item(app, world) -> int:
    with app.app_context(), session_scope(app) as session:
        item = submit(session, session.get(Project, world.clinic.id))
        item.state = "awaiting_moderation"
        session.add(item)
        session.flush()
        return item.id


def _moderators(app, count: int) -> list[User]:
    with app.app_context(), session_scope(app) as session:
        first = add_moderator(session, "moderator00@test.ua")
        people = [first] + [User(email=f"moderator{i:02d}@test.ua", name=f"Moderator {i:02d}", role="moderator",
                                 password_hash=first.password_hash) for i in range(1, count)]
        session.add_all(people[1:])
        session.flush()
        return people


def test_twenty_moderators_decide_one_item_one_wins(backend, app, world):
    postgresql_only(backend)
    item_id = _waiting_item(app, world)
    moderators = _moderators(app, PEOPLE)
    clients = []
    for moderator in moderators:
        client = app.test_client()
        assert sign_in(client, moderator.email).status_code == 302
        client.get("/lang/en")
        clients.append(client)

    def decide(client, index):
        if index % 2:
            response = client.post(f"/manage/voice/{item_id}/hide", data={"reason": "duplicate"})
        else:
            response = client.post(f"/manage/voice/{item_id}/publish")
        return response.status_code, response.get_data(as_text=True)

    results = together([lambda c=c, i=i: decide(c, i) for i, c in enumerate(clients)])
    statuses = [result[0] for result in results]
    assert sorted(set(statuses)) == [303, 409] and statuses.count(303) == 1, statuses
    winner = statuses.index(303)
    with app.app_context(), session_scope(app) as session:
        item = session.get(CitizenItem, item_id)
        assert item.decided_by_id == moderators[winner].id
        assert item.state == ("hidden" if winner % 2 else "published")
        updates = session.exec(select(AuditEntry).where(AuditEntry.table_name == "citizen_item",
                                                        AuditEntry.row_key == f'{{"id":{item_id}}}',
                                                        AuditEntry.action == "update")).all()
        decisions = [entry for entry in updates if "decided_by_id" in entry.changes]
        assert len(decisions) == 1 and str(moderators[winner].id) in decisions[0].changes
        assert decisions[0].actor_id == moderators[winner].id
    assert all("Someone decided on this item first" in page for status, page in results if status == 409)


def test_a_decision_is_in_the_audit_trail(app, world):
    """On both databases: publishing writes one audit entry naming the moderator; nothing is deleted."""
    item_id = _waiting_item(app, world)
    with app.app_context(), session_scope(app) as session:
        moderator = add_moderator(session)
        operations.publish(session=session, item=session.get(CitizenItem, item_id), moderator=moderator)
    with app.app_context(), session_scope(app) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.table_name == "citizen_item")
                               .order_by(AuditEntry.seq)).all()
        assert [entry.action for entry in entries] == ["insert", "update", "update"]
        assert '"published"' in entries[-1].changes

"""The engagement demo loads with the main demo, and a further run creates nothing."""
from __future__ import annotations

from sqlmodel import select

from tracker.demo.build import DEMO_PASSWORD, load_demo
from tracker.demo.engagement import load_engagement_demo
from tracker.engagement.models import Need, PartnerProfile, Partnership


def test_engagement_demo_is_idempotent(session):
    first = load_demo(session=session)
    session.commit()
    assert (first["partners"], first["needs"], first["partnerships"]) == (3, 3, 1)
    assert load_engagement_demo(session=session, password=DEMO_PASSWORD) == {"partners": 0, "needs": 0,
                                                                              "partnerships": 0}
    assert len(session.exec(select(Need)).all()) == 3
    assert [p.confirmed_at is not None for p in session.exec(select(PartnerProfile).order_by(PartnerProfile.id))] \
        == [True, True, False]
    assert session.exec(select(Partnership)).one().kind == "cluster"

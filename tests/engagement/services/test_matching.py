"""Needs ranked for a partner, each with the reasons: kind of help, sector, language, existing ties."""
from __future__ import annotations

from sqlmodel import select

from tests.engagement.services.conftest import clinic_need, register
from tracker.core.models import Organisation
from tracker.engagement.matching import rank_needs
from tracker.engagement.needs import NeedCreate, create_need
from tracker.engagement.partnerships import create_partnership


def test_needs_are_ranked_by_fit_with_reasons(session, world):
    profile = register(session, confirm_by=world.admin, sectors=("health",), help_kinds=("funds",),
                       languages=("fr", "en"))
    best = clinic_need(session, world, title_uk="Найкраща", help_kind="funds", languages=("en",))
    weak = create_need(session=session, authority=world.irpin_hromada, actor=world.admin, data=NeedCreate(
        help_kind="equipment", title_uk="Слабка", capacity_area="procurement", languages=("uk",)))
    ranked = rank_needs(session=session, profile=profile)
    assert [m.need.id for m in ranked] == [best.id, weak.id]
    top = {r.criterion: r for r in ranked[0].reasons}
    assert ranked[0].score == 3 + 3 + 2
    assert top["help_kind"].matched and top["sector"].matched and top["language"].matched
    assert not top["ties"].matched and top["language"].need_values == ("en",)
    assert ranked[1].score == 0 and not any(r.matched for r in ranked[1].reasons)


def test_existing_ties_raise_the_rank(session, world):
    profile = register(session, confirm_by=world.admin, sectors=(), help_kinds=("expertise",), languages=("fr",))
    organisation = session.get(Organisation, profile.organisation_id)
    create_partnership(session=session, name="Lyon – Irpin", kind="one_to_one", role="twinning_partner",
                       organisations=[organisation], authorities=[world.irpin_hromada], actor=world.admin)
    clinic = clinic_need(session, world, help_kind="equipment", languages=())
    irpin = create_need(session=session, authority=world.irpin_hromada, actor=world.admin, data=NeedCreate(
        help_kind="equipment", title_uk="Ірпінь", capacity_area="procurement"))
    ranked = rank_needs(session=session, profile=profile)
    assert [m.need.id for m in ranked] == [irpin.id, clinic.id]
    assert {r.criterion: r.matched for r in ranked[0].reasons}["ties"] is True


def test_hidden_and_closed_needs_are_not_ranked(session, world):
    from tracker.engagement.needs import set_need_hidden, set_need_status

    profile = register(session, confirm_by=world.admin)
    hidden, closed, shown = (clinic_need(session, world, title_uk=t) for t in ("a", "b", "c"))
    set_need_hidden(session=session, need=hidden, hidden=True)
    set_need_status(session=session, need=closed, status="closed")
    assert [m.need.id for m in rank_needs(session=session, profile=profile)] == [shown.id]
    assert session.exec(select(Organisation)).first() is not None

"""A funding line names its financier from the organisations: the form can satisfy the rule that asks for it."""
from __future__ import annotations

from sqlmodel import select

from tracker.core.db import session_scope
from tracker.core.models import Organisation
from tracker.projects.models import FundingLine, Project


def _organisation(app) -> int:
    with app.app_context(), session_scope(app) as session:
        bank = Organisation(name="European Investment Bank", name_uk="Європейський інвестиційний банк",
                            name_en="European Investment Bank", kind="bank", country="LU")
        session.add(bank)
        session.flush()
        return bank.id


def _version(app, world) -> int:
    with app.app_context(), session_scope(app) as session:
        return session.get(Project, world.school.id).version


def test_the_funding_form_offers_the_organisations_and_saves_the_financier(app, client, world, login):
    bank = _organisation(app)
    login(world.kharkiv_planner)
    url = f"/manage/projects/{world.school.reference}/items/funding/new"
    form = client.get(url).get_data(as_text=True)
    assert 'id="financier_organisation_id"' in form and "Європейський інвестиційний банк" in form
    response = client.post(url, data={"version": str(_version(app, world)), "source": "international_financier",
                                      "currency": "EUR", "amount_committed": "1000000",
                                      "financier_organisation_id": str(bank)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context(), session_scope(app) as session:
        lines = session.exec(select(FundingLine).where(FundingLine.project_id == world.school.id,
                                                       FundingLine.financier_organisation_id == bank)).all()
    assert len(lines) == 1


def test_an_unknown_financier_is_refused_by_name_and_nothing_saved(app, client, world, login):
    login(world.kharkiv_planner)
    url = f"/manage/projects/{world.school.reference}/items/funding/new"
    before = _version(app, world)
    response = client.post(url, data={"version": str(before), "source": "international_financier",
                                      "currency": "EUR", "amount_committed": "1000",
                                      "financier_organisation_id": "999999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "такої організації немає: оберіть фінансувальника зі списку" in page
    assert _version(app, world) == before

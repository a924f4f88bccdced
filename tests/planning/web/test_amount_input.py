"""Amounts are typed the reader's way: "13 320 000,00" in Ukrainian, "13,320,000.00" in English, the plain
"13320000.00" in both; anything else is refused on its field, in the reader's language, and nothing is saved."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlmodel import select

from tracker.core.db import session_scope
from tracker.projects.models import FundingLine, Project


def _post(app, client, world, language: str, amount: str):
    client.get(f"/lang/{language}")
    with app.app_context(), session_scope(app) as session:
        version = session.get(Project, world.school.id).version
    return client.post(f"/manage/projects/{world.school.reference}/items/funding/new", data={
        "version": str(version), "source": "state_budget", "currency": "UAH", "amount_committed": amount})


def _committed(app, world) -> list[Decimal]:
    with app.app_context(), session_scope(app) as session:
        return sorted(session.exec(select(FundingLine.amount_committed).where(
            FundingLine.project_id == world.school.id, FundingLine.source == "state_budget")).all())


@pytest.mark.parametrize(("language", "amount"), [
    ("uk", "13 320 000,00"), ("uk", "13\u00a0320\u00a0000,00"), ("uk", "13\u202f320\u202f000,00"),
    ("en", "13,320,000.00"), ("uk", "13320000.00"), ("en", "13320000.00")])
def test_an_amount_in_the_readers_form_is_saved(app, client, world, login, language, amount):
    login(world.kharkiv_planner)
    response = _post(app, client, world, language, amount)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert _committed(app, world) == [Decimal("13320000.00")]


@pytest.mark.parametrize(("language", "amount", "told"), [
    ("uk", "13,320,000.00", "Запишіть суму цифрами, як-от 13 320 000,00."),
    ("en", "13 320 000,00", "Write the amount in figures, as 13,320,000.00."),
    ("en", "12.345", "At most 2 digits after the decimal separator.")])
def test_any_other_form_is_refused_in_the_readers_language(app, client, world, login, language, amount, told):
    login(world.kharkiv_planner)
    response = _post(app, client, world, language, amount)
    assert response.status_code == 422 and told in response.get_data(as_text=True)
    assert _committed(app, world) == []


def test_the_amount_input_takes_grouping_spaces(app, client, world, login):
    """A text input with a decimal keyboard: a number input would refuse "13 320 000,00" in the browser."""
    login(world.kharkiv_planner)
    form = client.get(f"/manage/projects/{world.school.reference}/items/funding/new").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="amount_committed"[^>]*>', form).group(0)
    assert 'inputmode="decimal"' in field and 'type="text"' in field

"""Rendering and saving a project's pages costs the same number of queries for 1 or 20 items."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import event

from tests.planner_factories import add, contract_values
from tracker.core.db import get_engine, session_scope
from tracker.planning.document_models import Document
from tracker.projects.models import Project


def _fill(app, world, items: int) -> None:
    with app.app_context(), session_scope(app) as session:
        project = session.get(Project, world.school.id)
        for index in range(items):
            contract = add(session, project, "contract", contract_values(title=f"Lot {index}"))
            add(session, project, "variation", {"contract_id": contract.id, "agreed_date": date(2024, 9, 1),
                                                "duration_change_days": 10, "reason": "Weather"})
            add(session, project, "funding", {"source": "state_budget", "amount_committed": Decimal("1000"),
                                              "amount_disbursed": Decimal("0"), "currency": "UAH"})
            add(session, project, "disbursement", {"paid_on": date(2024, 7, 1), "amount": Decimal("10"),
                                                   "source": "state_budget"})
            add(session, project, "observation", {"observed_on": date(2023, 1, 1 + index), "physical_percent": index})
            session.add(Document(project_id=project.id, document_type="minutes", title=f"Doc {index}",
                                 original_name=f"d{index}.pdf", storage_name=f"{uuid4().hex}.pdf",
                                 media_type="application/pdf", size=10, sha256="0" * 64, is_public=index % 2 == 0))


def _count(app, action) -> int:
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


@pytest.mark.parametrize("page", ["", "/stage/planning", "/stage/implementation", "/documents"])
def test_render_and_save_cost_does_not_grow(app, client, world, login, page):
    login(world.kharkiv_planner)
    url = f"/manage/projects/{world.school.reference}"
    counts = []
    for items in (1, 19):
        _fill(app, world, items)
        with app.app_context(), session_scope(app) as session:
            version = session.get(Project, world.school.id).version
        render = _count(app, lambda: client.get(url + page))
        form = {"version": str(version), "beneficiaries": str(items)}
        save = _count(app, lambda form=form: client.post(url + "/stage/needs", data=form))
        counts.append((render, save))
    assert counts[0] == counts[1], counts
    # The public page too, each time rendering its evaluation afresh (a rendering is kept for later requests).
    from tracker.governance import stored

    public = []
    for _ in range(2):
        stored._RENDERED.clear()
        public.append(_count(app, lambda: client.get(f"/projects/{world.school.reference}")))
    assert public[0] == public[1]

"""The project page reads its dossier in at most 21 statements, the same for 1 or 20 of everything."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from tests.factories import project_data
from tests.planner_factories import add, contract_values, save
from tests.planning.web.test_query_counts import _count
from tracker.accounts.models import User
from tracker.audit.findings import FindingCreate, raise_finding
from tracker.core.db import session_scope
from tracker.core.models import Authority, Organisation
from tracker.engagement.needs import NeedCreate, create_need
from tracker.engagement.partnerships import add_activity, create_partnership
from tracker.planning.document_models import Document
from tracker.planning.rollup import set_parent
from tracker.projects.models import Project
from tracker.projects.operations import add_funding_line, create_project
from tracker.voice.models import CitizenItem, CitizenPhoto

MAX_STATEMENTS = 22  # 20, one for citizens' items with their photos (voice.read_models.project_voice), one for the
#                     checklist sign-offs (publishing.read_models.public_signoffs)


def _fill(app, world, numbers: range) -> None:
    """Give the bridge one more of every list the page shows per number; odd documents and findings stay
    restricted."""
    with app.app_context(), session_scope(app) as session:
        project = session.get(Project, world.bridge.id)
        hromada = session.get(Authority, world.irpin_hromada.id)
        planner, auditor = session.get(User, world.irpin_planner.id), session.get(User, world.auditor.id)
        for index in numbers:
            city = Organisation(name=f"Stadt {index}", kind="eu_city", country="DE")
            session.add(city)
            session.flush()
            contract = add(session, project, "contract", contract_values(title=f"Lot {index}"))
            add(session, project, "variation", {"contract_id": contract.id, "agreed_date": date(2024, 9, 1),
                                                "duration_change_days": 10, "reason": "Weather"})
            add(session, project, "observation", {"observed_on": date(2023, 1, 1) + timedelta(days=index),
                                                  "physical_percent": index % 100})
            add(session, project, "milestone", {"name": f"Step {index}",
                                                "planned_date": date(2024, 10, 1) + timedelta(days=index)})
            add_funding_line(session=session, project=project, source="eu", amount_committed=Decimal("1000"),
                             financier_organisation=city)
            session.add(Document(project_id=project.id, document_type="minutes", title=f"Doc {index}",
                                 original_name=f"d{index}.pdf", storage_name=f"{uuid4().hex}.pdf",
                                 media_type="application/pdf", size=10, sha256="0" * 64, is_public=index % 2 == 0))
            # A partnership links the city as a party too.
            partnership = create_partnership(session=session, name=f"Twins {index}", kind="one_to_one",
                                             role="twinning_partner", organisations=[city], authorities=[hromada],
                                             actor=planner, project=project)
            add_activity(session=session, partnership=partnership, kind="peer_exchange", title="Visit",
                         held_on=date(2024, 5, 1), actor=planner)
            create_need(session=session, authority=hromada, actor=planner, project=project,
                        data=NeedCreate(help_kind="expertise", title_uk=f"Потреба {index}"))
            # A sub-project with a plan and progress makes the bridge a programme (its roll-up is on the page).
            child = create_project(session=session, authority=hromada, data=project_data(
                title_uk=f"Частина {index}", title_en=f"Part {index}"))
            set_parent(session=session, project=child, parent=project)
            save(session, child, "planning", {"budget_total": Decimal("1000.00")})
            add(session, child, "observation", {"observed_on": date(2024, 1, 1), "physical_percent": 50})
            raise_finding(session=session, project=project, user=auditor, data=FindingCreate(
                stage="needs_assessment", severity="low", title=f"Finding {index}", description="Described",
                recommendation="Do better", due_date=date.today() + timedelta(days=30),
                responsible_authority_id=hromada.id, is_public=index % 2 == 0))
            # Citizens' items, published and hidden, with photos in the gallery.
            item = CitizenItem(project_id=project.id, kind="complaint", category="delay", body=f"Late {index}",
                               author_email=f"c{index}@example.org",
                               state="published" if index % 2 == 0 else "hidden",
                               hidden_reason=None if index % 2 == 0 else "abuse")
            session.add(item)
            session.flush()
            session.add(CitizenPhoto(item_id=item.id, phase="during", storage_name=f"{uuid4().hex}.jpg",
                                     thumb_name=f"{uuid4().hex}-thumb.jpg", width=10, height=10, size=10))


@pytest.mark.parametrize("reader", ["anonymous", "planner", "auditor"])
def test_project_page_costs_a_fixed_number_of_statements(app, client, world, login, reader):
    if reader != "anonymous":
        login({"planner": world.irpin_planner, "auditor": world.auditor}[reader])
    url = f"/projects/{world.bridge.reference}"
    counts, pages = [], []
    for numbers in (range(0, 1), range(1, 20)):  # 1 of each, then 20
        _fill(app, world, numbers)
        client.get(url)  # warm up: the first request loads what every request shares

        def render(pages=pages):
            response = client.get(url)
            assert response.status_code == 200
            pages.append(response.get_data(as_text=True))

        counts.append(_count(app, render))
    assert counts[0] == counts[1], counts
    assert counts[0] <= MAX_STATEMENTS, counts
    # The counted page shows every row, and restricted documents only to those who may edit or audit.
    full = pages[1]
    assert full.count("Lot ") >= 20 and full.count("Twins ") == 20 and full.count("Потреба ") == 20
    assert "Прогрес програми (зважений)" in full and "50.0%" in full  # the programme's roll-up is shown
    assert ">Doc 12</a>" in full
    assert (">Doc 13</a>" in full) == (reader != "anonymous")


@pytest.mark.parametrize("reader", ["anonymous", "planner"])
def test_the_page_renders_its_evaluation_once(app, client, world, login, reader):
    """The evaluation is shown twice (public compliance, and the planner's view), rendered from one facts read;
    a later request shows the same rendering without reading the facts again."""
    from sqlalchemy import event

    from tracker.core.db import get_engine
    from tracker.governance import stored

    stored._RENDERED.clear()  # another test may have rendered the same evaluation
    if reader != "anonymous":
        login(world.irpin_planner)
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = client.get(f"/projects/{world.bridge.reference}")
        first = len([s for s in statements if "FROM evaluation_facts" in s])
        again = client.get(f"/projects/{world.bridge.reference}")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert page.status_code == again.status_code == 200
    assert first == 1, statements
    assert len([s for s in statements if "FROM evaluation_facts" in s]) == 1, statements

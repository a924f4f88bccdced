"""Public pages without an account: figures, search and filters, project and authority pages, API and CSV."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import event

from tests.factories import project_data
from tracker.core.data_version import forget_memoized
from tracker.core.db import get_engine, session_scope
from tracker.core.models import Authority
from tracker.projects.operations import add_funding_line, create_project


def test_home_shows_figures_charts_and_downloads(client, rich):
    client.get("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert "Funding by source" in html and "<svg" in html and "OECD scorecard" in html
    assert "/reports/portfolio.pdf" in html and "/open-data/oc4ids/projects.json" in html


def test_filters_by_funding_source_and_compliance(client, rich):
    school, bridge = rich.project.reference, rich.world.bridge.reference
    eu = client.get("/projects?source=eu").get_data(as_text=True)
    assert school in eu and bridge not in eu
    unchecked = client.get("/projects?compliance=unchecked").get_data(as_text=True)
    assert school not in unchecked  # every project was evaluated when it was saved
    listed = client.get("/projects?compliance=failing").get_data(as_text=True) + \
        client.get("/projects?compliance=passing").get_data(as_text=True)
    assert school in listed or "0 projects" in listed or "0 проєктів" in listed
    subtree = client.get(f"/projects?authority={rich.world.kharkiv_raion.id}").get_data(as_text=True)
    assert school in subtree and bridge not in subtree
    assert rich.world.draft.reference not in client.get("/projects?q=").get_data(as_text=True)


def test_project_page_in_both_languages(client, rich):
    url = f"/projects/{rich.project.reference}"
    uk = client.get(url).get_data(as_text=True)
    assert 'lang="uk"' in uk and "Відновлення школи № 1" in uk
    client.get("/lang/en")
    en = client.get(url).get_data(as_text=True)
    assert 'lang="en"' in en and "Restoration of school No. 1" in en
    for text in ("At a glance", "From the need to the result", "Accountability report (PDF)", "Contract signed",
                 "Needs assessed", "Budget committed and disbursed"):
        assert text in en, text
    assert f"/reports/projects/{rich.project.reference}.pdf?lang=en" in en


def test_rule_explanations_quote_codes_in_words_in_both_languages(client, rich):
    url = f"/projects/{rich.project.reference}"
    uk = client.get(url).get_data(as_text=True)
    assert "Оприлюднено: Освіта." in uk and "Оприлюднено: education" not in uk
    client.get("/lang/en")
    en = client.get(url).get_data(as_text=True)
    assert "Disclosed: Education." in en and "Disclosed: education" not in en


def test_rule_set_ids_are_kept_for_the_reproducibility_section(client, rich):
    page = client.get(f"/projects/{rich.project.reference}").get_data(as_text=True)
    before, _, reproducibility = page.partition('<details class="reproducibility">')
    assert reproducibility and "<code>oecd_principles</code>" in reproducibility
    assert "oecd_principles" not in before and "cost_ids" not in before  # titles, not ids, everywhere else


def _signed_off(app, rich) -> None:
    """An auditor's sign-off of the school's needs checklist (a row as ``audit.signoff.sign_off`` writes it)."""
    from sqlmodel import select

    from tracker.audit.models import ChecklistSignoff
    from tracker.governance.models import Evaluation

    with app.app_context(), session_scope(app) as session:
        evaluation = session.exec(select(Evaluation).where(Evaluation.project_id == rich.project.id)).first()
        session.add(ChecklistSignoff(project_id=rich.project.id, stage="needs_assessment", evaluation_id=evaluation.id,
                                     facts_sha256="0" * 64, results_sha256="0" * 64,
                                     signed_by_id=rich.world.auditor.id, signer_role="auditor",
                                     statement="Внутрішня примітка аудитора: звірено з кошторисом."))
        session.commit()


def test_sign_offs_are_public_by_stage_role_and_day_not_by_person(app, client, rich):
    _signed_off(app, rich)
    for url in (f"/projects/{rich.project.reference}", f"/reports/projects/{rich.project.reference}.html"):
        page = client.get(url).get_data(as_text=True)
        assert "Підписання контрольних переліків аудиторами" in page, url
        assert "Оцінка потреб: контрольний перелік підписав аудитор" in page, url
        assert rich.world.auditor.email not in page and "Внутрішня примітка аудитора" not in page, url
    client.get("/lang/en")
    page = client.get(f"/projects/{rich.project.reference}").get_data(as_text=True)
    assert "checklist signed off by the auditor on" in page


def test_the_public_change_history_names_fields_and_codes_in_words(app, client, rich):
    from tracker.projects.models import Project

    with app.app_context(), session_scope(app) as session:
        school = session.get(Project, rich.project.id)
        school.sector, school.address = "health", "вул. Шкільна, 1"
        session.commit()
    page = client.get(f"/projects/{rich.project.reference}").get_data(as_text=True)
    changes = page.partition('id="changes-title"')[2]
    assert "<td>Галузь</td>" in changes and "<td>Охорона здоров&#39;я</td>" in changes and "<td>Адреса</td>" in changes
    assert ">sector<" not in changes and ">health<" not in changes and ">address<" not in changes


def test_authority_page_links_its_report(client, rich):
    client.get("/lang/en")
    html = client.get(f"/authorities/{rich.world.kharkiv_oblast.id}").get_data(as_text=True)
    assert "Funding by level of government" in html
    assert f"/reports/authorities/{rich.world.kharkiv_oblast.id}.pdf" in html


def test_csv_download(client, rich):
    response = client.get("/open-data/projects.csv?sector=education")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["reference"] for row in rows] == [rich.project.reference]
    # 1,500,000 UAH and 400,000 EUR at 45.00: every line counts, not the hryvnia lines only.
    assert rows[0]["committed_uah"] == "19500000.00" and rows[0]["physical_progress"] == "40"


def test_api_pages_and_describes_itself(client, rich):
    first = client.get("/api/v1/projects?per_page=2").get_json()
    assert first["total"] == 3 and first["pages"] == 2 and len(first["items"]) == 2
    second = client.get("/api/v1/projects?per_page=2&page=2").get_json()
    references = {i["reference"] for i in first["items"] + second["items"]}
    assert rich.world.draft.reference not in references and len(references) == 3
    detail = client.get(f"/api/v1/projects/{rich.project.reference}").get_json()
    assert detail["summary"]["title_uk"] == "Відновлення школи № 1"
    assert [d["title"] for d in detail["documents"]] and all(d["title"] != "Службова записка: конфіденційно"
                                                             for d in detail["documents"])
    assert client.get(f"/api/v1/projects/{rich.world.draft.reference}").status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/v1/projects" in spec["paths"]
    assert client.post("/api/v1/projects").status_code == 405
    figures = client.get("/api/v1/figures").get_json()
    assert figures["projects"] == 3


def _add_projects(app, authority_id: int, count: int, lines: int) -> str:
    with app.app_context(), session_scope(app) as session:
        authority = session.get(Authority, authority_id)
        reference = None
        for index in range(count):
            project = create_project(session=session, authority=authority,
                                     data=project_data(title_uk=f"Проєкт {index}"))
            reference = project.reference
            for _ in range(lines):
                add_funding_line(session=session, project=project, source="state_budget",
                                 amount_committed=Decimal("1000"))
    return reference


def _count_queries(app, client, url: str) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def _forget_computed() -> None:
    """Count what a page costs when nothing it computes is kept yet: its figures and its evaluation's rendering."""
    from tracker.governance import stored

    forget_memoized()
    stored._RENDERED.clear()


@pytest.mark.parametrize("page", ["list", "project", "home", "authority"])
def test_query_count_does_not_grow_with_the_data(app, client, rich, page):
    hromada = rich.world.irpin_hromada.id

    def url(reference):
        return {"list": "/projects", "project": f"/projects/{reference}", "home": "/",
                "authority": f"/authorities/{hromada}"}[page]

    reference = _add_projects(app, hromada, 5, 5)
    client.get(url(reference))  # warm up: the first request loads what every request shares
    _forget_computed()
    small = _count_queries(app, client, url(reference))
    reference = _add_projects(app, hromada, 45, 50)
    _forget_computed()
    large = _count_queries(app, client, url(reference))
    assert small == large


def test_portfolio_figures_are_computed_once_per_data_version(app, client, rich):
    """The sums over every project run once after each write; other requests read the data version only."""
    before = client.get("/api/v1/figures").get_json()
    again = _count_queries(app, client, "/api/v1/figures")
    forget_memoized()
    cold = _count_queries(app, client, "/api/v1/figures")
    assert again < cold and again <= 2, (again, cold)
    _add_projects(app, rich.world.irpin_hromada.id, 1, 1)  # a write: a new data version
    after = client.get("/api/v1/figures").get_json()
    assert after["projects"] == before["projects"] + 1


def test_api_links_are_the_routers_for_every_item_and_any_reference(app, client, rich):
    from tracker.publishing import api

    items = client.get("/api/v1/projects?per_page=100").get_json()["items"]
    with app.test_request_context("/api/v1/projects"):
        for item in items:
            assert item["links"] == api._build_links(item["reference"]).model_dump(mode="json")
        # A reference the URL must quote is built by the router itself, not put into a template.
        for reference in ("VID 2024/7", "ВІД-1", "a%2Fb"):
            assert api._project_links(reference) == api._build_links(reference)
        assert "VID%202024" in api._project_links("VID 2024/7").page


def _references(html: str) -> set[str]:
    import re

    return set(re.findall(r"VID-\d{4}-\d{6}", html))


@pytest.mark.parametrize(("lower", "upper"), [("харків", "Харків"), ("школи", "Школа"), ("мосту", "міст"),
                                              ("ірпеня", "ІРПІНЬ")])
def test_search_finds_the_same_whatever_the_case_or_form(client, rich, lower, upper):
    found = _references(client.get(f"/projects?q={lower}").get_data(as_text=True))
    assert found and found == _references(client.get(f"/projects?q={upper}").get_data(as_text=True))
    api = client.get(f"/api/v1/projects?q={lower}").get_json()
    assert {item["reference"] for item in api["items"]} == found


def test_search_by_bridge_in_any_form_finds_the_bridge_only(client, rich):
    found = _references(client.get("/projects?q=мосту").get_data(as_text=True))
    assert rich.world.bridge.reference in found and rich.project.reference not in found
    assert rich.world.draft.reference not in _references(client.get("/projects?q=котельня").get_data(as_text=True))


def test_money_in_other_currencies_counts_in_the_hryvnia_figures_at_the_stated_rate(client, rich):
    """The school has 1,500,000 UAH from the local budget and 400,000 EUR from the EU: the EU line is converted at
    the deployment's rate (45.00 by default) instead of vanishing from the charts and totals."""
    from tracker.core.db import session_scope as scope
    from tracker.publishing.read_models import portfolio_figures

    with client.application.app_context(), scope(client.application) as session:
        figures = portfolio_figures(session=session)
    assert figures.rates == {"EUR": Decimal("45.00")}
    assert figures.committed_uah_by_source["eu"] == Decimal("18000000.00")  # 400,000 × 45
    html = client.get("/").get_data(as_text=True)
    assert "1 EUR = 45,00" in html.replace("\u202f", " ").replace("\u00a0", " ")
    assert "18 000 000,00 грн" in html.replace("\u202f", " ").replace("\u00a0", " ")


def test_a_project_with_a_foreign_currency_line_shows_its_money_in_hryvnias_with_the_rate(client, rich):
    html = " ".join(client.get(f"/projects/{rich.project.reference}").get_data(as_text=True)
                    .replace("\u202f", " ").replace("\u00a0", " ").split())
    assert "1 EUR = 45,00 грн" in html  # the rate the page's hryvnia figures used
    report = client.get(f"/reports/projects/{rich.project.reference}.html").get_data(as_text=True)
    assert "1 EUR = 45,00" in report.replace("\u202f", " ").replace("\u00a0", " ")

"""Money that adds up: a project funded in hryvnias, euros and dollars shows one converted sum in every total,
chart, CSV cell, OC4IDS amount and PDF figure, with the rates stated beside it."""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tests.planner_factories import plan_values, save
from tracker.core.db import session_scope
from tracker.projects.models import Project
from tracker.projects.operations import add_funding_line

#: 1,000,000 UAH + 100,000 EUR × 45.00 + 50,000 USD × 41.50 (the default planning rates).
LINES = (("1000000.00", "UAH", "local_budget"), ("100000.00", "EUR", "eu"), ("50000.00", "USD", "donor"))
CONVERTED = Decimal("7575000.00")
BUDGET = Decimal("20000000.00")


@pytest.fixture
def funded(app, world):
    with app.app_context(), session_scope(app) as session:
        project = session.get(Project, world.bridge.id)
        save(session, project, "planning", plan_values(budget_total=BUDGET, budget_capex=None))
        for amount, currency, source in LINES:
            add_funding_line(session=session, project=project, source=source, currency=currency,
                             amount_committed=Decimal(amount))
    return world.bridge.reference


def _plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_pages_charts_and_the_pdf_show_the_converted_sum_with_the_rates(client, funded):
    page = _plain(client.get(f"/projects/{funded}").get_data(as_text=True))
    report = _plain(client.get(f"/reports/projects/{funded}.html").get_data(as_text=True))
    for html in (page, report):
        # The chart's bar of committed money and the rates it used.
        assert re.search(r'font-size="12">7 575 000,00 грн</text>', html), "the chart's bar of committed money"
        assert "1 EUR = 45,00 грн" in html and "1 USD = 41,50 грн" in html
        # The original amounts stay, each in its own currency.
        assert "100 000,00 EUR" in html and "50 000,00 USD" in html and "1 000 000,00 грн" in html
    # The international level: 4,500,000 + 2,075,000.
    assert "6 575 000,00 грн" in page
    pdf = client.get(f"/reports/projects/{funded}.pdf")
    assert pdf.status_code == 200
    text = _plain(" ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(pdf.data)).pages))
    assert "7 575 000,00 грн" in text and "1 EUR = 45,00 грн" in text and "1 USD = 41,50 грн" in text


def test_the_csv_and_oc4ids_carry_both_the_originals_and_the_converted_sum(client, funded):
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/projects.csv").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    [row] = [row for row in rows if row["reference"] == funded]
    assert Decimal(row["committed_uah"]) == CONVERTED
    package = json.loads(client.get(f"/open-data/oc4ids/projects/{funded}.json").get_data(as_text=True))
    [project] = package["projects"]
    breakdowns = {item["id"]: item for item in project["budget"]["budgetBreakdowns"]}
    originals = [(Decimal(str(line["amount"]["amount"])), line["amount"]["currency"])
                 for line in breakdowns["funding"]["budgetBreakdown"]]
    assert originals == [(Decimal(amount), currency) for amount, currency, _source in LINES]
    converted = breakdowns["funding-uah"]
    assert sum(Decimal(str(line["amount"]["amount"])) for line in converted["budgetBreakdown"]) == CONVERTED
    assert {line["amount"]["currency"] for line in converted["budgetBreakdown"]} == {"UAH"}
    assert "1 EUR = 45.00 UAH" in converted["description"] and "1 USD = 41.50 UAH" in converted["description"]


def test_the_block_message_gives_committed_budget_gap_and_rates(app, client, world, login, funded):
    with app.app_context(), session_scope(app) as session:
        session.get(Project, world.bridge.id).stage = "planning"  # its next gate asks for the full cost covered
    login(world.irpin_planner)
    html = _plain(client.get(f"/manage/projects/{funded}/move").get_data(as_text=True))
    gap = "12 425 000,00 грн"  # 20,000,000 − 7,575,000
    explanation = re.search(r"Джерела фінансування передбачають ([^<]*)", html)
    assert explanation, "the funding rule's explanation is on the gate page"
    assert "7 575 000,00 грн" in explanation.group(1) and "20 000 000,00 грн" in explanation.group(1)
    assert gap in explanation.group(1)
    assert "1 EUR = 45,00 грн" in html and "1 USD = 41,50 грн" in html


def test_the_rates_state_the_day_they_were_set_when_the_deployment_gives_it(app, client, funded):
    from datetime import date
    app.config["EXCHANGE_RATES_DATE"] = date(2026, 12, 1)
    page = _plain(client.get(f"/projects/{funded}").get_data(as_text=True))
    assert "встановлений 1 груд. 2026 р." in page, page[page.find("У гривнях"):][:300]
    client.get("/lang/en")
    page = _plain(client.get(f"/projects/{funded}").get_data(as_text=True))
    assert "set on Dec 1, 2026" in page

"""The auditor's portfolio: filters over the latest stored evaluations, risk order, CSV, scorecard."""
from __future__ import annotations

import csv
import io

from sqlalchemy import event

from tracker.audit.portfolio import PortfolioFilters, build_portfolio, portfolio_csv


def _refs(portfolio):
    return [row.project.reference for row in portfolio.rows]


def test_filters(session, world):
    everything = build_portfolio(session=session, filters=PortfolioFilters())
    assert len(everything.rows) == 4
    by_rule = build_portfolio(session=session, filters=PortfolioFilters(rule_id="A-FUND"))
    assert set(_refs(by_rule)) == {world.clinic.reference, world.draft.reference, world.bridge.reference}
    by_principle = build_portfolio(session=session, filters=PortfolioFilters(principle="P9"))
    assert set(_refs(by_principle)) == set(_refs(by_rule))
    assert build_portfolio(session=session, filters=PortfolioFilters(principle="P1")).rows == []  # errors, not fails
    kharkiv = build_portfolio(session=session, filters=PortfolioFilters(authority_path=world.kharkiv_oblast.path))
    assert set(_refs(kharkiv)) == {world.school.reference, world.clinic.reference, world.draft.reference}
    assert _refs(build_portfolio(session=session, filters=PortfolioFilters(sector="transport.road"))) == [
        world.bridge.reference]
    assert build_portfolio(session=session, filters=PortfolioFilters(stage="planning")).rows == []


def test_risk_order_puts_red_flags_first(session, world):
    rows = build_portfolio(session=session, filters=PortfolioFilters()).rows
    assert rows[-1].project.reference == world.school.reference  # the only one without a red flag
    assert [flag.rule_id for flag in rows[0].red_flags] == ["A-FUND"]
    school = rows[-1]
    assert school.amount_at_stake is not None and school.amount_at_stake > 1500000  # UAH + EUR in UAH


def test_csv_and_scorecard(session, world):
    portfolio = build_portfolio(session=session, filters=PortfolioFilters(authority_path=world.kharkiv_oblast.path))
    rows = list(csv.DictReader(io.StringIO(portfolio_csv(portfolio))))
    assert {row["reference"] for row in rows} == set(_refs(portfolio))
    assert {row["red_flags"] for row in rows} == {"A-FUND", ""}
    p9 = next(score for score in portfolio.scorecard.principles if score.code == "P9")
    assert (p9.passed, p9.failed) == (1, 2)


def test_query_count_does_not_grow(session, world, engine):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        build_portfolio(session=session, filters=PortfolioFilters())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # the selection with its evaluations, their facts snapshots (the amount at stake), the findings' counts;
    # the rule sets they name are in memory since they were stored
    assert len(statements) <= 3

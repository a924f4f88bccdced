"""The auditor's portfolio: projects of an authority's subtree filtered by what their latest stored
evaluations say, sorted by risk, exported as CSV, summed up as an OECD scorecard.

Why filter in Python over the stored JSON results rather than keep an indexed outcome table: the
results are already stored once per evaluation, and the subtree, stage and sector filters run in SQL
first, so what reaches Python is one authority's projects with their latest evaluation (two queries
in all, whatever the number of rows). A second copy of every outcome, kept in step on every store,
would be a cache to invalidate for a page that only auditors open; if portfolios grow past tens of
thousands of projects per subtree, that table is the next step.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from tracker.audit.findings import open_counts
from tracker.core import safe_csv
from tracker.core.models import Authority
from tracker.governance.evaluations import RED_FLAG_TAG, scorecard_of
from tracker.governance.models import Evaluation
from tracker.governance.stored import StoredOutcome, facts_for, outcomes
from tracker.projects.models import Project
from tracker.rules import Outcome, Scorecard

SORTS = ("risk", "amount", "reference")
# Red flags are the rules tagged so in their rule set (``tags: [red_flag]``; UA-PROC-04/05/06/09 as shipped);
# governance counts them into each stored evaluation (``Evaluation.red_flags``).


@dataclass(frozen=True)
class PortfolioFilters:
    authority_path: str | None = None
    stage: str | None = None
    sector: str | None = None
    #: Projects where this rule fails.
    rule_id: str | None = None
    #: Projects where a rule citing this principle fails.
    principle: str | None = None
    sort: str = "risk"


@dataclass
class PortfolioRow:
    project: Project
    authority: Authority
    evaluation: Evaluation | None
    failing: list[StoredOutcome] = field(default_factory=list)
    #: The facts the evaluation read (budget and funding give the amount at stake).
    facts: dict = field(default_factory=dict)
    open_findings: int = 0
    overdue_findings: int = 0

    @property
    def red_flags(self) -> list[StoredOutcome]:
        return [r for r in self.failing if RED_FLAG_TAG in r.tags]

    @property
    def failing_blockers(self) -> list[StoredOutcome]:
        return [r for r in self.failing if r.severity == "blocker"]

    @property
    def amount_at_stake(self) -> Decimal | None:
        """The planned budget in UAH, else the committed funding, from the evaluated facts."""
        if self.evaluation is None:
            return None
        planning = self.facts.get("planning") or {}
        total = _decimal((planning.get("budget") or {}).get("total"))
        if total is not None:
            return total
        committed = [_decimal(line.get("committed")) for line in planning.get("funding") or []]
        committed = [amount for amount in committed if amount is not None]
        return sum(committed, Decimal(0)) if committed else None

    @property
    def risk(self) -> tuple:
        return (len(self.red_flags), len(self.failing_blockers), self.amount_at_stake or Decimal(0),
                len(self.failing), self.overdue_findings)


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    scorecard: Scorecard


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def build_portfolio(*, session: Session, filters: PortfolioFilters, today: date | None = None) -> Portfolio:
    """The filtered, sorted selection and its scorecard (four queries)."""
    query = (select(Project, Authority, Evaluation).join(Authority, Authority.id == Project.authority_id)
             .outerjoin(Evaluation, (Evaluation.project_id == Project.id) & Evaluation.is_latest.is_(True)))
    if filters.authority_path:
        query = query.where(Authority.path.startswith(filters.authority_path, autoescape=True))
    if filters.stage:
        query = query.where(Project.stage == filters.stage)
    if filters.sector:
        query = query.where(Project.sector == filters.sector)
    rows = []
    selected = list(session.exec(query.order_by(Project.reference)))
    stored = outcomes(session, [evaluation for _, _, evaluation in selected if evaluation is not None])
    for project, authority, evaluation in selected:
        failing = [r for r in (stored[evaluation.id] if evaluation else []) if r.outcome is Outcome.FAIL]
        if filters.rule_id and not any(r.rule_id == filters.rule_id for r in failing):
            continue
        if filters.principle and not any(filters.principle in r.principles for r in failing):
            continue
        rows.append(PortfolioRow(project, authority, evaluation, failing))
    facts = facts_for(session, [row.evaluation for row in rows if row.evaluation is not None])
    for row in rows:
        row.facts = facts.get(row.evaluation.id, {}) if row.evaluation else {}
    counts = open_counts(session=session, project_ids=[row.project.id for row in rows], today=today)
    for row in rows:
        row.open_findings, row.overdue_findings = counts.get(row.project.id, (0, 0))
    _sort(rows, filters.sort)
    return Portfolio(rows, scorecard_of(session, (row.evaluation for row in rows if row.evaluation is not None)))


def _sort(rows: list[PortfolioRow], sort: str) -> None:
    if sort == "reference":
        rows.sort(key=lambda row: row.project.reference)
    elif sort == "amount":
        rows.sort(key=lambda row: (row.amount_at_stake or Decimal(0), row.risk), reverse=True)
    else:
        rows.sort(key=lambda row: row.risk, reverse=True)


CSV_COLUMNS = ("reference", "title_uk", "title_en", "authority", "authority_code", "stage", "sector",
               "red_flags", "failing_blockers", "failing_rules", "amount_at_stake_uah", "open_findings",
               "overdue_findings", "evaluated_at", "facts_sha256")


def portfolio_csv(portfolio: Portfolio) -> str:
    """The selection as CSV (UTF-8, comma-separated, one row per project, rule ids space-separated), every cell
    safe to open in a spreadsheet (``core.safe_csv``)."""
    out = io.StringIO()
    writer = safe_csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in portfolio.rows:
        project, evaluation = row.project, row.evaluation
        writer.writerow([
            project.reference, project.title_uk, project.title_en or "", row.authority.name_uk,
            row.authority.code or "", project.stage, project.sector,
            " ".join(r.rule_id for r in row.red_flags), " ".join(r.rule_id for r in row.failing_blockers),
            " ".join(r.rule_id for r in row.failing),
            "" if row.amount_at_stake is None else format(row.amount_at_stake, "f"),
            row.open_findings, row.overdue_findings,
            evaluation.evaluated_at.isoformat() if evaluation else "", evaluation.facts_sha256 if evaluation else ""])
    return out.getvalue()

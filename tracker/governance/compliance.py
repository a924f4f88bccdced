"""Read models of stored evaluations for pages and reports: a project's compliance, an authority's scorecard."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Float, cast, func, true
from sqlmodel import Session, select

from tracker.core.i18n import localized
from tracker.core.models import Authority
from tracker.governance.evaluations import latest_evaluation, scorecard_of
from tracker.governance.models import Evaluation, EvaluationScore
from tracker.governance.stored import expand
from tracker.projects import queries
from tracker.projects.models import Project
from tracker.rules import PRINCIPLES, Scorecard, scorecard_from_counts


def _latest_evaluation(*conditions):
    return select(Evaluation.id).where(Evaluation.project_id == Project.id, Evaluation.is_latest.is_(True),
                                       *conditions).exists()


# The project lists' compliance filter reads the latest stored evaluation, which governance owns.
queries.register_compliance_filter("failing", lambda: _latest_evaluation(Evaluation.failing_blockers > 0))
queries.register_compliance_filter("passing", lambda: _latest_evaluation(Evaluation.failed == 0,
                                                                          Evaluation.errors == 0))
queries.register_compliance_filter("unchecked", lambda: ~_latest_evaluation())


def _share_passed():
    """The share of the latest evaluation's applicable checks that pass (None before any evaluation)."""
    checked = Evaluation.passed + Evaluation.failed + Evaluation.errors
    return (select(cast(Evaluation.passed, Float) / func.nullif(checked, 0))
            .where(Evaluation.project_id == Project.id, Evaluation.is_latest.is_(True))
            .correlate(Project).scalar_subquery())


# Weakest first: the order a watchdog reads the list in; projects never checked come last.
queries.register_sort("compliance", lambda: [_share_passed().asc().nulls_last()])

OUTCOME_ORDER = {"fail": 0, "error": 1, "pending": 2, "pass": 3, "not_applicable": 4}


@dataclass
class ProjectCompliance:
    evaluation: Evaluation
    scorecard: Scorecard
    #: Applicable results (not "not_applicable") citing each principle, worst first.
    by_principle: dict[str, list[dict]] = field(default_factory=dict)
    #: Applicable results of each rule set, worst first.
    by_rule_set: dict[str, list[dict]] = field(default_factory=dict)
    overrides: list[dict] = field(default_factory=list)

    @property
    def failing_blockers(self) -> list[dict]:
        return [r for results in self.by_rule_set.values() for r in results
                if r["outcome"] == "fail" and r["severity"] == "blocker"]


def project_compliance(*, session: Session, project: Project) -> ProjectCompliance | None:
    """The project's latest stored evaluation, arranged for display; None before any evaluation."""
    evaluation = latest_evaluation(session=session, project_id=project.id)
    if evaluation is None:
        return None
    return arrange(session, evaluation)


def arrange(session: Session, evaluation: Evaluation) -> ProjectCompliance:
    """The evaluation rendered (explanations and trees) and grouped for a page."""
    by_principle: dict[str, list[dict]] = defaultdict(list)
    by_rule_set: dict[str, list[dict]] = {}
    overrides: list[dict] = []
    for rule_set in expand(session, evaluation):
        applicable = sorted((r for r in rule_set["results"] if r["outcome"] != "not_applicable"),
                            key=lambda r: (OUTCOME_ORDER[r["outcome"]], r["rule_id"]))
        by_rule_set[rule_set["rule_set_id"]] = applicable
        for result in applicable:
            for code in result["principles"]:
                by_principle[code].append(result)
        overrides.extend({**item, "rule_set_id": rule_set["rule_set_id"]} for item in rule_set["overrides"])
    return ProjectCompliance(evaluation=evaluation, scorecard=scorecard_of(session, [evaluation]),
                             by_principle={code: by_principle.get(code, []) for code in PRINCIPLES},
                             by_rule_set=by_rule_set, overrides=overrides)


@dataclass(frozen=True)
class LatestSummary:
    """What the latest evaluations of many projects add up to, read from the narrow summary columns."""

    scorecard: Scorecard
    evaluated: int
    last_evaluated_at: datetime | None
    #: (rule set id, version, sha256) of every rule set version in force among them.
    rule_versions: tuple[tuple[str, str, str], ...]


def latest_summary(*, session: Session, scope: Callable[[Any], Any] = lambda query: query) -> LatestSummary:
    """Sum the latest evaluations of the projects ``scope`` keeps: three grouped queries, no result decoded.

    ``scope`` receives each query already joined from ``Evaluation`` to ``Project`` and adds its own joins and
    conditions (an authority's subtree, public projects only…). Cost and memory do not grow with the number
    of projects beyond the database's own summing.
    """
    def latest(query):
        return scope(query.join(Project, Project.id == Evaluation.project_id)
                     .where(Evaluation.is_latest == true()))

    counts = {code: (passed, failed, errors) for code, passed, failed, errors in session.exec(latest(
        select(EvaluationScore.code, func.sum(EvaluationScore.passed), func.sum(EvaluationScore.failed),
               func.sum(EvaluationScore.errors))
        .select_from(EvaluationScore).join(Evaluation, Evaluation.id == EvaluationScore.evaluation_id))
        .group_by(EvaluationScore.code))}
    evaluated, last_at = session.exec(latest(select(func.count(), func.max(Evaluation.evaluated_at))
                                             .select_from(Evaluation))).one()
    versions = {tuple(item) for (text_,) in session.execute(
        latest(select(Evaluation.rule_versions).select_from(Evaluation)).distinct()) for item in json.loads(text_)}
    return LatestSummary(scorecard=scorecard_from_counts(counts), evaluated=evaluated, last_evaluated_at=last_at,
                         rule_versions=tuple(sorted(versions)))


def authority_scorecard(*, session: Session, authority: Authority, visible=None) -> tuple[Scorecard, int]:
    """The OECD scorecard over the latest evaluations of the projects in ``authority``'s subtree."""
    def subtree(query):
        query = query.join(Authority, Authority.id == Project.authority_id).where(
            Authority.path.startswith(authority.path, autoescape=True))
        return query.where(visible) if visible is not None else query

    summary = latest_summary(session=session, scope=subtree)
    return summary.scorecard, summary.evaluated


def principle_titles(locale: str) -> dict[str, str]:
    return {code: localized(p, "title", locale) for code, p in PRINCIPLES.items()}

"""Evaluating projects against the rule sets in force, and storing every evaluation for good.

Stored evaluations name the facts they read (by digest) and each rule set's version and sha256, and keep
every outcome (``governance.stored`` says how, compactly); pages and reports read them back instead of
recomputing, so any result shown can be reproduced later.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, update
from sqlmodel import Session, select

from tracker.core.locking import lock_by_ids, lock_ids
from tracker.core.models import Authority
from tracker.governance.fact_labels import fact_value_label
from tracker.governance.facts import build_facts
from tracker.governance.manual_verdicts import verdicts_for
from tracker.governance.models import Evaluation, EvaluationScore, RuleSetting
from tracker.governance.rule_context import RuleContext
from tracker.governance.stored import (
    StoredOutcome,
    archive_rule_sets,
    canonical_facts,
    compress,
    outcomes,
    pack,
    save_facts,
)
from tracker.projects.models import Project
from tracker.rules import (
    Outcome,
    ParameterError,
    ResolvedParameters,
    RuleSet,
    RuleSetResult,
    Scorecard,
    build_scorecard,
    evaluate,
    normalise_facts,
    resolve_parameters,
    score_counts,
)
from tracker.rules.evaluate import RuleResult
from tracker.rules.types import jsonable

TRIGGER_CHANGE = "change"
TRIGGER_GATE = "stage_gate"
TRIGGER_MANUAL = "manual"
#: Rules tagged so are integrity red flags (``tags: [red_flag]`` in their rule set).
RED_FLAG_TAG = "red_flag"


@dataclass(frozen=True)
class ProjectEvaluation:
    """What one evaluation run produced for a project, before and after storing."""

    project: Project
    stage: str
    facts: dict
    results: tuple[RuleSetResult, ...]
    #: The rule sets it was checked against (archived when it is stored).
    rule_sets: tuple[RuleSet, ...] = ()


def evaluate_projects(*, session: Session, projects: Sequence[Project], context: RuleContext,
                      stage: str | None = None, trees: bool = False) -> list[ProjectEvaluation]:
    """Evaluate ``projects`` at their own stage (or at ``stage``, for a gate) without storing anything.

    Without ``trees`` the results carry outcomes, reasons, explanations and missing facts but not the explaining
    condition trees: what is stored is each outcome, and a page rebuilds the trees of what it shows
    (``stored.expand``). Storing either gives the same rows.
    """
    facts_by_project = build_facts(session=session, projects=projects, to_uah=context.to_uah)
    layers = authority_layers(session=session, projects=projects)
    marks = verdicts_for(session=session, project_ids=[p.id for p in projects])  # auditors' verdicts
    resolved: dict[tuple[str, str], ResolvedParameters] = {}  # most projects share their settings
    evaluations = []
    for project in projects:
        at = stage or project.stage
        facts = facts_by_project[project.id]
        normalised = normalise_facts(facts)  # once for all the rule sets
        results = tuple(
            evaluate(rule_set, normalised, stage=at,
                     parameters=_parameters(resolved, rule_set, context, layers[project.id]),
                     manual_marks=marks.get(project.id), trees=trees, labels=fact_value_label)
            for rule_set in context.rule_sets.values())
        evaluations.append(ProjectEvaluation(project, at, facts, results, tuple(context.rule_sets.values())))
    return evaluations


def _parameters(cache: dict, rule_set: RuleSet, context: RuleContext, layers: list) -> ResolvedParameters:
    key = (rule_set.id, json.dumps(jsonable(layers), sort_keys=True))
    if key not in cache:
        try:
            cache[key] = resolve_parameters(rule_set, context.settings, layers)
        except ParameterError:
            # An authority setting that no longer fits the rule set (the rule changed since it was
            # set) must not stop evaluation: fall back to the deployment settings.
            cache[key] = resolve_parameters(rule_set, context.settings)
    return cache[key]


def store(*, session: Session, evaluations: Iterable[ProjectEvaluation], trigger: str,
          actor_id: int | None = None) -> list[Evaluation]:
    """Store evaluations; those at the project's own stage become its latest (gate checks do not)."""
    evaluations = list(evaluations)
    latest_ids = [item.project.id for item in evaluations if item.stage == item.project.stage]
    if latest_ids:
        # The projects first, in id order (the one lock order): a concurrent evaluation of the same project waits
        # here, then sees this one's latest row and replaces it, so the unique index (one latest per project)
        # never meets two.
        session.execute(select(Project.id).where(Project.id.in_(latest_ids)).order_by(Project.id)
                        .with_for_update())
        session.execute(update(Evaluation).where(Evaluation.project_id.in_(latest_ids),
                                                 Evaluation.is_latest.is_(True)).values(is_latest=False))
    snapshots: dict[str, bytes] = {}
    rows = [_row(item, trigger, actor_id, snapshots) for item in evaluations]
    # Content-addressed rows first (bulk, skipping what is there): the evaluations name them by digest.
    save_facts(session, snapshots)
    archive_rule_sets(session, {rule_set.sha256: rule_set for item in evaluations
                                for rule_set in item.rule_sets}.values())
    session.add_all(rows)
    session.flush()
    # The scores are derived from the evaluation (which the audit trail records) and are reproducible from
    # its results, so they go in as one bulk insert rather than as ORM rows.
    scores = [{"evaluation_id": row.id, "code": code, "passed": passed, "failed": failed, "errors": errors}
              for row, item in zip(rows, evaluations, strict=True)
              for code, (passed, failed, errors) in score_counts(build_scorecard(_flat(item))).items()]
    if scores:
        session.execute(insert(EvaluationScore), scores)
    return rows


def _flat(item: ProjectEvaluation) -> list[RuleResult]:
    return [result for rule_set in item.results for result in rule_set.results]


def _row(item: ProjectEvaluation, trigger: str, actor_id: int | None, snapshots: dict[str, bytes]) -> Evaluation:
    text = canonical_facts(item.facts)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest not in snapshots:
        snapshots[digest] = compress(text)
    flat = _flat(item)
    counts = {outcome: sum(1 for r in flat if r.outcome is outcome) for outcome in Outcome}
    versions = [{"id": r.rule_set_id, "version": r.version, "sha256": r.sha256} for r in item.results]
    return Evaluation(
        project_id=item.project.id, actor_id=actor_id, trigger=trigger, stage=item.stage,
        is_latest=item.stage == item.project.stage, facts_sha256=digest,
        rule_versions=rule_versions_text(versions), outcomes=pack(item.results),
        passed=counts[Outcome.PASS], failed=counts[Outcome.FAIL], errors=counts[Outcome.ERROR],
        failing_blockers=sum(1 for r in flat if r.outcome is Outcome.FAIL and r.severity == "blocker"),
        red_flags=sum(1 for r in flat if r.outcome is Outcome.FAIL and RED_FLAG_TAG in r.tags))


def rule_versions_text(rule_sets: Iterable[Mapping]) -> str:
    """Canonical text of the rule set versions an evaluation used (sorted, so equal sets compare equal)."""
    return json.dumps(sorted([item["id"], item["version"], item["sha256"]] for item in rule_sets),
                      separators=(",", ":"))


def facts_digest(facts: Mapping) -> str:
    return hashlib.sha256(canonical_facts(facts).encode("utf-8")).hexdigest()


def evaluate_and_store(*, session: Session, projects: Sequence[Project], context: RuleContext,
                       trigger: str, actor_id: int | None = None) -> list[Evaluation]:
    """Evaluate ``projects`` as they are stored now and store the results as their latest.

    The projects are locked first, in ascending id (the one lock order), and read again under the lock: an
    edit committed after the caller loaded them is evaluated rather than overwritten by a stale evaluation
    marked latest, and an edit still running waits for this one (or this one for it) instead of deadlocking.
    """
    ids = [project.id for project in projects if project.id is not None]
    if session.get_bind().dialect.name == "sqlite":
        return store(session=session, evaluations=_evaluated_then_locked(session, ids, context),
                     trigger=trigger, actor_id=actor_id)
    locked = lock_by_ids(session, Project, ids)
    return store(session=session, evaluations=evaluate_projects(session=session, projects=locked,
                                                                 context=context),
                 trigger=trigger, actor_id=actor_id)


def _evaluated_then_locked(session: Session, ids: list[int], context: RuleContext) -> list[ProjectEvaluation]:
    """SQLite: evaluate first, then take the write lock and evaluate again only what changed meanwhile.

    SQLite has one write lock for the whole database, and a writer waiting for it polls only every 100 ms. Held
    while a batch's rules run (a tenth of a second), the next batch takes it back before anyone polls: a
    planner's save waited seconds behind an evaluation job. So the rules run before the lock, and under it each
    project's version and latest evaluation are read again: a project edited meanwhile has a new version, or a
    new latest evaluation (every edit of a rule input re-evaluates at its commit), and only those are evaluated
    again, under the lock, so what becomes the latest still describes what is committed.
    """
    before = _watermarks(session, ids)  # read before the facts: an edit committed after this is noticed below
    projects = list(session.scalars(select(Project).where(Project.id.in_(ids)).order_by(Project.id)
                                    .execution_options(populate_existing=True)))
    evaluated = evaluate_projects(session=session, projects=projects, context=context)
    lock_ids(session, Project, ids)
    after = _watermarks(session, ids)
    changed = [project_id for project_id in after if after[project_id] != before.get(project_id)]
    again = {item.project.id: item for item in evaluate_projects(
        session=session, projects=lock_by_ids(session, Project, changed), context=context)} if changed else {}
    return [again.get(item.project.id, item) for item in evaluated if item.project.id in after]


def _watermarks(session: Session, ids: list[int]) -> dict[int, tuple[int, int | None]]:
    """Each project's version and the id of its latest evaluation: what changes when its data is edited."""
    if not ids:
        return {}
    latest = Evaluation.__table__.alias("latest")  # type: ignore[attr-defined]
    rows = session.execute(
        select(Project.id, Project.version, latest.c.id)
        .outerjoin(latest, (latest.c.project_id == Project.id) & latest.c.is_latest.is_(True))
        .where(Project.id.in_(ids)))
    return {project_id: (version, evaluation_id) for project_id, version, evaluation_id in rows}


def authority_layers(*, session: Session, projects: Sequence[Project]) -> dict[int, list[tuple[str, dict]]]:
    """Each project's authority overrides, from the top of the hierarchy down (two queries in all)."""
    owners = {a.id: a for a in session.exec(
        select(Authority).where(Authority.id.in_({p.authority_id for p in projects})))}
    chains = {p.id: [int(part) for part in owners[p.authority_id].path.strip("/").split("/") if part]
              for p in projects}
    wanted = {authority_id for chain in chains.values() for authority_id in chain}
    by_authority: dict[int, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    labels: dict[int, str] = {}
    for setting, authority in session.exec(
            select(RuleSetting, Authority).join(Authority, Authority.id == RuleSetting.authority_id)
            .where(RuleSetting.authority_id.in_(wanted)).order_by(RuleSetting.id)):
        by_authority[authority.id][setting.rule_key][setting.name] = setting.value
        labels[authority.id] = authority_label(authority)
    return {project_id: [(labels[a], dict(by_authority[a])) for a in chain if a in by_authority]
            for project_id, chain in chains.items()}


def authority_label(authority: Authority) -> str:
    return f"{authority.name_uk} ({authority.code})" if authority.code else authority.name_uk


def latest_evaluation(*, session: Session, project_id: int) -> Evaluation | None:
    return session.exec(select(Evaluation).where(Evaluation.project_id == project_id,
                                                 Evaluation.is_latest.is_(True))).first()


def latest_for_projects(*, session: Session, project_ids: Sequence[int]) -> dict[int, Evaluation]:
    if not project_ids:
        return {}
    return {e.project_id: e for e in session.exec(
        select(Evaluation).where(Evaluation.project_id.in_(project_ids), Evaluation.is_latest.is_(True)))}


def history(*, session: Session, project_id: int, limit: int = 50) -> list[Evaluation]:
    return list(session.exec(select(Evaluation).where(Evaluation.project_id == project_id)
                             .order_by(Evaluation.id.desc()).limit(limit)))


def stored_results(session: Session, evaluation: Evaluation) -> list[StoredOutcome]:
    """The stored outcomes of one evaluation, with each rule's severity, principles and tags."""
    return outcomes(session, [evaluation])[evaluation.id]


def scorecard_of(session: Session, evaluations: Iterable[Evaluation]) -> Scorecard:
    evaluations = list(evaluations)
    return build_scorecard(result for results in outcomes(session, evaluations).values() for result in results)

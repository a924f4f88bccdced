"""Signing a checklist off, and telling when a sign-off has gone stale and what changed since.

A sign-off pins the evaluation it covers (its id, the sha256 of its facts and of its results); one evaluation
of a stage is signed off once: signing locks the project row first, and a second signature of the same
checklist (another auditor's tab at the same moment) is refused with ``StateConflict`` naming the first. It is
stale when the stage's evaluation now has other facts or other results (a manual mark changes the
results, not the facts), or when the project's change history has entries after the signature.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.audit.checklists import build_checklist, stage_evaluation
from tracker.audit.models import ChecklistSignoff
from tracker.audit.policy import require_auditor
from tracker.core.errors import ServiceError, StateConflict
from tracker.core.fields import spec
from tracker.core.i18n import format_datetime
from tracker.core.i18n import gettext as _
from tracker.core.locking import lock_for_decision
from tracker.governance.evaluations import facts_digest
from tracker.governance.models import Evaluation
from tracker.governance.rule_context import RuleContext
from tracker.governance.stored import facts_for, unpack
from tracker.planning import history as change_history  # noqa: F401  (the change records staleness reads)
from tracker.planning.history_models import ChangeRecord
from tracker.projects.models import Project

#: The statement's length limits, as its model declares them.
MIN_STATEMENT = spec(ChecklistSignoff, "statement").min_length
MAX_STATEMENT = spec(ChecklistSignoff, "statement").max_length


@dataclass(frozen=True)
class FactChange:
    fact: str
    before: Any
    after: Any


@dataclass
class SignoffStatus:
    signoff: ChecklistSignoff
    signer: str | None
    pinned: Evaluation | None
    current: Evaluation | None
    facts_changed: list[FactChange] = field(default_factory=list)
    results_changed: bool = False
    changes: list[tuple[ChangeRecord, str | None]] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.facts_changed or self.results_changed or self.changes
                    or (self.current is not None and self.current.facts_sha256 != self.signoff.facts_sha256))


def results_digest(evaluation: Evaluation) -> str:
    """What a sign-off pins of the results: every outcome, the overrides and the rule set versions (an
    evaluation from before compact storage: its rendered results, as it was pinned then)."""
    if evaluation.outcomes:
        return facts_digest({"outcomes": unpack(evaluation.outcomes)})
    return facts_digest({"results": evaluation.legacy_results or []})


def sign_off(*, session: Session, project: Project, stage: str, user: User, statement: str,
             context: RuleContext) -> ChecklistSignoff:
    """Sign the checklist of ``stage`` as it stands; every manual item must be marked first."""
    require_auditor(user, "sign a checklist off")
    statement = (statement or "").strip()
    if not MIN_STATEMENT <= len(statement) <= MAX_STATEMENT:
        raise ServiceError(_("the statement must be %(min_statement)s to %(max_statement)s characters long",
                             min_statement=MIN_STATEMENT, max_statement=MAX_STATEMENT),
                           field="statement")
    # The project first (the one lock order; edits and evaluations lock it too): the checklist read next is the
    # one signed, and of concurrent signatures under one evaluation exactly one is recorded.
    lock_for_decision(session, project)
    checklist = build_checklist(session=session, project=project, stage=stage, context=context)
    if checklist.evaluation is None:
        raise ServiceError(_("the project has not been checked at this stage yet"), field="stage")
    if checklist.pending:
        raise ServiceError(_("mark every manual item first: %(rules)s",
                             rules=", ".join(i.rule_id for i in checklist.pending)), field="statement")
    evaluation = checklist.evaluation
    signed = session.exec(select(ChecklistSignoff, User.name).join(User, User.id == ChecklistSignoff.signed_by_id)
                          .where(ChecklistSignoff.project_id == project.id, ChecklistSignoff.stage == stage,
                                 ChecklistSignoff.evaluation_id == evaluation.id)
                          .order_by(ChecklistSignoff.id.desc()).limit(1)).first()
    if signed is not None and not _changed_since(session, project, signed[0]):
        newest, who = signed
        raise StateConflict(_("%(who)s already signed this checklist off at %(time)s, as it stands now; nothing "
                              "was saved.", who=who, time=format_datetime(newest.signed_at, "short")),
                            field="statement")
    signoff = ChecklistSignoff(project_id=project.id, stage=stage, evaluation_id=evaluation.id,
                               facts_sha256=evaluation.facts_sha256, results_sha256=results_digest(evaluation),
                               signed_by_id=user.id, signer_role=user.role, statement=statement)
    session.add(signoff)
    session.flush()
    return signoff


def _changed_since(session: Session, project: Project, signoff: ChecklistSignoff) -> bool:
    """Whether the project's change history has entries after ``signoff`` (which then is stale: sign again)."""
    return session.exec(select(ChangeRecord.id).where(ChangeRecord.project_id == project.id,
                                                      ChangeRecord.changed_at > signoff.signed_at).limit(1)
                        ).first() is not None


def signoff_statuses(*, session: Session, project: Project) -> list[SignoffStatus]:
    """Every sign-off of the project, newest first, each with whether and how it went stale (four queries)."""
    rows = list(session.exec(select(ChecklistSignoff, User.name).join(User, User.id == ChecklistSignoff.signed_by_id)
                             .where(ChecklistSignoff.project_id == project.id)
                             .order_by(ChecklistSignoff.id.desc())))
    if not rows:
        return []
    wanted = {signoff.evaluation_id for signoff, _ in rows}
    pinned = {e.id: e for e in session.exec(select(Evaluation).where(Evaluation.id.in_(wanted)))}
    current = {stage: stage_evaluation(session=session, project=project, stage=stage)
               for stage in {signoff.stage for signoff, _ in rows}}
    since = min(signoff.signed_at for signoff, _ in rows)
    changes = list(session.exec(
        select(ChangeRecord, User.name).outerjoin(User, User.id == ChangeRecord.actor_id)
        .where(ChangeRecord.project_id == project.id, ChangeRecord.changed_at > since)
        .order_by(ChangeRecord.changed_at, ChangeRecord.id)))
    statuses = []
    for signoff, signer in rows:
        before, now = pinned.get(signoff.evaluation_id), current.get(signoff.stage)
        status = SignoffStatus(signoff, signer, before, now)
        if now is not None and now.id != signoff.evaluation_id:
            if before is not None and now.facts_sha256 != signoff.facts_sha256:
                facts = facts_for(session, [before, now])
                status.facts_changed = diff_facts(facts[before.id], facts[now.id])
            status.results_changed = results_digest(now) != signoff.results_sha256
        status.changes = [(record, who) for record, who in changes if _after(record.changed_at, signoff.signed_at)]
        statuses.append(status)
    return statuses


def _after(moment, signed_at) -> bool:
    from tracker.audit.trail import as_utc

    return as_utc(moment) > as_utc(signed_at)


def diff_facts(before: dict, after: dict) -> list[FactChange]:
    """The facts that differ between two stored snapshots, by dotted name."""
    old, new = _flatten(before), _flatten(after)
    return [FactChange(name, old.get(name), new.get(name)) for name in sorted(old.keys() | new.keys())
            if old.get(name) != new.get(name)]


def _flatten(facts: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(facts, dict):
        return {prefix: facts}
    flat: dict[str, Any] = defaultdict(dict)
    for key, value in facts.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return dict(flat)

"""Moving a project to its next stage through the stage gate, and suspending, cancelling, resuming it.

A move evaluates the project's facts at the target stage; any failing (or unproven) blocker of that
gate stops it. An authorised person may override with a written justification, which stays on the
stage history for auditors and the public. The gate evaluation is stored and linked to the move.

Every decision here first locks the project row (``core.locking.lock_for_decision``: the project first, as in
every edit) and only then reads the stage and state it decides on: of any number of concurrent moves, state
changes or overrides of one project exactly one is taken; the others wait for it, then are refused with
``StateConflict`` naming who changed the project to what, when.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.accounts.operations import scope_paths as user_scope_paths
from tracker.core.errors import PermissionDenied, ServiceError, StateConflict
from tracker.core.fields import check_values
from tracker.core.i18n import format_datetime
from tracker.core.i18n import gettext as _
from tracker.core.labels import label, move_label
from tracker.core.locking import lock_for_decision
from tracker.core.models import Authority
from tracker.core.versioning import save_from_version
from tracker.core.vocab import ProjectState, Stage
from tracker.governance import policy, reevaluation
from tracker.governance.evaluations import TRIGGER_GATE, ProjectEvaluation, evaluate_projects, store
from tracker.governance.models import Evaluation
from tracker.governance.rule_context import RuleContext
from tracker.governance.signals import stage_moved
from tracker.projects.models import Project, StageHistory
from tracker.rules import GateCheck, check_gate

MIN_JUSTIFICATION = 30


@dataclass(frozen=True)
class GatePreview:
    target: str | None
    gate: GateCheck | None
    evaluation: ProjectEvaluation | None


class GateBlocked(ServiceError):
    """The gate refused the move; ``gate`` lists the failing blockers with their explanations.

    ``preview`` is the evaluation that refused it, so the page that says why need not evaluate again.
    """

    def __init__(self, preview: GatePreview):
        gate = preview.gate
        failing = ", ".join(result.rule_id for result in (*gate.blockers, *gate.unresolved))
        super().__init__(f"the move to {gate.target} is blocked by: {failing}")
        self.gate = gate
        self.preview = preview


def preview_next_gate(*, session: Session, project: Project, context: RuleContext) -> GatePreview:
    """What the gate into the next stage says now (nothing is stored)."""
    target = Stage(project.stage).next()
    if target is None:
        return GatePreview(None, None, None)
    [evaluation] = evaluate_projects(session=session, projects=[project], context=context, stage=target)
    return GatePreview(target.value, check_gate(evaluation.results, target.value), evaluation)


def gate_checks(*, session: Session, projects: Sequence[Project], context: RuleContext) -> dict[int, GateCheck]:
    """What the gate into each project's next stage says now (nothing stored; completed projects left out).

    One evaluation run per next stage, whatever the number of projects: at most three, each in the fixed number
    of queries of ``evaluate_projects``.
    """
    by_target: dict[Stage, list[Project]] = {}
    for project in projects:
        target = Stage(project.stage).next()
        if target is not None:
            by_target.setdefault(target, []).append(project)
    checks = {}
    for target, group in by_target.items():
        for evaluation in evaluate_projects(session=session, projects=group, context=context, stage=target):
            checks[evaluation.project.id] = check_gate(evaluation.results, target.value)
    return checks


def _deciding(session: Session, project: Project, actor: User, scope_paths: Sequence[str] | None,
              ) -> tuple[Authority, Sequence[str]]:
    """The project's authority and the actor's scope; ``PermissionDenied`` unless the policy lets them move it."""
    authority = session.get(Authority, project.authority_id)
    paths = scope_paths if scope_paths is not None else user_scope_paths(session=session, user=actor)
    if authority is None or not policy.can_move_stage(actor, authority, paths):
        raise PermissionDenied(_("only the project's planners or an administrator may move it"))
    return authority, paths


def _lock_deciding(session: Session, project: Project) -> None:
    """Lock the project's row and read it again; ``StateConflict`` when its stage or state changed meanwhile.

    ``project`` holds the stage and state the person was shown (loaded by their request): a concurrent decision
    that committed first shows up as a different stage or state once the lock is ours.
    """
    seen = (project.stage, project.state)
    lock_for_decision(session, project)
    if (project.stage, project.state) != seen:
        raise decided_meanwhile(session, project)


def decided_meanwhile(session: Session, project: Project) -> StateConflict:
    """The refusal naming the newest move or state change of ``project``: who, to what, when."""
    row = session.exec(select(StageHistory, User.name).outerjoin(User, User.id == StageHistory.moved_by_id)
                       .where(StageHistory.project_id == project.id)
                       .order_by(StageHistory.id.desc()).limit(1)).first()
    if row is None:  # pragma: no cover - every project has its creation in the history
        return StateConflict(_("Someone else changed this project meanwhile; nothing was saved. "
                               "Review it and try again."), field="state")
    move, who = row
    return StateConflict(
        _("%(who)s changed this project to “%(to)s” at %(time)s, before your request; nothing was saved. "
          "Review it and try again.",
          who=who or _("someone else"), to=move_label(move.to_stage),
          time=format_datetime(move.moved_at)), field="state")


def _newest_move_to(session: Session, project: Project) -> str | None:
    return session.exec(select(StageHistory.to_stage).where(StageHistory.project_id == project.id)
                        .order_by(StageHistory.id.desc()).limit(1)).first()


def move_to_next_stage(*, session: Session, project: Project, context: RuleContext, expected_version: int,
                       actor: User, justification: str | None = None,
                       scope_paths: Sequence[str] | None = None) -> StageHistory:
    """Move through the gate, or raise GateBlocked / PermissionDenied / Conflict and write nothing.

    The governance policy decides whether ``actor`` may move the project and whether they may override a
    closed gate; ``scope_paths`` (the actor's authority paths) is read from the database unless the caller
    has it already. The project row is locked before anything is read for the decision; a move or state change
    that committed meanwhile refuses this one with ``StateConflict``.
    """
    _lock_deciding(session, project)
    authority, paths = _deciding(session, project, actor, scope_paths)
    if project.state != ProjectState.ACTIVE:
        raise ServiceError(_("a project that is %(state)s does not move between stages; resume it first",
                             state=label("state", project.state)),
                           field="state")
    preview = preview_next_gate(session=session, project=project, context=context)
    if preview.target is None:
        raise ServiceError(_("the project is already completed"), field="stage")
    justification = (justification or "").strip() or None
    if not preview.gate.allowed:
        if justification is None:
            raise GateBlocked(preview)
        if not policy.can_override_gate(actor, authority, paths):
            raise PermissionDenied(_("only an administrator or a higher authority's planner may override a gate"))
        if len(justification) < MIN_JUSTIFICATION:
            raise ServiceError(_("an override needs a justification of at least %(min_justification)s characters",
                                 min_justification=MIN_JUSTIFICATION),
                               field="justification")
    elif justification is not None:
        justification = None  # nothing was overridden, so nothing needs justifying
    origin = project.stage
    project.stage = preview.target
    save_from_version(session=session, project=project, expected_version=expected_version)
    # The gate's evaluation is of the project's data at its new stage: stored after the move it becomes the
    # latest, and the project needs no second, identical evaluation before commit.
    [gate_evaluation] = store(session=session, evaluations=[preview.evaluation], trigger=TRIGGER_GATE,
                              actor_id=actor.id)
    move = StageHistory(project_id=project.id, from_stage=origin, to_stage=preview.target, moved_by_id=actor.id,
                        evaluation_id=gate_evaluation.id, override_justification=justification)
    session.add(move)
    session.flush()
    reevaluation.note_evaluated(session, project.id)
    # Receivers act in this transaction (engagement queues the followers' e-mails): a move that fails later
    # mails nobody.
    stage_moved.send(session, project=project, from_stage=origin, to_stage=preview.target)
    return move


def change_state(*, session: Session, project: Project, state: str, expected_version: int,
                 actor: User, note: str, scope_paths: Sequence[str] | None = None) -> StageHistory:
    """Suspend, cancel or resume a project; the reason is recorded in its history.

    Decided under the project's row lock, like a move: a concurrent change of its state or stage that committed
    first refuses this one with ``StateConflict``.
    """
    _lock_deciding(session, project)
    _deciding(session, project, actor, scope_paths)
    check_values(Project, {"state": state})
    if project.state == ProjectState.CANCELLED:
        raise ServiceError(_("a cancelled project stays cancelled"), field="state")
    if state == project.state:
        if _newest_move_to(session, project) == state:
            raise decided_meanwhile(session, project)  # the same decision, taken first by someone else
        raise ServiceError(_("the project is already %(state)s", state=label("state", state)), field="state")
    if not note.strip():
        raise ServiceError(_("say why the project's state changes"), field="note")
    previous = project.state
    project.state = state
    save_from_version(session=session, project=project, expected_version=expected_version)
    # State changes share the history with stage moves: from and to hold states here.
    move = StageHistory(project_id=project.id, from_stage=previous, to_stage=state, moved_by_id=actor.id,
                        note=note.strip())
    session.add(move)
    session.flush()
    return move


def gate_evaluation_of(session: Session, move: StageHistory) -> Evaluation | None:
    return session.get(Evaluation, move.evaluation_id) if move.evaluation_id else None

"""Moving a project to its next stage through the stage gate, and suspending, cancelling, resuming it.

A move evaluates the project's facts at the target stage; any failing (or unproven) blocker of that
gate stops it. An authorised person may override with a written justification, which stays on the
stage history for auditors and the public. The gate evaluation is stored and linked to the move.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from tracker.accounts.models import User
from tracker.accounts.operations import scope_paths as user_scope_paths
from tracker.core.errors import PermissionDenied, ServiceError
from tracker.core.fields import check_values
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


def _deciding(session: Session, project: Project, actor: User, scope_paths: Sequence[str] | None,
              ) -> tuple[Authority, Sequence[str]]:
    """The project's authority and the actor's scope; ``PermissionDenied`` unless the policy lets them move it."""
    authority = session.get(Authority, project.authority_id)
    paths = scope_paths if scope_paths is not None else user_scope_paths(session=session, user=actor)
    if authority is None or not policy.can_move_stage(actor, authority, paths):
        raise PermissionDenied("only the project's planners or an administrator may move it")
    return authority, paths


def move_to_next_stage(*, session: Session, project: Project, context: RuleContext, expected_version: int,
                       actor: User, justification: str | None = None,
                       scope_paths: Sequence[str] | None = None) -> StageHistory:
    """Move through the gate, or raise GateBlocked / PermissionDenied / Conflict and write nothing.

    The governance policy decides whether ``actor`` may move the project and whether they may override a
    closed gate; ``scope_paths`` (the actor's authority paths) is read from the database unless the caller
    has it already.
    """
    authority, paths = _deciding(session, project, actor, scope_paths)
    if project.state != ProjectState.ACTIVE:
        raise ServiceError(f"a {project.state} project does not move between stages; resume it first",
                           field="state")
    preview = preview_next_gate(session=session, project=project, context=context)
    if preview.target is None:
        raise ServiceError("the project is already completed", field="stage")
    justification = (justification or "").strip() or None
    if not preview.gate.allowed:
        if justification is None:
            raise GateBlocked(preview)
        if not policy.can_override_gate(actor, authority, paths):
            raise PermissionDenied("only an administrator or a higher authority's planner may override a gate")
        if len(justification) < MIN_JUSTIFICATION:
            raise ServiceError(f"an override needs a justification of at least {MIN_JUSTIFICATION} characters",
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
    """Suspend, cancel or resume a project; the reason is recorded in its history."""
    _deciding(session, project, actor, scope_paths)
    check_values(Project, {"state": state})
    if project.state == ProjectState.CANCELLED:
        raise ServiceError("a cancelled project stays cancelled", field="state")
    if state == project.state:
        raise ServiceError(f"the project is already {state}", field="state")
    if not note.strip():
        raise ServiceError("say why the project's state changes", field="note")
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

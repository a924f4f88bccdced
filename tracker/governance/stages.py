"""Moving a project to its next stage through the stage gate, and suspending, cancelling, resuming it.

A move evaluates the project's facts at the target stage; any failing (or unproven) blocker of that
gate stops it. An authorised person may override with a written justification, which stays on the
stage history for auditors and the public. The gate evaluation is stored and linked to the move.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from tracker.core.errors import PermissionDenied, ServiceError
from tracker.core.versioning import save_from_version
from tracker.core.vocab import ProjectState, Stage
from tracker.governance import reevaluation
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


def move_to_next_stage(*, session: Session, project: Project, context: RuleContext, expected_version: int,
                       actor_id: int | None, justification: str | None = None,
                       may_override: bool = False) -> StageHistory:
    """Move through the gate, or raise GateBlocked / PermissionDenied / Conflict and write nothing."""
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
        if not may_override:
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
                              actor_id=actor_id)
    move = StageHistory(project_id=project.id, from_stage=origin, to_stage=preview.target, moved_by_id=actor_id,
                        evaluation_id=gate_evaluation.id, override_justification=justification)
    session.add(move)
    session.flush()
    reevaluation.note_evaluated(session, project.id)
    # Receivers act in this transaction (engagement queues the followers' e-mails): a move that fails later
    # mails nobody.
    stage_moved.send(session, project=project, from_stage=origin, to_stage=preview.target)
    return move


def change_state(*, session: Session, project: Project, state: str, expected_version: int,
                 actor_id: int | None, note: str) -> StageHistory:
    """Suspend, cancel or resume a project; the reason is recorded in its history."""
    if state not in set(ProjectState):
        raise ServiceError(f"unknown state {state!r}", field="state")
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
    move = StageHistory(project_id=project.id, from_stage=previous, to_stage=state, moved_by_id=actor_id,
                        note=note.strip())
    session.add(move)
    session.flush()
    return move


def gate_evaluation_of(session: Session, move: StageHistory) -> Evaluation | None:
    return session.get(Evaluation, move.evaluation_id) if move.evaluation_id else None

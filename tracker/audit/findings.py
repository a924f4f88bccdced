"""Findings: raised by an auditor, answered by the planner, resolved or accepted as a risk, closed.

::

    open ──answer (planner)──▶ answered ──resolve (auditor)──────▶ resolved ──────close (auditor)──▶ closed
      ▲                          │      ──accept_risk (auditor)──▶ risk_accepted ─close (auditor)──┘
      └────return (auditor)──────┘

Every step is kept as a ``FindingEvent`` with who, in which role, when and what they wrote.

A step is decided under the finding's row lock (``core.locking.lock_for_decision``), the status read after the
lock is taken: of twenty auditors resolving one finding, or two tabs sending the same answer, exactly one step is
recorded and the others are refused with ``StateConflict`` naming the step that was taken first.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import field_validator
from sqlalchemy import case, func, or_
from sqlmodel import Field, Session, SQLModel, select

from tracker.accounts.models import User
from tracker.audit.models import Finding, FindingEvent
from tracker.audit.policy import can_answer, require_auditor
from tracker.core.columns import utcnow
from tracker.core.errors import NotFound, PermissionDenied, ServiceError, StateConflict
from tracker.core.i18n import format_datetime
from tracker.core.i18n import gettext as _
from tracker.core.labels import label
from tracker.core.locking import lock_for_decision
from tracker.core.models import Authority
from tracker.core.vocab import FindingSeverity, FindingStatus, Stage
from tracker.projects.models import Project
from tracker.rules import PRINCIPLES

OPEN_STATUSES = (FindingStatus.OPEN, FindingStatus.ANSWERED)


@dataclass(frozen=True)
class Step:
    action: str
    sources: tuple[str, ...]
    target: str
    by_auditor: bool
    needs_note: bool


STEPS = {step.action: step for step in (
    Step("answer", (FindingStatus.OPEN,), FindingStatus.ANSWERED, False, True),
    Step("return", (FindingStatus.ANSWERED,), FindingStatus.OPEN, True, True),
    Step("resolve", (FindingStatus.ANSWERED,), FindingStatus.RESOLVED, True, False),
    Step("accept_risk", (FindingStatus.ANSWERED,), FindingStatus.RISK_ACCEPTED, True, True),
    Step("close", (FindingStatus.RESOLVED, FindingStatus.RISK_ACCEPTED), FindingStatus.CLOSED, True, False),
)}


class FindingCreate(SQLModel):
    """What an auditor writes when raising a finding."""

    stage: str
    severity: str
    principle: str | None = None
    rule_id: str | None = Field(default=None, max_length=40)
    title: str = Field(min_length=3, max_length=300)
    description: str = Field(min_length=3, max_length=20000)
    recommendation: str = Field(min_length=3, max_length=20000)
    due_date: date
    responsible_authority_id: int
    is_public: bool = False

    @field_validator("stage")
    @classmethod
    def _stage(cls, value: str) -> str:
        Stage(value)
        return value

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        FindingSeverity(value)
        return value

    @field_validator("principle")
    @classmethod
    def _principle(cls, value: str | None) -> str | None:
        if value and value not in PRINCIPLES:
            raise ValueError(f"unknown principle {value}")
        return value or None


def raise_finding(*, session: Session, project: Project, user: User, data: FindingCreate) -> Finding:
    require_auditor(user, "raise a finding")
    data = FindingCreate.model_validate(data.model_dump())
    if data.due_date < date.today():
        raise ServiceError(_("the due date is in the past"), field="due_date")
    if session.get(Authority, data.responsible_authority_id) is None:
        raise ServiceError(_("unknown responsible authority"), field="responsible_authority_id")
    finding = Finding.model_validate(data.model_dump(), update={"project_id": project.id, "raised_by_id": user.id,
                                                                "status": FindingStatus.OPEN.value})
    session.add(finding)
    session.flush()
    session.add(FindingEvent(finding_id=finding.id, action="raise", from_status=None, to_status=finding.status,
                             actor_id=user.id, actor_role=user.role, note=None))
    session.flush()
    return finding


def allowed_actions(finding: Finding, user: User | None, *, may_answer: bool) -> list[str]:
    """The steps ``user`` may take on ``finding`` now."""
    if user is None:
        return []
    actions = []
    for step in STEPS.values():
        if finding.status not in step.sources:
            continue
        if (step.by_auditor and user.role == "auditor") or (not step.by_auditor and may_answer):
            actions.append(step.action)
    return actions


def take_step(*, session: Session, finding: Finding, action: str, user: User, note: str | None,
              scope_paths: Sequence[str]) -> FindingEvent:
    """Move ``finding`` one step; refuses steps out of order and steps of the other side's role."""
    step = STEPS.get(action)
    if step is None:
        raise ServiceError(_("unknown step “%(action)s”", action=action), field="action")
    if step.by_auditor:
        require_auditor(user, f"{action.replace('_', ' ')} a finding")
    elif not can_answer(user, responsible_authorities(session=session, finding=finding), scope_paths):
        raise PermissionDenied(_("only a planner of the project's or the responsible authority may answer"))
    note = (note or "").strip() or None
    if step.needs_note and note is None:
        raise ServiceError(_("write what was done or why"), field="note")
    lock_for_decision(session, finding)  # the status is read under the lock: one of concurrent steps is taken
    if finding.status not in step.sources:
        taken = _step_taken_from(session, finding, step)
        if taken is not None:
            raise taken
        raise ServiceError(_("a finding that is %(status)s cannot be moved by '%(action)s'",
                             status=label("finding_status", finding.status),
                             action=label("finding_step", action)), field="action")
    event = FindingEvent(finding_id=finding.id, action=action, from_status=finding.status, to_status=step.target,
                         actor_id=user.id, actor_role=user.role, note=note)
    finding.status = step.target
    finding.updated_at = utcnow()
    session.add_all([finding, event])
    session.flush()
    return event


def _step_taken_from(session: Session, finding: Finding, step: Step) -> StateConflict | None:
    """The refusal naming the step someone else took from where ``step`` starts, if that is what happened."""
    row = session.exec(select(FindingEvent, User.name).join(User, User.id == FindingEvent.actor_id)
                       .where(FindingEvent.finding_id == finding.id, FindingEvent.action.in_(list(STEPS)))
                       .order_by(FindingEvent.id.desc()).limit(1)).first()
    if row is None or row[0].from_status not in step.sources:
        return None  # not a race: a step out of order (refused as such)
    event, who = row
    return StateConflict(
        _("%(who)s %(action)s this finding at %(time)s, before your request: it is now “%(status)s”, and "
          "nothing was saved.", who=who, action=label("finding_action", event.action),
          time=format_datetime(event.at), status=label("finding_status", finding.status)),
        field="action")


def set_visibility(*, session: Session, finding: Finding, user: User, is_public: bool) -> None:
    require_auditor(user, "publish a finding")
    lock_for_decision(session, finding)  # two auditors switching it at once record one change
    if finding.is_public != is_public:
        finding.is_public = is_public
        finding.updated_at = utcnow()
        session.add(finding)
        session.add(FindingEvent(finding_id=finding.id, action="publish" if is_public else "unpublish",
                                 from_status=finding.status, to_status=finding.status, actor_id=user.id,
                                 actor_role=user.role))
        session.flush()


def responsible_authorities(*, session: Session, finding: Finding) -> list[Authority]:
    """The project's owner and the authority named responsible (one query)."""
    owner = select(Project.authority_id).where(Project.id == finding.project_id).scalar_subquery()
    return list(session.exec(select(Authority).where(
        (Authority.id == finding.responsible_authority_id) | (Authority.id == owner))))


def is_overdue(finding: Finding, today: date | None = None) -> bool:
    return finding.status in OPEN_STATUSES and finding.due_date < (today or date.today())


def get_finding(*, session: Session, finding_id: int) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(_("no finding %(finding_id)s", finding_id=finding_id))
    return finding


def events(*, session: Session, finding_id: int) -> list[tuple[FindingEvent, str]]:
    return list(session.exec(select(FindingEvent, User.name).join(User, User.id == FindingEvent.actor_id)
                             .where(FindingEvent.finding_id == finding_id).order_by(FindingEvent.id)))


def project_findings(*, session: Session, project_id: int) -> list[tuple[Finding, Authority]]:
    return list(session.exec(select(Finding, Authority)
                             .join(Authority, Authority.id == Finding.responsible_authority_id)
                             .where(Finding.project_id == project_id).order_by(Finding.id.desc())))


def list_findings(*, session: Session, scope_paths: Sequence[str] | None = None, status: str | None = None,
                  limit: int = 500) -> list[tuple[Finding, Project, Authority]]:
    """Findings with their project and responsible authority, overdue-prone first (one query).

    ``scope_paths`` (a planner's) keeps the findings of projects owned, or made the responsibility of,
    an authority in those subtrees; None keeps everything.
    """
    owner = Authority.__table__.alias("owner")
    query = (select(Finding, Project, Authority)
             .join(Project, Project.id == Finding.project_id)
             .join(Authority, Authority.id == Finding.responsible_authority_id)
             .join(owner, owner.c.id == Project.authority_id))
    if scope_paths is not None:
        if not scope_paths:
            return []
        conditions = [Authority.path.startswith(path, autoescape=True) for path in scope_paths]
        conditions += [owner.c.path.startswith(path, autoescape=True) for path in scope_paths]
        query = query.where(or_(*conditions))
    if status == "open":
        query = query.where(Finding.status.in_([s.value for s in OPEN_STATUSES]))
    elif status:
        query = query.where(Finding.status == status)
    return list(session.exec(query.order_by(Finding.due_date, Finding.id).limit(limit)))


def open_counts(*, session: Session, project_ids: Sequence[int],
                today: date | None = None) -> dict[int, tuple[int, int]]:
    """(open, overdue) findings per project, in one query."""
    if not project_ids:
        return {}
    overdue = func.sum(case((Finding.due_date < (today or date.today()), 1), else_=0))
    rows = session.exec(select(Finding.project_id, func.count(), overdue)
                        .where(Finding.project_id.in_(list(project_ids)),
                               Finding.status.in_([s.value for s in OPEN_STATUSES]))
                        .group_by(Finding.project_id))
    return {project_id: (count, int(late or 0)) for project_id, count, late in rows}

"""What each home shows, each in a fixed number of queries whatever the number of projects or items.

Every list is bounded (``LIMIT``): a home is a to-do list, the full lists are one link away.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from tracker.accounts.models import User
from tracker.audit.findings import OPEN_STATUSES
from tracker.audit.models import ChecklistSignoff, Finding
from tracker.core.columns import utcnow
from tracker.core.models import Authority
from tracker.core.vocab import FindingStatus, OfferStatus, ProjectState, VoiceKind, VoiceState
from tracker.engagement.matching import Match, rank_needs
from tracker.engagement.models import Need, Offer, PartnerProfile
from tracker.engagement.offers import offers_of_partner
from tracker.engagement.partners import profile_for_user
from tracker.engagement.partnerships import PartnershipSummary, summaries
from tracker.governance.models import Evaluation
from tracker.governance.rule_context import RuleContext
from tracker.governance.stages import gate_checks
from tracker.jobs.models import Job
from tracker.projects.models import Project
from tracker.projects.policy import editable_projects, visible_projects
from tracker.rules import GateCheck
from tracker.voice.models import CitizenItem

#: At most this many rows in each list of a home.
LIMIT = 50
#: A red flag is "new" when the evaluation that raised it is at most this old.
NEW_RED_FLAG_DAYS = 14
#: Citizens' items that wait for an answer: confirmed, not hidden, due, not answered yet.
_WAITING_STATES = (VoiceState.AWAITING_MODERATION, VoiceState.PUBLISHED)


def _unanswered_items():
    return and_(col(CitizenItem.state).in_(_WAITING_STATES), col(CitizenItem.due_on).is_not(None),
                col(CitizenItem.answered_at).is_(None))


# --- planner ------------------------------------------------------------------------------------------------

@dataclass
class PlannerRow:
    project: Project
    evaluation: Evaluation | None
    findings_open: int = 0
    findings_overdue: int = 0
    voice_due: int = 0
    voice_overdue: int = 0
    offers_pending: int = 0
    #: The gate into the next stage as it stands (None: the project is completed).
    gate: GateCheck | None = None

    @property
    def failing(self) -> int:
        return (self.evaluation.failed + self.evaluation.errors) if self.evaluation else 0

    @property
    def blockers(self) -> int:
        """Blocking rules that stop the move to the next stage: failing, or lacking the data to decide."""
        return len(self.gate.blockers) + len(self.gate.unresolved) if self.gate else 0

    @property
    def has_next(self) -> bool:
        return bool(self.blockers or self.findings_open or self.voice_due or self.voice_overdue
                    or self.offers_pending)


@dataclass
class PlannerHome:
    rows: list[PlannerRow]
    more: bool


def planner_home(*, session: Session, user: User, scope_paths: Sequence[str], context: RuleContext,
                 today: date | None = None) -> PlannerHome:
    """The projects ``user`` may edit, with their stage, what fails, what blocks the next stage and what is due
    (four queries, and the next gates' evaluation: a fixed number per next stage, ``stages.gate_checks``)."""
    today = today or date.today()
    query = (select(Project, Evaluation)
             .outerjoin(Evaluation, and_(col(Evaluation.project_id) == Project.id, col(Evaluation.is_latest)))
             .where(Project.state != ProjectState.CANCELLED))
    scope = editable_projects(user, scope_paths)
    if scope is not None:
        query = query.where(scope)
    found = session.exec(query.order_by(func.coalesce(Evaluation.failing_blockers, 0).desc(),
                                        func.coalesce(Evaluation.failed, 0).desc(), Project.id)
                         .limit(LIMIT + 1)).all()
    rows = {project.id: PlannerRow(project, evaluation) for project, evaluation in found[:LIMIT]}
    ids = list(rows)
    for project_id, gate in gate_checks(session=session, projects=[row.project for row in rows.values()],
                                        context=context).items():
        rows[project_id].gate = gate
    if ids:
        _add_findings(session, rows, ids, today)
        _add_voice(session, rows, ids, today)
        for project_id, count in session.exec(
                select(Need.project_id, func.count()).join(Offer, col(Offer.need_id) == Need.id)
                .where(col(Need.project_id).in_(ids), Offer.status == OfferStatus.PENDING,
                       col(Offer.is_hidden).is_(False)).group_by(Need.project_id)):
            rows[project_id].offers_pending = count
    return PlannerHome(list(rows.values()), more=len(found) > LIMIT)


def _add_findings(session: Session, rows: dict[int, PlannerRow], ids: list[int], today: date) -> None:
    """Findings waiting for the planner's answer (open), and those past their due date."""
    for project_id, open_count, overdue in session.exec(
            select(Finding.project_id, func.count(),
                   func.sum(case((col(Finding.due_date) < today, 1), else_=0)))
            .where(col(Finding.project_id).in_(ids), Finding.status == FindingStatus.OPEN)
            .group_by(Finding.project_id)):
        rows[project_id].findings_open, rows[project_id].findings_overdue = open_count, int(overdue or 0)


def _add_voice(session: Session, rows: dict[int, PlannerRow], ids: list[int], today: date) -> None:
    """Citizens' questions and complaints waiting for an answer: still due, and overdue."""
    for project_id, due, overdue in session.exec(
            select(CitizenItem.project_id, func.sum(case((col(CitizenItem.due_on) >= today, 1), else_=0)),
                   func.sum(case((col(CitizenItem.due_on) < today, 1), else_=0)))
            .where(col(CitizenItem.project_id).in_(ids), _unanswered_items())
            .group_by(CitizenItem.project_id)):
        rows[project_id].voice_due, rows[project_id].voice_overdue = int(due or 0), int(overdue or 0)


# --- auditor ------------------------------------------------------------------------------------------------

@dataclass
class AuditorHome:
    unsigned: list[tuple[Project, Evaluation]]
    overdue_findings: list[tuple[Finding, Project]]
    red_flags: list[tuple[Project, Evaluation]]
    complaints: list[tuple[CitizenItem, Project]]
    today: date


def auditor_home(*, session: Session, user: User, scope_paths: Sequence[str],
                 today: date | None = None) -> AuditorHome:
    """The auditor's queue: unsigned checklists, overdue findings, new red flags, complaints due (four queries)."""
    today = today or date.today()
    visible = visible_projects(user, scope_paths)

    def seen(query):
        return query if visible is None else query.where(visible)

    latest = (select(Project, Evaluation)
              .join(Evaluation, and_(col(Evaluation.project_id) == Project.id, col(Evaluation.is_latest))))
    signed = select(ChecklistSignoff.id).where(ChecklistSignoff.project_id == Project.id,
                                               ChecklistSignoff.stage == Project.stage).exists()
    unsigned = session.exec(seen(latest.where(~signed, Project.state == ProjectState.ACTIVE))
                            .order_by(col(Evaluation.evaluated_at).desc(), Project.id).limit(LIMIT)).all()
    since = utcnow() - timedelta(days=NEW_RED_FLAG_DAYS)
    flags = session.exec(seen(latest.where(Evaluation.red_flags > 0, Evaluation.evaluated_at >= since))
                         .order_by(col(Evaluation.evaluated_at).desc(), Project.id).limit(LIMIT)).all()
    findings = session.exec(seen(
        select(Finding, Project).join(Project, col(Project.id) == Finding.project_id)
        .where(col(Finding.status).in_(OPEN_STATUSES), Finding.due_date < today))
        .order_by(Finding.due_date, Finding.id).limit(LIMIT)).all()
    complaints = session.exec(seen(
        select(CitizenItem, Project).join(Project, col(Project.id) == CitizenItem.project_id)
        .where(CitizenItem.kind == VoiceKind.COMPLAINT, _unanswered_items()))
        .order_by(CitizenItem.due_on, CitizenItem.id).limit(LIMIT)).all()
    return AuditorHome(list(unsigned), list(findings), list(flags), list(complaints), today)


# --- partner ------------------------------------------------------------------------------------------------

@dataclass
class PartnerHome:
    profile: PartnerProfile | None
    matches: list[Match] = field(default_factory=list)
    offers: list[tuple[Offer, Need, Authority]] = field(default_factory=list)
    partnerships: list[PartnershipSummary] = field(default_factory=list)


def partner_home(*, session: Session, user: User) -> PartnerHome:
    """Needs that fit the partner, their offers and their partnerships."""
    profile = profile_for_user(session=session, user=user)
    if profile is None:
        return PartnerHome(None)
    return PartnerHome(profile, matches=rank_needs(session=session, profile=profile, limit=10),
                       offers=offers_of_partner(session=session, profile=profile)[:LIMIT],
                       partnerships=summaries(session=session, organisation_id=profile.organisation_id)[:LIMIT])


# --- administrator and moderator ----------------------------------------------------------------------------

@dataclass
class AdminHome:
    pending_partners: int
    jobs_by_state: dict[str, int]
    awaiting_moderation: int


def admin_home(*, session: Session) -> AdminHome:
    """Partners to confirm, the jobs of the last week by state and the moderation queue's length (three queries)."""
    pending = session.exec(select(func.count()).select_from(PartnerProfile).where(
        col(PartnerProfile.confirmed_at).is_(None), col(PartnerProfile.is_hidden).is_(False))).one()
    week = utcnow() - timedelta(days=7)
    jobs = {str(state): count for state, count in session.exec(
        select(Job.state, func.count()).where(Job.created_at >= week).group_by(Job.state))}
    return AdminHome(pending, jobs, awaiting_moderation(session=session))


def awaiting_moderation(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(CitizenItem).where(
        CitizenItem.state == VoiceState.AWAITING_MODERATION)).one()


@dataclass
class ModeratorHome:
    waiting: int
    oldest: list[tuple[CitizenItem, Project]]


def moderator_home(*, session: Session) -> ModeratorHome:
    """How many items wait for a decision, and the oldest of them (two queries)."""
    oldest = session.exec(select(CitizenItem, Project).join(Project, col(Project.id) == CitizenItem.project_id)
                          .where(CitizenItem.state == VoiceState.AWAITING_MODERATION)
                          .order_by(CitizenItem.created_at, CitizenItem.id).limit(10)).all()
    return ModeratorHome(awaiting_moderation(session=session), list(oldest))

"""A project's dossier: every row the project page shows, each table read once.

The page used to gather its rows from three read models and from template globals that ran queries
while rendering, reading the funding lines four times. ``project_dossier`` reads them all up front in a
fixed number of queries (about fifteen), whatever the number of contracts, documents, funding lines,
parties or history rows; the template only formats what it is given.

What the public may not see stays out as before: restricted documents, and the history of changes to
them, only when ``include_restricted``; the public read model (``public``) only for a public project,
built from public variants; auditors' findings only once published.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from tracker.core.models import Authority, Organisation
from tracker.core.vocab import NeedStatus
from tracker.engagement.models import Need, Partnership, PartnershipActivity, PartnershipMember
from tracker.engagement.partnerships import PartnershipSummary
from tracker.governance.compliance import ProjectCompliance, arrange
from tracker.governance.evaluations import latest_evaluation
from tracker.planning.document_models import Document
from tracker.planning.documents import visible_documents
from tracker.planning.history import project_history
from tracker.planning.history_models import ChangeRecord
from tracker.planning.models import (
    Contract,
    ContractVariation,
    Milestone,
    NeedsAssessment,
    ProgressObservation,
    ProjectCompletion,
    ProjectPlan,
)
from tracker.planning.rollup import Rollup, programme_progress
from tracker.planning.stage_data import ContractView, by_project, contract_prices
from tracker.projects.models import Project
from tracker.projects.queries import ProjectPage, project_page
from tracker.publishing import read_models
from tracker.publishing.public import PublicFindings, PublicProject
from tracker.voice.read_models import ProjectVoice, project_voice

#: Change history entries the page lists, newest first.
HISTORY_LIMIT = 20
#: Open needs the page lists, soonest deadline first.
NEEDS_LIMIT = 100


@dataclass(frozen=True)
class ProjectDossier:
    """Everything the project page shows about one project, read in one go."""

    #: Key facts, the owner and its chain, parties, funding with financiers, stage moves with who made them.
    page: ProjectPage
    needs: NeedsAssessment | None
    plan: ProjectPlan | None
    completion: ProjectCompletion | None
    contracts: list[ContractView]
    observations: list[ProgressObservation]
    milestones: list[Milestone]
    #: Newest first; restricted ones only for those who may edit or audit the project.
    documents: list[Document]
    #: (change, who made it) pairs, newest first; changes to restricted documents as ``documents``.
    history: list[tuple[ChangeRecord, str | None]]
    #: A programme's progress rolled up from its sub-projects; None when it has none.
    rollup: Rollup | None
    compliance: ProjectCompliance | None
    findings: PublicFindings | None
    partnerships: list[PartnershipSummary]
    open_needs: list[Need]
    #: The public read model (charts and timeline) of a public project; None for one that is not public.
    #: Its ``changes`` stay empty: the page lists ``history`` instead.
    public: PublicProject | None
    #: Citizens' published and hidden items with the gallery by phase; None for a project that is not public.
    voice: ProjectVoice | None = None

    @property
    def project(self) -> Project:
        return self.page.project

    @property
    def physical_progress(self) -> int | None:
        return self.observations[-1].physical_percent if self.observations else None


def project_dossier(*, session: Session, project: Project, include_restricted: bool) -> ProjectDossier:
    """The dossier of a project the reader may see; restricted documents only when ``include_restricted``."""
    pid = project.id
    page = project_page(session=session, project=project)
    needs, plan, completion, has_children = _stage_records(session, project)
    contracts = _contracts(session, project)
    observations = by_project(session, ProgressObservation, [pid], ProgressObservation.observed_on,
                              ProgressObservation.id).get(pid, [])
    milestones = by_project(session, Milestone, [pid], Milestone.planned_date, Milestone.id).get(pid, [])
    documents = visible_documents(session=session, project_ids=[pid], include_restricted=include_restricted)[pid]
    evaluation = latest_evaluation(session=session, project_id=pid)
    findings = read_models.public_findings(session=session, project_id=pid)
    public = None
    voice = project_voice(session=session, project_id=pid) if project.is_public else None
    if project.is_public:
        funding = [read_models.public_funding(view) for view in page.funding]
        parties = [read_models.public_party(p.role, p.authority, p.organisation) for p in page.parties]
        public = read_models.public_project(
            project=project, chain=page.authority_chain, funding=funding,
            summary=read_models.public_summary(project=project, authority=page.authority, funding=funding,
                                               observations=observations, evaluation=evaluation),
            parties=[party for party in parties if party is not None],
            contracts=[read_models.public_contract(view.contract, view.variations) for view in contracts],
            # ``documents`` may hold restricted ones for a planner: the public model takes the public ones only.
            documents=[read_models.public_document(doc) for doc in documents if doc.is_public],
            need=needs, plan=plan, completion=completion, milestones=milestones, observations=observations,
            moves=[move for move, _who in page.history],
            compliance=read_models.public_compliance_of(session, evaluation) if evaluation else None, findings=findings,
            citizens=read_models.public_citizens(voice.counts()) if voice else None,
            signoffs=read_models.public_signoffs(session=session, project_id=pid))
    return ProjectDossier(
        page=page, needs=needs, plan=plan, completion=completion, contracts=contracts, observations=observations,
        milestones=milestones, documents=documents,
        history=project_history(session=session, project=project, limit=HISTORY_LIMIT,
                                include_restricted=include_restricted),
        # Programmes are rare: the roll-up's queries (one set per level) run only when there are sub-projects.
        rollup=programme_progress(session=session, programme_ids=[pid]).get(pid) if has_children else None,
        compliance=arrange(session, evaluation) if evaluation else None, findings=findings,
        partnerships=_partnerships(session, project), open_needs=_open_needs(session, project), public=public,
        voice=voice)


def _stage_records(session: Session, project: Project):
    """The needs assessment, plan and completion (one row each at most) and whether the project has
    sub-projects, in one query."""
    child = aliased(Project)
    has_children = select(child.id).where(child.parent_id == Project.id).exists()
    query = (select(NeedsAssessment, ProjectPlan, ProjectCompletion, has_children).select_from(Project)
             .outerjoin(NeedsAssessment, NeedsAssessment.project_id == Project.id)
             .outerjoin(ProjectPlan, ProjectPlan.project_id == Project.id)
             .outerjoin(ProjectCompletion, ProjectCompletion.project_id == Project.id)
             .where(Project.id == project.id))
    needs, plan, completion, children = session.exec(query).one()
    return needs, plan, completion, bool(children)


def _contracts(session: Session, project: Project) -> list[ContractView]:
    """The contracts with their variations and prices, in one query."""
    variations: dict[int, list[ContractVariation]] = defaultdict(list)
    contracts: dict[int, Contract] = {}
    for contract, variation in session.exec(
            select(Contract, ContractVariation)
            .outerjoin(ContractVariation, ContractVariation.contract_id == Contract.id)
            .where(Contract.project_id == project.id)
            .order_by(Contract.id, ContractVariation.agreed_date, ContractVariation.id)):
        contracts[contract.id] = contract
        if variation is not None:
            variations[contract.id].append(variation)
    return [ContractView(c, variations[c.id], contract_prices(c, variations[c.id])) for c in contracts.values()]


def _partnerships(session: Session, project: Project) -> list[PartnershipSummary]:
    """The project's partnerships with their members and activity counts, newest first, in one query."""
    count = (select(func.count()).where(PartnershipActivity.partnership_id == Partnership.id)
             .correlate(Partnership).scalar_subquery())
    latest = (select(func.max(PartnershipActivity.held_on)).where(PartnershipActivity.partnership_id == Partnership.id)
              .correlate(Partnership).scalar_subquery())
    found: dict[int, PartnershipSummary] = {}
    for partnership, activities, last, org, auth in session.exec(
            select(Partnership, count, latest, Organisation, Authority)
            .outerjoin(PartnershipMember, PartnershipMember.partnership_id == Partnership.id)
            .outerjoin(Organisation, Organisation.id == PartnershipMember.organisation_id)
            .outerjoin(Authority, Authority.id == PartnershipMember.authority_id)
            .where(Partnership.project_id == project.id)
            .order_by(Partnership.created_at.desc(), Partnership.id.desc(), PartnershipMember.id)):
        summary = found.setdefault(partnership.id, PartnershipSummary(
            partnership, activity_count=activities, last_activity=last, project=project))
        if org is not None:
            summary.organisations.append(org)
        elif auth is not None:
            summary.authorities.append(auth)
    return list(found.values())


def _open_needs(session: Session, project: Project) -> list[Need]:
    """The project's open needs on the board (hidden ones left out), soonest deadline first."""
    return list(session.exec(
        select(Need).where(Need.project_id == project.id, Need.is_hidden.is_(False), Need.status == NeedStatus.OPEN)
        .order_by(Need.needed_by.is_(None), Need.needed_by, Need.id.desc()).limit(NEEDS_LIMIT)))

"""Read models of public data: project summaries, one project, an authority's and the portfolio's figures.

Everything here returns the public variants of ``tracker.publishing.public`` and only ever reads public
projects and public documents. Each function issues a fixed number of queries whatever the number of
rows (lists are enriched with one grouped query per kind of data, never one per project).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from flask import current_app, has_app_context
from sqlalchemy import Integer, cast, func
from sqlmodel import Session, select

from tracker.audit.models import ChecklistSignoff, Finding
from tracker.core.data_version import memoized
from tracker.core.errors import NotFound
from tracker.core.hierarchy import ancestors
from tracker.core.models import Authority, Organisation
from tracker.core.vocab import FindingStatus, FundingSource
from tracker.governance.compliance import latest_summary
from tracker.governance.evaluations import scorecard_of
from tracker.governance.models import Evaluation
from tracker.governance.rule_context import in_uah, parse_exchange_rates
from tracker.governance.stored import expand
from tracker.planning import registry
from tracker.planning.document_models import Document
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
from tracker.planning.stage_data import ID_CHUNK, by_project, contract_prices, one_per_project
from tracker.projects.models import FundingLine, Project, StageHistory
from tracker.projects.policy import public_condition
from tracker.projects.queries import FundingView, funding_views, party_rows
from tracker.publishing.public import (
    ComplianceSummary,
    MapPoint,
    Money,
    PortfolioFigures,
    PublicAuthority,
    PublicAuthorityReport,
    PublicChange,
    PublicCitizensVoice,
    PublicCompliance,
    PublicContract,
    PublicDocument,
    PublicFinding,
    PublicFindings,
    PublicFunding,
    PublicParty,
    PublicPortfolio,
    PublicProject,
    PublicProjectSummary,
    PublicResult,
    PublicSignoff,
    PublicSitePhoto,
    RegionRow,
    RuleSetVersion,
    TimelineEvent,
)
from tracker.rules import build_scorecard
from tracker.voice.read_models import SitePhoto, VoiceCounts, public_counts, site_photos, subtree_counts

#: Change records the public may read: the tables the registry marks public, minus fields that are internal.
PRIVATE_CHANGE_FIELDS = frozenset({"is_public", "note", "storage_name", "original_name", "parent_id"})


def is_public_project():
    """The one condition that makes a project public; every query here carries it (the projects policy's)."""
    return public_condition()


def public_authority(authority: Authority) -> PublicAuthority:
    return PublicAuthority(id=authority.id, code=authority.code, level=authority.level,
                           name_uk=authority.name_uk, name_en=authority.name_en)


# --- summaries --------------------------------------------------------------------------------------

def summaries(*, session: Session, rows: Sequence[tuple[Project, Authority]]) -> list[PublicProjectSummary]:
    """Public summaries of (project, authority) rows, non-public ones dropped (three queries)."""
    rows = [(p, a) for p, a in rows if p.is_public]
    ids = [project.id for project, _ in rows]
    money = _money_by_project(session, ids)
    progress = _latest_progress(session, ids)
    compliance = _compliance_summaries(session, ids)
    return [_summary(p, a, money.get(p.id, ()), progress.get(p.id), compliance.get(p.id)) for p, a in rows]


def _summary(project: Project, authority: Authority, money, progress, compliance) -> PublicProjectSummary:
    return PublicProjectSummary(
        reference=project.reference, title_uk=project.title_uk, title_en=project.title_en, sector=project.sector,
        project_type=project.project_type, purpose=project.purpose, stage=project.stage, state=project.state,
        authority=public_authority(authority), location_code=project.location_code,
        updated_at=project.updated_at, money=tuple(money), physical_progress=progress, compliance=compliance)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start:start + ID_CHUNK]


def _money_by_project(session: Session, ids: Sequence[int]) -> dict[int, list[Money]]:
    grouped: dict[int, list[Money]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = (select(FundingLine.project_id, FundingLine.currency, func.sum(FundingLine.amount_committed),
                        func.sum(FundingLine.amount_disbursed))
                 .where(FundingLine.project_id.in_(chunk))
                 .group_by(FundingLine.project_id, FundingLine.currency)
                 .order_by(FundingLine.project_id, FundingLine.currency))
        for project_id, currency, committed, disbursed in session.exec(query):
            grouped[project_id].append(Money(currency=currency, committed=Decimal(committed or 0),
                                             disbursed=Decimal(disbursed or 0)))
    return grouped


def _latest_progress(session: Session, ids: Sequence[int]) -> dict[int, int]:
    latest: dict[int, int] = {}
    for chunk in _chunks(ids):
        query = (select(ProgressObservation.project_id, ProgressObservation.physical_percent)
                 .where(ProgressObservation.project_id.in_(chunk))
                 .order_by(ProgressObservation.observed_on, ProgressObservation.id))
        for project_id, percent in session.exec(query):
            latest[project_id] = percent  # ascending order: the last one wins
    return latest


def _compliance_summaries(session: Session, ids: Sequence[int]) -> dict[int, ComplianceSummary]:
    found: dict[int, ComplianceSummary] = {}
    for chunk in _chunks(ids):
        # Only the counts: the stored facts and results are large and a list needs none of them.
        query = (select(Evaluation.project_id, Evaluation.evaluated_at, Evaluation.passed, Evaluation.failed,
                        Evaluation.errors, Evaluation.failing_blockers)
                 .where(Evaluation.project_id.in_(chunk), Evaluation.is_latest.is_(True)))
        for project_id, at, passed, failed, errors, blockers in session.exec(query):
            found[project_id] = ComplianceSummary(evaluated_at=at, passed=passed, failed=failed, errors=errors,
                                                  failing_blockers=blockers)
    return found


# --- one project --------------------------------------------------------------------------------------

def project_view(*, session: Session, project: Project) -> PublicProject:
    """Everything public about one public project (a fixed number of queries); NotFound when not public."""
    if not project.is_public:
        raise NotFound(f"no public project {project.reference}")
    authority = session.get(Authority, project.authority_id)
    return project_views(session=session, rows=[(project, authority)], detailed=True)[0]


def project_views(*, session: Session, rows: Sequence[tuple[Project, Authority]],
                  detailed: bool = False) -> list[PublicProject]:
    """Public views of many public projects with one query per kind of data (exports read 500 at a time).

    ``detailed`` adds what only a single project's page and report show: the authority chain, the
    change history and the full stored evaluation.
    """
    rows = [(p, a) for p, a in rows if p.is_public]
    ids = [p.id for p, _ in rows]
    if not ids:
        return []
    summary = {s.reference: s for s in summaries(session=session, rows=rows)}
    funding = _funding(session, ids)
    parties = _parties(session, ids)
    contracts = _contracts(session, ids)
    documents = public_documents(session=session, project_ids=ids)
    # Plain column rows: these are only read into the public variants below (an export reads thousands).
    plans = one_per_project(session, ProjectPlan, ids, plain=True)
    needs = one_per_project(session, NeedsAssessment, ids, plain=True)
    completions = one_per_project(session, ProjectCompletion, ids, plain=True)
    milestones = by_project(session, Milestone, ids, Milestone.planned_date, Milestone.id, plain=True)
    observations = by_project(session, ProgressObservation, ids, ProgressObservation.observed_on,
                              ProgressObservation.id, plain=True)
    moves = by_project(session, StageHistory, ids, StageHistory.moved_at, StageHistory.id, plain=True)
    # Citizens' figures only where one project is shown in full (the API's project, its report): not in exports.
    citizens = public_counts(session=session, project_ids=ids) if detailed else {}
    views = []
    for project, authority in rows:
        pid = project.id
        views.append(public_project(
            project=project, summary=summary[project.reference],
            chain=ancestors(session=session, authority=authority) if detailed else (),
            funding=funding.get(pid, ()), parties=parties.get(pid, ()), contracts=contracts.get(pid, ()),
            documents=documents.get(pid, ()), need=needs.get(pid), plan=plans.get(pid),
            completion=completions.get(pid), milestones=milestones.get(pid, ()),
            observations=observations.get(pid, ()), moves=moves.get(pid, ()),
            changes=_changes(session, pid) if detailed else (),
            compliance=public_compliance(session=session, project_id=pid) if detailed else None,
            findings=public_findings(session=session, project_id=pid) if detailed else None,
            citizens=public_citizens(citizens[pid]) if pid in citizens else None,
            signoffs=public_signoffs(session=session, project_id=pid) if detailed else (),
            photos=public_photos(site_photos(session=session, project_id=pid)) if detailed else ()))
    return views


def public_project(*, project: Project, summary: PublicProjectSummary, chain: Sequence[Authority],
                   funding: Sequence[PublicFunding], parties: Sequence[PublicParty],
                   contracts: Sequence[PublicContract], documents: Sequence[PublicDocument],
                   need: NeedsAssessment | None, plan: ProjectPlan | None, completion: ProjectCompletion | None,
                   milestones: Sequence[Milestone], observations: Sequence[ProgressObservation],
                   moves: Sequence[StageHistory], changes: Sequence[PublicChange] = (),
                   compliance: PublicCompliance | None = None,
                   findings: PublicFindings | None = None,
                   citizens: PublicCitizensVoice | None = None,
                   signoffs: Sequence[PublicSignoff] = (),
                   photos: Sequence[PublicSitePhoto] = ()) -> PublicProject:
    """A public project put together from rows already read and their public variants (no queries).

    The caller has checked that the project is public and passes public documents only.
    """
    return PublicProject(
        summary=summary, description_uk=project.description_uk, description_en=project.description_en,
        address=project.address, latitude=project.latitude, longitude=project.longitude,
        dream_code=project.dream_code, created_at=project.created_at,
        authority_chain=tuple(public_authority(a) for a in chain),
        funding=tuple(funding), parties=tuple(parties), contracts=tuple(contracts), documents=tuple(documents),
        timeline=tuple(_timeline(project, need, plan, contracts, milestones, observations, completion, moves)),
        progress=tuple((o.observed_on, o.physical_percent) for o in observations),
        changes=tuple(changes), budget_total=plan.budget_total if plan else None,
        beneficiaries=need.beneficiaries if need else None,
        completion_date=completion.completion_date if completion else None,
        final_cost=completion.final_cost if completion else None, compliance=compliance, findings=findings,
        citizens=citizens, signoffs=tuple(signoffs), photos=tuple(photos))


def public_photos(photos: Sequence[SitePhoto]) -> list[PublicSitePhoto]:
    return [PublicSitePhoto(phase=p.phase, image=p.storage_name, thumbnail=p.thumb_name, observed_on=p.observed_on,
                            submitted_on=p.submitted_on, latitude=p.latitude, longitude=p.longitude) for p in photos]


def public_citizens(counts: VoiceCounts) -> PublicCitizensVoice:
    return PublicCitizensVoice(published=counts.published, hidden=counts.hidden, answered=counts.answered,
                               overdue=counts.overdue, answered_on_time_percent=counts.answered_on_time_percent)


def public_summary(*, project: Project, authority: Authority, funding: Sequence[PublicFunding],
                   observations: Sequence[ProgressObservation],
                   evaluation: Evaluation | None) -> PublicProjectSummary:
    """A project's summary from rows already read (no queries): the same figures ``summaries`` adds up."""
    money: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in funding:
        money[line.currency][0] += line.committed
        money[line.currency][1] += line.disbursed
    return _summary(project, authority, _money(money),
                    observations[-1].physical_percent if observations else None,
                    compliance_summary(evaluation) if evaluation else None)


def compliance_summary(evaluation: Evaluation) -> ComplianceSummary:
    return ComplianceSummary(evaluated_at=evaluation.evaluated_at, passed=evaluation.passed,
                             failed=evaluation.failed, errors=evaluation.errors,
                             failing_blockers=evaluation.failing_blockers)


def _money(totals: dict[str, list[Decimal]]) -> list[Money]:
    """[committed, disbursed] per currency as Money, by currency."""
    return [Money(currency=c, committed=v[0], disbursed=v[1]) for c, v in sorted(totals.items())]


def _funding(session: Session, ids: Sequence[int]) -> dict[int, list[PublicFunding]]:
    grouped: dict[int, list[PublicFunding]] = defaultdict(list)
    for chunk in _chunks(ids):
        for view in funding_views(session=session, project_ids=chunk):
            grouped[view.line.project_id].append(public_funding(view))
    return grouped


def public_funding(view: FundingView) -> PublicFunding:
    """A funding line as the public sees it: no note, the financier by name, registry id and country."""
    line, org, auth = view.line, view.organisation, view.authority
    return PublicFunding(
        source=line.source, level=FundingSource(line.source).level, financier_uk=view.financier_name_uk,
        financier_en=view.financier_name_en, currency=line.currency, committed=line.amount_committed,
        disbursed=line.amount_disbursed, financier_identifier=org.identifier if org else None,
        financier_country=(org.country if org else "UA") if (org or auth) else None)


def _parties(session: Session, ids: Sequence[int]) -> dict[int, list[PublicParty]]:
    grouped: dict[int, list[PublicParty]] = defaultdict(list)
    for chunk in _chunks(ids):
        for party, authority, org in party_rows(session=session, project_ids=chunk):
            public = public_party(party.role, authority, org)
            if public is not None:
                grouped[party.project_id].append(public)
    return grouped


def public_party(role: str, authority: Authority | None, org: Organisation | None) -> PublicParty | None:
    """A party as the public sees it: an authority or an organisation in a role (None when it is neither)."""
    if authority is not None:
        return PublicParty(role=role, name_uk=authority.name_uk, name_en=authority.name_en, country="UA",
                           authority_id=authority.id,
                           identifier=authority.code)
    if org is not None:
        return PublicParty(role=role, name_uk=org.name_uk or org.name, name_en=org.name_en or org.name,
                           country=org.country,
                           organisation_id=org.id, identifier=org.identifier)
    return None


def _contracts(session: Session, ids: Sequence[int]) -> dict[int, list[PublicContract]]:
    variations: dict[int, list] = defaultdict(list)
    for rows in by_project(session, ContractVariation, ids, plain=True).values():
        for variation in rows:
            variations[variation.contract_id].append(variation)
    grouped: dict[int, list[PublicContract]] = defaultdict(list)
    for project_id, rows in by_project(session, Contract, ids, plain=True).items():
        for c in rows:
            grouped[project_id].append(public_contract(c, variations.get(c.id, [])))
    return grouped


def public_contract(c: Contract, variations: Sequence[ContractVariation]) -> PublicContract:
    """A contract as the public sees it, at its current price (signed, varied and escalated)."""
    return PublicContract(
        title=c.title, subject=c.subject, status=c.status, procurement_method=c.procurement_method,
        tender_id=c.tender_id, tenderers=c.tenderers, procuring_entity=c.procuring_entity,
        supplier_name=c.supplier_name, supplier_edrpou=c.supplier_edrpou, signed_price=c.signed_price,
        current_price=contract_prices(c, variations)["price"], signed_date=c.signed_date, start_date=c.start_date,
        duration_days=c.duration_days)


def public_documents(*, session: Session, project_ids: Sequence[int]) -> dict[int, list[PublicDocument]]:
    """Public documents only, newest first: the filter is in the query, restricted rows are never loaded."""
    grouped: dict[int, list[PublicDocument]] = defaultdict(list)
    # Columns, not rows: an export lists thousands of documents, and building an ORM object each costs more
    # than the query.
    columns = (Document.project_id, Document.id, Document.document_type, Document.title, Document.media_type,
               Document.uploaded_at)
    for chunk in _chunks(list(project_ids)):
        query = (select(*columns).where(Document.project_id.in_(chunk), Document.is_public.is_(True))
                 .order_by(Document.uploaded_at.desc(), Document.id.desc()))
        for project_id, doc_id, document_type, title, media_type, uploaded_at in session.exec(query):
            grouped[project_id].append(PublicDocument(id=doc_id, document_type=document_type, title=title,
                                                      media_type=media_type, uploaded_at=uploaded_at))
    return grouped


def public_document(doc: Document) -> PublicDocument:
    """A public document's listing; refuses a restricted one, so none can be turned into this by mistake."""
    if not doc.is_public:
        raise ValueError(f"document {doc.id} is restricted")
    return PublicDocument(id=doc.id, document_type=doc.document_type, title=doc.title, media_type=doc.media_type,
                          uploaded_at=doc.uploaded_at)


def _event(on, kind: str, detail: str | None = None) -> TimelineEvent:
    return TimelineEvent(on=on, kind=kind, detail=detail)


def _timeline(project, needs, plan, contracts, milestones, observations, completion, moves) -> list[TimelineEvent]:
    events = [_event(project.created_at.date(), "registered")]
    if needs and needs.assessment_date:
        events.append(_event(needs.assessment_date, "needs_assessed"))
    if plan:
        for on, kind in ((plan.consultation_start_date, "consultation_started"),
                         (plan.consultation_end_date, "consultation_ended"),
                         (plan.council_decision_date, "budget_approved"),
                         (plan.expert_review_date, "expert_review"), (plan.schedule_start, "works_scheduled")):
            if on:
                events.append(_event(on, kind))
    events += [_event(c.signed_date, "contract_signed", c.title) for c in contracts if c.signed_date]
    for m in milestones:
        if m.actual_date or m.planned_date:
            events.append(_event(m.actual_date or m.planned_date,
                                 "milestone_reached" if m.actual_date else "milestone_planned", m.name))
    events += [_event(o.observed_on, "progress", f"{o.physical_percent}%") for o in observations]
    events += [_event(move.moved_at.date(), "stage", move.to_stage) for move in moves]
    if completion and completion.completion_date:
        events.append(_event(completion.completion_date, "completed"))
    return sorted(events, key=lambda event: event.on)


def _changes(session: Session, project_id: int, limit: int = 50) -> list[PublicChange]:
    query = (select(ChangeRecord).where(ChangeRecord.project_id == project_id,
                                        ChangeRecord.entity.in_(registry.PUBLIC_TABLES))
             .order_by(ChangeRecord.changed_at.desc(), ChangeRecord.id.desc()).limit(limit))
    return [PublicChange(changed_at=r.changed_at, entity=r.entity, action=r.action, field=r.field,
                         old_value=r.old_value, new_value=r.new_value)
            for r in session.exec(query) if r.field not in PRIVATE_CHANGE_FIELDS]


def public_compliance(*, session: Session, project_id: int) -> PublicCompliance | None:
    """The latest stored evaluation with the rule set versions it used; None before any."""
    evaluation = session.exec(select(Evaluation).where(Evaluation.project_id == project_id,
                                                       Evaluation.is_latest.is_(True))).first()
    return public_compliance_of(session, evaluation) if evaluation is not None else None


def public_compliance_of(session: Session, evaluation: Evaluation) -> PublicCompliance:
    """A stored evaluation as the public sees it: applicable results and the rule set versions (rendered
    once per evaluation: ``governance.stored.expand``)."""
    results = []
    for rule_set in expand(session, evaluation):
        for r in rule_set["results"]:
            if r["outcome"] != "not_applicable":
                results.append(PublicResult(
                    rule_id=r["rule_id"], rule_set_id=rule_set["rule_set_id"], outcome=r["outcome"],
                    severity=r["severity"], principles=tuple(r["principles"]), title_uk=r["title_uk"],
                    title_en=r["title_en"], explanation_uk=r["explanation_uk"], explanation_en=r["explanation_en"]))
    return PublicCompliance(
        evaluated_at=evaluation.evaluated_at, stage=evaluation.stage,
        rule_sets=tuple(RuleSetVersion(id=item["id"], version=item["version"], sha256=item["sha256"])
                        for item in evaluation.rule_sets),
        passed=evaluation.passed, failed=evaluation.failed, errors=evaluation.errors,
        failing_blockers=evaluation.failing_blockers, scorecard=scorecard_of(session, [evaluation]),
        results=tuple(results))


# --- figures of many projects -----------------------------------------------------------------------

def exchange_rates() -> dict[str, Decimal]:
    """UAH per unit of each currency, as the deployment sets them (``TRACKER_EXCHANGE_RATES``; the rules use the
    same); the default planning rates outside an application."""
    if has_app_context() and "tracker.rules" in current_app.extensions:
        return dict(current_app.extensions["tracker.rules"].exchange_rates)
    return parse_exchange_rates("")


def portfolio_figures(*, session: Session, authority: Authority | None = None,
                      with_scorecard: bool = True) -> PortfolioFigures:
    """Headline figures of the public projects (in ``authority``'s subtree when given), computed once per data
    version (``core.data_version.memoized``): see ``_portfolio_figures``."""
    # The day is part of the key: citizens' items turn overdue with the date, not with a write.
    return memoized(session, ("portfolio_figures", authority.id if authority else None, with_scorecard,
                              date.today().isoformat()),
                    lambda: _portfolio_figures(session=session, authority=authority, with_scorecard=with_scorecard))


def _portfolio_figures(*, session: Session, authority: Authority | None,
                       with_scorecard: bool) -> PortfolioFigures:
    """Headline figures of the public projects (in ``authority``'s subtree when given): five grouped queries.

    The scorecard sums the latest evaluations' summary rows (``governance.compliance.latest_summary``);
    ``with_scorecard=False`` skips it.
    """
    def scoped(query):
        query = query.join(Authority, Authority.id == Project.authority_id).where(is_public_project())
        return query.where(Authority.path.startswith(authority.path, autoescape=True)) if authority else query

    by_stage = dict(session.exec(scoped(select(Project.stage, func.count()).group_by(Project.stage))).all())
    money: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    by_level: dict[str, Decimal] = defaultdict(Decimal)
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    money_query = scoped(select(FundingLine.source, FundingLine.currency, func.sum(FundingLine.amount_committed),
                                func.sum(FundingLine.amount_disbursed))
                         .join(Project, Project.id == FundingLine.project_id)
                         .group_by(FundingLine.source, FundingLine.currency))
    rates, used = exchange_rates(), {}
    for source, currency, committed, disbursed in session.exec(money_query):
        money[currency][0] += Decimal(committed or 0)
        money[currency][1] += Decimal(disbursed or 0)
        if currency in rates:  # the charts are in hryvnias: another currency at the deployment's rate
            in_hryvnias = in_uah(Decimal(committed or 0), currency, rates)
            by_level[FundingSource(source).level] += in_hryvnias
            by_source[source] += in_hryvnias
            if currency != "UAH":
                used[currency] = rates[currency]
    summary = latest_summary(session=session, scope=scoped) if with_scorecard else None
    return PortfolioFigures(
        projects=sum(by_stage.values()), by_stage=by_stage,
        money=tuple(_money(money)),
        committed_uah_by_level=dict(by_level), committed_uah_by_source=dict(by_source), rates=used,
        scorecard=summary.scorecard if summary else build_scorecard(()), evaluated=summary.evaluated if summary else 0,
        citizens=public_citizens(subtree_counts(session=session, authority_path=authority.path if authority else None)),
        rule_sets=tuple(RuleSetVersion(id=i, version=v, sha256=sha)
                        for i, v, sha in (summary.rule_versions if summary else ())),
        last_evaluated_at=summary.last_evaluated_at if summary else None)


def subtree_rows(*, session: Session, authority: Authority | None, limit: int | None = None,
                 offset: int = 0) -> list[tuple[Project, Authority]]:
    """Public (project, authority) rows in ``authority``'s subtree (everything when None), by reference."""
    query = (select(Project, Authority).join(Authority, Authority.id == Project.authority_id)
             .where(is_public_project()).order_by(Project.id))
    if authority is not None:
        query = query.where(Authority.path.startswith(authority.path, autoescape=True))
    if limit is not None:
        query = query.offset(offset).limit(limit)
    return list(session.exec(query))


def count_public(*, session: Session, authority: Authority | None = None) -> int:
    """How many public projects there are (in ``authority``'s subtree when given)."""
    query = (select(func.count()).select_from(Project).join(Authority, Authority.id == Project.authority_id)
             .where(is_public_project()))
    if authority is not None:
        query = query.where(Authority.path.startswith(authority.path, autoescape=True))
    return session.exec(query).one()


def authority_report(*, session: Session, authority: Authority) -> PublicAuthorityReport:
    """An authority, its figures and every public project of its subtree."""
    rows = subtree_rows(session=session, authority=authority)
    return PublicAuthorityReport(
        authority=public_authority(authority),
        chain=tuple(public_authority(a) for a in ancestors(session=session, authority=authority)),
        figures=portfolio_figures(session=session, authority=authority),
        projects=tuple(summaries(session=session, rows=rows)), points=map_points(session=session, authority=authority))


#: Public projects closer than this (in degrees, about 10 km) are one dot on a server-drawn map.
MAP_CELL_DEGREES = 0.1


def map_points(*, session: Session, authority: Authority | None = None) -> tuple[MapPoint, ...]:
    """Where the public projects (of ``authority``'s subtree) lie, grouped by the database into places about
    10 km apart: one grouped query, once a data version, whatever the number of projects."""
    def compute() -> tuple[MapPoint, ...]:
        cells = (cast(Project.latitude / MAP_CELL_DEGREES, Integer),
                 cast(Project.longitude / MAP_CELL_DEGREES, Integer))
        query = (select(func.avg(Project.latitude), func.avg(Project.longitude), func.count())
                 .join(Authority, Authority.id == Project.authority_id)
                 .where(is_public_project(), Project.latitude.is_not(None), Project.longitude.is_not(None))
                 .group_by(*cells).order_by(*cells))
        if authority is not None:
            query = query.where(Authority.path.startswith(authority.path, autoescape=True))
        return tuple(MapPoint(latitude=round(lat, 4), longitude=round(lon, 4), projects=count)
                     for lat, lon, count in session.exec(query))
    return memoized(session, ("map points", authority.id if authority else None), compute)


def portfolio(*, session: Session) -> PublicPortfolio:
    """The whole public portfolio: figures and one row per oblast (three more queries)."""
    counts: dict[int, int] = defaultdict(int)
    committed: dict[int, Decimal] = defaultdict(Decimal)
    count_query = (select(Authority.path, func.count()).join(Project, Project.authority_id == Authority.id)
                   .where(is_public_project()).group_by(Authority.path))
    for path, count in session.exec(count_query):
        counts[_oblast_id(path)] += count
    for path, amount in session.exec(
            select(Authority.path, func.sum(FundingLine.amount_committed))
            .join(Project, Project.authority_id == Authority.id).join(FundingLine, FundingLine.project_id == Project.id)
            .where(is_public_project(), FundingLine.currency == "UAH").group_by(Authority.path)):
        committed[_oblast_id(path)] += Decimal(amount or 0)
    oblasts = {a.id: a for a in session.exec(select(Authority).where(Authority.id.in_(list(counts))))}
    regions = sorted((RegionRow(authority=public_authority(oblasts[i]), projects=n,
                                committed_uah=committed.get(i, Decimal(0)))
                      for i, n in counts.items() if i in oblasts), key=lambda row: row.authority.name_uk)
    return PublicPortfolio(figures=portfolio_figures(session=session), regions=tuple(regions),
                           points=map_points(session=session))


def _oblast_id(path: str) -> int:
    """The second id of the chain (the root is the state), or the root itself for national projects."""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    return ids[1] if len(ids) > 1 else ids[0]


def public_signoffs(*, session: Session, project_id: int) -> tuple[PublicSignoff, ...]:
    """The checklist sign-offs of a project, newest first: stage, role and day only (``PublicSignoff``)."""
    rows = session.exec(select(ChecklistSignoff.stage, ChecklistSignoff.signer_role, ChecklistSignoff.signed_at)
                        .where(ChecklistSignoff.project_id == project_id)
                        .order_by(ChecklistSignoff.signed_at.desc(), ChecklistSignoff.id.desc()))
    return tuple(PublicSignoff(stage=stage, signer_role=role, signed_on=signed_at.date())
                 for stage, role, signed_at in rows)


def public_findings(*, session: Session, project_id: int) -> PublicFindings | None:
    """The findings an auditor made public, for the project page (None when there are none)."""
    rows = list(session.exec(select(Finding).where(Finding.project_id == project_id, Finding.is_public.is_(True))
                             .order_by(Finding.id.desc())))
    if not rows:
        return None
    items = tuple(PublicFinding(severity=f.severity, principle=f.principle, title=f.title,
                                recommendation=f.recommendation, status=f.status, due_date=f.due_date,
                                raised_on=f.raised_at.date()) for f in rows)
    counts = Counter(str(f.status) for f in rows)
    unsettled = counts[FindingStatus.OPEN] + counts[FindingStatus.ANSWERED]
    return PublicFindings(open=unsettled, closed=len(rows) - unsettled, items=items,
                          by_status={str(status): counts[status] for status in FindingStatus if counts[status]})

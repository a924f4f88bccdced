"""Twinning and assistance partnerships, one to one or in clusters, and the log of what partners did together."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.accounts.operations import scope_paths
from tracker.core.errors import NotFound, PermissionDenied, ServiceError
from tracker.core.fields import check_values
from tracker.core.i18n import gettext as _
from tracker.core.locking import lock_for_decision
from tracker.core.models import Authority, Organisation
from tracker.core.vocab import HelpKind, PartnershipKind, PartyRole
from tracker.engagement import policy
from tracker.engagement.models import Need, Offer, PartnerProfile, Partnership, PartnershipActivity, PartnershipMember
from tracker.engagement.partners import PARTNER_KINDS, funding_source_for
from tracker.projects.models import Project, ProjectParty
from tracker.projects.operations import add_funding_line, link_party

ROLES = (PartyRole.TWINNING_PARTNER, PartyRole.CO_FINANCER, PartyRole.TECHNICAL_ASSISTANCE)


def create_partnership_from_offer(*, session: Session, offer: Offer, need: Need, profile: PartnerProfile,
                                  role: str, actor: User) -> Partnership:
    """The partnership an accepted offer becomes: linked to the need's project and, for money, funded.

    The caller (``offers.accept_offer``) holds the locks of the project, the need and the offer.
    """
    organisation = session.get(Organisation, profile.organisation_id)
    authority = session.get(Authority, need.authority_id)
    project = session.get(Project, need.project_id) if need.project_id else None
    money = offer.kind == HelpKind.FUNDS and offer.amount
    partnership = Partnership(name=f"{organisation.name} – {authority.name_uk}", kind=PartnershipKind.ONE_TO_ONE,
                              role=role, project_id=project.id if project else None, offer_id=offer.id,
                              amount=offer.amount if money else None, currency=offer.currency if money else None,
                              started_on=offer.period_start, created_by_id=actor.id)
    session.add(partnership)
    session.flush()
    session.add_all([PartnershipMember(partnership_id=partnership.id, organisation_id=organisation.id),
                     PartnershipMember(partnership_id=partnership.id, authority_id=authority.id)])
    if project is not None:
        _link_once(session, project, role, organisation)
        if money:
            add_funding_line(session=session, project=project, source=funding_source_for(organisation),
                             amount_committed=offer.amount, currency=offer.currency,
                             financier_organisation=organisation, note=f"Offer #{offer.id}: {need.title_uk}"[:500])
    session.flush()
    return partnership


def _link_once(session: Session, project: Project, role: str, organisation: Organisation) -> None:
    exists = session.exec(select(ProjectParty.id).where(
        ProjectParty.project_id == project.id, ProjectParty.role == role,
        ProjectParty.organisation_id == organisation.id)).first()
    if exists is None:
        link_party(session=session, project=project, role=role, organisation=organisation)


def create_partnership(*, session: Session, name: str, kind: str, role: str, organisations: Sequence[Organisation],
                       authorities: Sequence[Authority], actor: User, project: Project | None = None,
                       started_on: date | None = None) -> Partnership:
    """A partnership set up directly: one EU organisation with one authority, or a cluster of several."""
    check_values(Partnership, {"kind": kind, "name": name.strip()})
    if role not in ROLES:
        raise ServiceError(_("unknown role “%(role)s”", role=role), field="role")
    if not name.strip():
        raise ServiceError(_("the partnership needs a name"), field="name")
    if not organisations or not authorities:
        raise ServiceError(_("a partnership joins at least one EU organisation and one Ukrainian authority"),
                           field="organisations")
    if kind == PartnershipKind.ONE_TO_ONE and (len(organisations) > 1 or len(authorities) > 1):
        raise ServiceError(_("a one-to-one partnership joins exactly one organisation and one authority; "
                           "choose a cluster for more"), field="kind")
    if any(o.kind not in PARTNER_KINDS for o in organisations):
        raise ServiceError(_("only EU cities, regions and associations take part in twinning"), field="organisations")
    if project is not None and project.authority_id not in {a.id for a in authorities}:
        raise ServiceError(_("the project must belong to one of the authorities in the partnership"), field="project")
    # The service decides, not the form's choices: any caller (web, CLI, a script) is held to the same policy.
    if not policy.can_set_up_partnership(actor, authorities, scope_paths(session=session, user=actor)):
        raise PermissionDenied(_("a planner sets up partnerships only for authorities within their scope"),
                               field="authorities")
    if project is not None:
        # Its parties are checked and linked once under the project's lock (an accepted offer links them too).
        lock_for_decision(session, project)
    partnership = Partnership(name=name.strip(), kind=kind, role=role, project_id=project.id if project else None,
                              started_on=started_on, created_by_id=actor.id)
    session.add(partnership)
    session.flush()
    session.add_all([PartnershipMember(partnership_id=partnership.id, organisation_id=o.id)
                     for o in {o.id: o for o in organisations}.values()])
    session.add_all([PartnershipMember(partnership_id=partnership.id, authority_id=a.id)
                     for a in {a.id: a for a in authorities}.values()])
    for organisation in organisations if project is not None else ():
        _link_once(session, project, role, organisation)
    session.flush()
    return partnership


def add_activity(*, session: Session, partnership: Partnership, kind: str, title: str, held_on: date,
                 actor: User, participants: int | None = None, outcome: str | None = None) -> PartnershipActivity:
    """Log a peer exchange, training or visit and its outcome."""
    if not title.strip():
        raise ServiceError(_("the activity needs a title"), field="title")
    check_values(PartnershipActivity, {"kind": kind, "title": title.strip(), "participants": participants,
                                       "outcome": outcome})
    activity = PartnershipActivity(partnership_id=partnership.id, kind=kind, title=title.strip(), held_on=held_on,
                                   participants=participants, outcome=(outcome or "").strip() or None,
                                   created_by_id=actor.id)
    session.add(activity)
    session.flush()
    return activity


def get_partnership(*, session: Session, partnership_id: int) -> Partnership:
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound(_("no partnership %(partnership_id)s", partnership_id=partnership_id))
    return partnership


@dataclass
class PartnershipSummary:
    partnership: Partnership
    organisations: list[Organisation] = field(default_factory=list)
    authorities: list[Authority] = field(default_factory=list)
    activity_count: int = 0
    last_activity: date | None = None
    activities: list[PartnershipActivity] = field(default_factory=list)
    project: Project | None = None


def summaries(*, session: Session, authority: Authority | None = None, organisation_id: int | None = None,
              project_id: int | None = None, with_activities: bool = False) -> list[PartnershipSummary]:
    """Partnerships of an authority's subtree, of an organisation or of a project (or all), in four queries."""
    query = select(Partnership)
    if authority is not None:
        query = query.where(Partnership.id.in_(
            select(PartnershipMember.partnership_id).join(Authority, Authority.id == PartnershipMember.authority_id)
            .where(Authority.path.startswith(authority.path, autoescape=True))))
    if organisation_id is not None:
        query = query.where(Partnership.id.in_(
            select(PartnershipMember.partnership_id).where(PartnershipMember.organisation_id == organisation_id)))
    if project_id is not None:
        query = query.where(Partnership.project_id == project_id)
    found = {p.id: PartnershipSummary(p) for p in session.exec(query.order_by(Partnership.created_at.desc(),
                                                                                Partnership.id.desc()))}
    if not found:
        return []
    ids = list(found)
    for member, org, auth in session.exec(
            select(PartnershipMember, Organisation, Authority)
            .outerjoin(Organisation, Organisation.id == PartnershipMember.organisation_id)
            .outerjoin(Authority, Authority.id == PartnershipMember.authority_id)
            .where(PartnershipMember.partnership_id.in_(ids)).order_by(PartnershipMember.id)):
        target = found[member.partnership_id]
        (target.organisations if org is not None else target.authorities).append(org or auth)
    if with_activities:
        for activity in session.exec(select(PartnershipActivity).where(PartnershipActivity.partnership_id.in_(ids))
                                     .order_by(PartnershipActivity.held_on.desc(), PartnershipActivity.id.desc())):
            found[activity.partnership_id].activities.append(activity)
    for partnership_id, count, last in session.exec(
            select(PartnershipActivity.partnership_id, func.count(), func.max(PartnershipActivity.held_on))
            .where(PartnershipActivity.partnership_id.in_(ids)).group_by(PartnershipActivity.partnership_id)):
        found[partnership_id].activity_count, found[partnership_id].last_activity = count, last
    project_ids = {s.partnership.project_id for s in found.values() if s.partnership.project_id}
    if project_ids:
        projects = {p.id: p for p in session.exec(select(Project).where(Project.id.in_(project_ids)))}
        for summary in found.values():
            summary.project = projects.get(summary.partnership.project_id)
    return list(found.values())


def partnership_summary(*, session: Session, partnership: Partnership) -> PartnershipSummary:
    """One partnership with its members, activities and project (three queries)."""
    summary = PartnershipSummary(partnership)
    for _member, org, auth in session.exec(
            select(PartnershipMember, Organisation, Authority)
            .outerjoin(Organisation, Organisation.id == PartnershipMember.organisation_id)
            .outerjoin(Authority, Authority.id == PartnershipMember.authority_id)
            .where(PartnershipMember.partnership_id == partnership.id).order_by(PartnershipMember.id)):
        (summary.organisations if org is not None else summary.authorities).append(org or auth)
    summary.activities = list(session.exec(
        select(PartnershipActivity).where(PartnershipActivity.partnership_id == partnership.id)
        .order_by(PartnershipActivity.held_on.desc(), PartnershipActivity.id.desc())))
    summary.activity_count = len(summary.activities)
    summary.last_activity = summary.activities[0].held_on if summary.activities else None
    summary.project = session.get(Project, partnership.project_id) if partnership.project_id else None
    return summary


@dataclass(frozen=True)
class PrincipleEvidence:
    """What partnerships show for a project: P6 (partners mobilised, money) and P7 (expertise built)."""

    p6: list[str]
    p7: list[str]


def evidence_for_projects(*, session: Session, project_ids: Sequence[int]) -> dict[int, PrincipleEvidence]:
    """Plain-data evidence per project for reports and the rules engine (two queries).

    P6: a partnership that co-finances (with its amount). P7: twinning or technical assistance, and every
    logged activity (training, exchange, visit) with its date.
    """
    if not project_ids:
        return {}
    p6: dict[int, list[str]] = defaultdict(list)
    p7: dict[int, list[str]] = defaultdict(list)
    partnerships = list(session.exec(select(Partnership).where(Partnership.project_id.in_(list(project_ids)))))
    for p in partnerships:
        if p.role == PartyRole.CO_FINANCER:
            p6[p.project_id].append(f"{p.name}: {p.amount or 0} {p.currency or ''}".strip())
        else:
            p7[p.project_id].append(f"{p.name} ({p.role})")
    by_id = {p.id: p for p in partnerships}
    if by_id:
        for activity in session.exec(select(PartnershipActivity).where(
                PartnershipActivity.partnership_id.in_(list(by_id))).order_by(PartnershipActivity.held_on)):
            p7[by_id[activity.partnership_id].project_id].append(
                f"{activity.held_on.isoformat()} {activity.kind}: {activity.title}")
    return {pid: PrincipleEvidence(p6=p6.get(pid, []), p7=p7.get(pid, [])) for pid in project_ids}


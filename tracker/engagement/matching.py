"""Needs ranked by fit for one partner, each with the reasons for its rank.

Like a rules engine's explanation: every criterion is listed with whether it matched, the points it gave and
the values compared, so a partner sees why a need ranks where it does. Four queries whatever the number of needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from tracker.core.models import Authority
from tracker.core.vocab import NeedStatus
from tracker.engagement.models import Need, Offer, PartnerProfile, Partnership, PartnershipMember, codes
from tracker.projects.models import Project, ProjectParty

#: Points per criterion: what the partner can do weighs more than how it would talk or whom it knows.
WEIGHTS = {"help_kind": 3, "sector": 3, "language": 2, "ties": 2}


@dataclass(frozen=True)
class Reason:
    criterion: str  # help_kind, sector, language, ties
    matched: bool
    points: int
    need_values: tuple[str, ...]
    partner_values: tuple[str, ...]


@dataclass
class Match:
    need: Need
    authority: Authority
    project: Project | None
    score: int = 0
    reasons: list[Reason] = field(default_factory=list)
    already_offered: bool = False


def rank_needs(*, session: Session, profile: PartnerProfile, limit: int = 50) -> list[Match]:
    """Open, visible needs for ``profile``, best fit first, then the nearest deadline."""
    rows = session.exec(
        select(Need, Authority, Project).join(Authority, Authority.id == Need.authority_id)
        .outerjoin(Project, Project.id == Need.project_id)
        .where(Need.status == NeedStatus.OPEN, Need.is_hidden.is_(False))).all()
    tied_authorities = set(session.exec(
        select(PartnershipMember.authority_id).where(PartnershipMember.authority_id.is_not(None),
                                                     PartnershipMember.partnership_id.in_(
            select(PartnershipMember.partnership_id)
            .where(PartnershipMember.organisation_id == profile.organisation_id)))))
    tied_projects = set(session.exec(select(ProjectParty.project_id).where(
        ProjectParty.organisation_id == profile.organisation_id)))
    tied_projects |= set(session.exec(select(Partnership.project_id).join(
        PartnershipMember, PartnershipMember.partnership_id == Partnership.id).where(
        PartnershipMember.organisation_id == profile.organisation_id, Partnership.project_id.is_not(None))))
    offered = set(session.exec(select(Offer.need_id).where(Offer.partner_id == profile.id)))
    partner = {"help_kind": tuple(codes(profile.help_kinds)), "sector": tuple(codes(profile.sectors)),
               "language": tuple(codes(profile.languages))}
    matches = []
    for need, authority, project in rows:
        match = Match(need, authority, project, already_offered=need.id in offered)
        match.reasons = [
            _reason("help_kind", (need.help_kind,), partner["help_kind"]),
            _reason("sector", (need.sector,) if need.sector else (), partner["sector"]),
            _reason("language", tuple(codes(need.languages)), partner["language"]),
            Reason("ties", authority.id in tied_authorities or need.project_id in tied_projects,
                   WEIGHTS["ties"] if (authority.id in tied_authorities or need.project_id in tied_projects) else 0,
                   (authority.name_uk,), ()),
        ]
        match.score = sum(reason.points for reason in match.reasons)
        matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.need.needed_by is None, m.need.needed_by or 0, -m.need.id))
    return matches[:limit]


def _reason(criterion: str, need_values: tuple[str, ...], partner_values: tuple[str, ...]) -> Reason:
    matched = bool(set(need_values) & set(partner_values))
    return Reason(criterion, matched, WEIGHTS[criterion] if matched else 0, need_values, partner_values)

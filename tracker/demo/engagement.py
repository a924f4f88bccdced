"""Demo data of the engagement mechanism: partners, needs, an offer, a twinning partnership with activities.

Loaded idempotently from ``demo_data/engagement.yaml``: partners are found by e-mail, needs by title, so
a second run creates nothing. ``load_engagement_demo`` is meant to be called from ``services.demo``.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.core.models import Authority, Organisation
from tracker.core.vocab import Role
from tracker.engagement.models import Need, Partnership
from tracker.engagement.needs import NeedCreate, create_need
from tracker.engagement.partners import Registration, confirm_partner, get_profile_by_email, register_partner
from tracker.engagement.partnerships import add_activity, create_partnership
from tracker.projects.models import Project

DATA_FILE = Path(__file__).resolve().parents[1] / "demo_data" / "engagement.yaml"


def load_engagement_demo(*, session: Session, password: str) -> dict[str, int]:
    """Create what is missing of the engagement demo; return counts of what was created."""
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    counts = {"partners": 0, "needs": 0, "partnerships": 0}
    admin = session.exec(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
    if admin is None:
        return counts
    for spec in data["partners"]:
        if session.exec(select(User.id).where(User.email == spec["email"])).first() is None:
            profile = register_partner(session=session, registration=Registration(
                email=spec["email"], contact_name=spec["contact"], password=password,
                organisation_name=spec["organisation"], organisation_name_en=spec.get("organisation_en"),
                kind=spec["kind"], country=spec["country"], website=spec.get("website"),
                languages=spec["languages"], sectors=spec["sectors"], help_kinds=spec["help_kinds"],
                about=spec.get("about")), rate_key="demo", rate_limit=10**6)
            if spec.get("confirmed", True):
                confirm_partner(session=session, profile=profile, admin=admin)
            counts["partners"] += 1
    for spec in data["needs"]:
        if session.exec(select(Need.id).where(Need.title_uk == spec["title_uk"])).first() is not None:
            continue
        authority = session.exec(select(Authority).where(Authority.code == spec["authority"])).first()
        if authority is None:
            continue
        project = (session.exec(select(Project).where(Project.dream_code == spec["project"])).first()
                   if spec.get("project") else None)
        if spec.get("project") and (project is None or project.authority_id != authority.id):
            continue
        create_need(session=session, authority=authority, actor=admin, project=project, data=NeedCreate(
            help_kind=spec["help_kind"], title_uk=spec["title_uk"], title_en=spec.get("title_en"),
            description_uk=spec.get("description_uk"), description_en=spec.get("description_en"),
            capacity_area=spec.get("capacity_area"), sector=spec.get("sector"),
            amount=Decimal(str(spec["amount"])) if spec.get("amount") else None,
            currency=spec.get("currency", "EUR"), effort_days=spec.get("effort_days"),
            needed_by=date.fromisoformat(str(spec["needed_by"])) if spec.get("needed_by") else None,
            languages=tuple(spec.get("languages", ()))))
        counts["needs"] += 1
    for spec in data["partnerships"]:
        if session.exec(select(Partnership.id).where(Partnership.name == spec["name"])).first() is not None:
            continue
        organisations = [session.get(Organisation, get_profile_by_email(session=session, email=e).organisation_id)
                         for e in spec["partners"]]
        authorities = list(session.exec(select(Authority).where(Authority.code.in_(spec["authorities"]))))
        if len(authorities) != len(spec["authorities"]):
            continue
        partnership = create_partnership(session=session, name=spec["name"], kind=spec["kind"], role=spec["role"],
                                         organisations=organisations, authorities=authorities, actor=admin,
                                         started_on=date.fromisoformat(str(spec["started_on"])))
        for activity in spec.get("activities", ()):
            add_activity(session=session, partnership=partnership, kind=activity["kind"], title=activity["title"],
                         held_on=date.fromisoformat(str(activity["held_on"])), actor=admin,
                         participants=activity.get("participants"), outcome=activity.get("outcome"))
        counts["partnerships"] += 1
    return counts

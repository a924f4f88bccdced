"""Demo data that looks like the real thing: real units and DREAM titles, partner cities, money, people.

Everything is read from ``tracker/demo_data/`` (shipped with the code, so a fresh clone needs nothing
else) and loaded idempotently: units are found by KATOTTG code, organisations by name, users by e-mail and
projects by DREAM code, so a second run creates nothing.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import yaml
from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.accounts.operations import create_user, scope_paths
from tracker.core.errors import ServiceError
from tracker.core.hierarchy import add_authority, is_within
from tracker.core.katottg import find_or_create_root
from tracker.core.models import Authority, Organisation
from tracker.core.vocab import AuthorityLevel, ProjectState, Role, Stage
from tracker.demo.engagement import load_engagement_demo
from tracker.demo.stages import add_stage_data
from tracker.governance.rule_context import in_uah, parse_exchange_rates
from tracker.projects.models import Project, StageHistory
from tracker.projects.operations import ProjectCreate, add_funding_line, create_project, link_party

DATA_DIR = Path(__file__).resolve().parent.parent / "demo_data"
#: Shared by every demo account and printed by ``make run``: for a local demo only, never in production.
DEMO_PASSWORD = "demo-password"  # noqa: S105  (the local demo's, printed by make run)
DEMO_USERS = (
    {"email": "admin@vidnova.demo", "name": "Demo Admin", "role": Role.ADMIN, "locale": "uk"},
    {"email": "planner.kharkiv@vidnova.demo", "name": "Олена Коваленко (demo)", "role": Role.PLANNER,
     "authority_codes": ("UA63000000000041885",), "locale": "uk"},  # Kharkiv Oblast
    {"email": "planner.irpin@vidnova.demo", "name": "Андрій Мельник (demo)", "role": Role.PLANNER,
     "authority_codes": ("UA32080150000035443",), "locale": "uk"},  # Irpin urban hromada
    {"email": "auditor@vidnova.demo", "name": "Demo Auditor", "role": Role.AUDITOR, "locale": "en"},
    {"email": "moderator@vidnova.demo", "name": "Demo Moderator", "role": Role.MODERATOR, "locale": "uk"},
)
#: Who each demo account is, as ``make run`` prints it beside the login (the partner comes from engagement).
DEMO_WHO = {
    "admin@vidnova.demo": "administrator, all of Ukraine",
    "planner.kharkiv@vidnova.demo": "planner of Kharkiv Oblast (oblast level)",
    "planner.irpin@vidnova.demo": "planner of Irpin urban hromada",
    "auditor@vidnova.demo": "auditor, all of Ukraine",
    "moderator@vidnova.demo": "moderator of citizens' questions and photos",
    "partner.krakow@vidnova.demo": "EU partner: City of Kraków",
}
LANGUAGES = {"uk": "Ukrainian", "en": "English"}
#: What is built, by sector, for projects whose record does not say (CoST IDS item 3).
SUBSECTORS = {
    "education": "Заклад освіти", "health": "Заклад охорони здоров'я",
    "waterAndWaste": "Водопостачання та водовідведення", "energy": "Теплопостачання",
    "energy.solar": "Сонячна електростанція", "transport.road": "Автомобільна дорога та міст",
    "socialHousing": "Багатоквартирний житловий будинок", "cultureSportsAndRecreation": "Заклад культури і спорту",
    "governance": "Центр надання адміністративних послуг",
}
#: The demo's stage data expresses money in hryvnias at the default planning rates.
_RATES = parse_exchange_rates("")
COUNTED = ("authorities", "organisations", "users", "projects", "funding_lines", "parties", "stage_moves",
           "partners", "needs", "partnerships")


def load_demo(*, session: Session) -> dict:
    """Load whatever of the demo is missing; return what was created and the demo logins."""
    counts: Counter = Counter()
    units = _load_geography(session, counts)
    organisations = _load_organisations(session, counts)
    users = _load_users(session, counts)
    _load_projects(session, counts, units, organisations, users)
    counts.update(load_engagement_demo(session=session, password=DEMO_PASSWORD))
    accounts = {user.email: user for user in session.exec(select(User).where(User.email.in_(list(DEMO_WHO))))}
    return {**{name: counts[name] for name in COUNTED},
            "logins": [{"email": email, "role": str(accounts[email].role), "who": who, "password": DEMO_PASSWORD,
                        "language": LANGUAGES.get(accounts[email].locale, accounts[email].locale)}
                       for email, who in DEMO_WHO.items() if email in accounts]}


def _read_yaml(name: str):
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def _load_geography(session: Session, counts: Counter) -> dict[str | None, Authority]:
    """Level-1 units, raions, hromadas and hromada centres, by code (the root under ``None``)."""
    geography = json.loads((DATA_DIR / "geography.json").read_text(encoding="utf-8"))
    had_root = session.exec(select(Authority.id).where(Authority.level == AuthorityLevel.NATIONAL)).first()
    root = find_or_create_root(session=session)
    counts["authorities"] += had_root is None
    records = [(AuthorityLevel.OBLAST, None, r) for r in geography["level1"]]
    records += [(AuthorityLevel.RAION, r["parent"], r) for r in geography["raions"]]
    records += [(AuthorityLevel.HROMADA, r["parent"], r) for r in geography["hromadas"]]
    records += [(AuthorityLevel.SETTLEMENT, r["code"], r["centre"]) for r in geography["hromadas"] if "centre" in r]
    codes = [record["code"] for _level, _parent, record in records]
    units: dict[str | None, Authority] = {None: root}
    units.update({a.code: a for a in session.exec(select(Authority).where(Authority.code.in_(codes)))})
    for level, parent_code, record in records:
        unit = units.get(record["code"])
        if unit is None:
            units[record["code"]] = add_authority(
                session=session, name_uk=record["name_uk"], name_en=record["name_en"], level=level,
                parent=units[parent_code], code=record["code"], category=record.get("category") or _CATEGORY[level])
            counts["authorities"] += 1
        elif not unit.name_en:  # e.g. imported from the codifier, which has Ukrainian names only
            unit.name_en = record["name_en"]
    session.flush()
    return units


_CATEGORY = {AuthorityLevel.RAION: "P", AuthorityLevel.HROMADA: "H"}


def _load_organisations(session: Session, counts: Counter) -> dict[str, Organisation]:
    records = _read_yaml("organisations.yaml")
    existing = {o.name: o for o in session.exec(
        select(Organisation).where(Organisation.name.in_([r["name"] for r in records])))}
    found = {}
    for record in records:
        fields = {key: value for key, value in record.items() if key != "key"}
        organisation = existing.get(record["name"])
        if organisation is None:
            organisation = Organisation(**fields)
            session.add(organisation)
            counts["organisations"] += 1
        found[record["key"]] = organisation
    session.flush()
    return found


def _load_users(session: Session, counts: Counter) -> dict[str, User]:
    emails = [spec["email"] for spec in DEMO_USERS]
    users = {u.email: u for u in session.exec(select(User).where(User.email.in_(emails)))}
    for spec in DEMO_USERS:
        if spec["email"] not in users:
            users[spec["email"]] = create_user(session=session, password=DEMO_PASSWORD, **spec)
            counts["users"] += 1
    return users


def _load_projects(session: Session, counts: Counter, units: dict, organisations: dict, users: dict) -> None:
    records = _read_yaml("projects.yaml")
    known = set(session.exec(select(Project.dream_code).where(
        Project.dream_code.in_([r["dream_code"] for r in records]))))
    planners = [(user, scope_paths(session=session, user=user)) for user in users.values()
                if user.role == Role.PLANNER]
    oblasts = {code[:4]: unit for code, unit in units.items() if unit.level == AuthorityLevel.OBLAST}
    for record in records:
        if record["dream_code"] in known:
            continue
        owner = units[record["owner"]]
        # Moves are signed by the planner whose scope holds the project, else by the admin.
        actor = next((user for user, paths in planners if is_within(owner, paths)), users["admin@vidnova.demo"])
        project = _create(session, record, owner, actor)
        counts["projects"] += 1
        counts["stage_moves"] += _move(session, project, record, actor)
        payers = {"owner": owner, "oblast": oblasts[owner.code[:4]], "state": units[None]}
        lines = []
        for line in record["funding"]:
            payer = payers.get(line["by"])
            lines.append(add_funding_line(session=session, project=project, source=line["source"],
                             amount_committed=Decimal(line["committed"]),
                             amount_disbursed=Decimal(line["disbursed"]), currency=line["currency"],
                             financier_authority=payer,
                             financier_organisation=None if payer else organisations[line["by"]],
                             note=line.get("note")))
            counts["funding_lines"] += 1
        add_stage_data(session=session, project=project, stage_dates=record["stages"], funding=lines,
                       to_uah=lambda amount, currency: in_uah(amount, currency, _RATES))
        for role, key in record["parties"]:
            link_party(session=session, project=project, role=role, organisation=organisations[key])
            counts["parties"] += 1


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _create(session: Session, record: dict, owner: Authority, actor: User) -> Project:
    latitude, longitude = record.get("coordinates") or (None, None)
    centre = session.exec(select(Authority.code).where(Authority.parent_id == owner.id,
                                                       Authority.level == AuthorityLevel.SETTLEMENT)).first()
    data = ProjectCreate(
        title_uk=record["title_uk"], title_en=record["title_en"], description_uk=record["description_uk"],
        description_en=record["description_en"], sector=record["sector"],
        subsector=record.get("subsector") or SUBSECTORS.get(record["sector"]), project_type=record["type"],
        purpose=record["purpose"], location_code=record.get("location") or centre or owner.code,
        latitude=latitude, longitude=longitude, address=record.get("address"),
        is_public=record.get("is_public", True), dream_code=record["dream_code"])
    first_stage, first_day = next(iter(record["stages"].items()))
    return create_project(session=session, authority=owner, data=data, actor_id=actor.id, stage=first_stage,
                          created_at=_at(first_day))


def _move(session: Session, project: Project, record: dict, actor: User) -> int:
    """Replay the stage moves (and a final suspension or cancellation); return how many were recorded."""
    stages = list(record["stages"].items())
    expected = [stage.value for stage in Stage][:len(stages)]
    if [stage for stage, _day in stages] != expected:
        raise ServiceError(f"demo project {record['dream_code']}: stages must run {expected}")
    moves = 1  # create_project recorded the first stage
    for (previous, _), (stage, day) in pairwise(stages):
        session.add(StageHistory(project_id=project.id, from_stage=previous, to_stage=stage,
                                 moved_at=_at(day), moved_by_id=actor.id))
        project.stage, project.updated_at = stage, _at(day)
        moves += 1
    state = {key: value for key, value in (record.get("state") or {}).items() if key != "note"}
    for name, day in state.items():
        project.state = ProjectState(name)
        project.updated_at = _at(day)
        session.add(StageHistory(project_id=project.id, from_stage=project.stage, to_stage=name,
                                 moved_at=_at(day), moved_by_id=actor.id, note=record["state"].get("note")))
        moves += 1
    session.flush()
    return moves

"""A realistic national portfolio for the benchmarks, written into any database the app runs on.

Geography is the real KATOTTG codifier (``../shared/data/katottg``) loaded with the app's own importer, as
``vidnova import katottg`` does: all oblasts, raions, hromadas and settlements. Projects are spread over all
1,469 hromadas outside occupied Crimea and Sevastopol (every hromada gets at least one once there are enough
projects; the rest follow DREAM's real project counts per hromada, so Irpin has many and most have a few), with
a share owned by oblasts as programmes whose sub-projects are hromada projects. Titles are DREAM's real titles
of the hromada when it has some, else titles of the project's sector naming its real settlement.

Every project has a needs assessment; from planning on a plan, permits and indicators; from implementation on
contracts (with variations), disbursements, progress observations and milestones; completed ones a completion
record. Funding lines come from two to four levels in UAH, EUR and USD with real financiers. Parties, stage
moves, public and restricted documents (rows only: no page reads the files) and the change history
(``change_record``) come with them. Dates run over 2022–2026, ``created_at`` included; about 10 % of projects are
not public.

Rows are written with bulk Core inserts (``insert(Model)`` with lists of dicts) in chunks of projects, because
generating is not what is measured. Evaluations are not generated: they are computed by the app
(``evaluate_projects``) and stored through ``store()`` (which also writes ``evaluation_score`` and the audit
trail), in three rounds with data added between them, so each project has three stored evaluations, the last
one flagged latest. Usage:

    .venv/bin/python -m benchmarks.portfolio_generator --database-url URL [--projects 20000] [--reset]

URL is a SQLite file (``sqlite:////tmp/bench.sqlite3``) or PostgreSQL
(``postgresql+psycopg://postgres:postgres@127.0.0.1:5432/vidnova_bench``; the database is created when missing).
``--reset`` empties a database whose name contains ``bench`` first; ``--reuse`` keeps one that already holds
exactly that many generated projects.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

import yaml
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from tracker.accounts.models import User, UserAuthority
from tracker.core.identifiers import is_edrpou
from tracker.core.katottg import import_codifier
from tracker.core.models import Authority, Organisation
from tracker.governance.evaluations import TRIGGER_CHANGE, TRIGGER_MANUAL, evaluate_projects, store
from tracker.governance.models import Evaluation, EvaluationScore
from tracker.planning import registry
from tracker.planning.document_models import Document
from tracker.planning.history_models import ChangeRecord
from tracker.planning.models import (
    Contract,
    ContractVariation,
    Disbursement,
    Indicator,
    Milestone,
    NeedsAssessment,
    Permit,
    ProgressObservation,
    ProjectCompletion,
    ProjectImplementation,
    ProjectPlan,
)
from tracker.projects import search as project_search
from tracker.projects.models import FundingLine, Project, ProjectParty, StageHistory
from tracker.projects.operations import make_reference

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CODIFIER = SHARED / "katottg" / "kodifikator-16-05-2025.csv"
DREAM_FILE = SHARED / "dream" / "dream-priorities.json"
ORGANISATIONS = Path(__file__).resolve().parents[1] / "tracker" / "demo_data" / "organisations.yaml"
#: Occupied: no projects are registered there (AR Crimea, Sevastopol).
OCCUPIED = ("UA01", "UA85")
STAGES = ("needs_assessment", "planning", "implementation", "completed")
STAGE_WEIGHTS = (20, 30, 35, 15)
FIRST_DAY = date(2022, 3, 1)
LAST_DAY = date(2026, 11, 20)
CHUNK = 1000  # projects per batch of inserts
EVALUATION_CHUNK = 500  # projects per evaluate_projects + store
RATES = {"UAH": Decimal(1), "EUR": Decimal("45.00"), "USD": Decimal("41.50")}
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105  (accounts of a throwaway benchmark database)

DREAM_SECTORS = {"Освіта": "education", "Охорона здоров'я": "health", "Вода / каналізація (ЖКГ)": "waterAndWaste",
                 "Енергетика (ВДЕ)": "energy", "Транспорт / логістика": "transport.road",
                 "Культура / спадщина": "cultureSportsAndRecreation", "Відновлення / реконструкція": "socialHousing",
                 "Безпека / ЦЗ": "governance", "Соціальні послуги": "socialHousing", "Е-врядування": "governance",
                 "Довкілля / екологія": "naturalResources.floodProtection", "Туризм": "cultureSportsAndRecreation"}
#: Titles by sector for hromadas without DREAM titles; {place} is a real settlement of the hromada.
TITLES = {
    "education": ("Капітальний ремонт будівлі ліцею № {n} у {place}", "Облаштування укриття в закладі дошкільної "
                  "освіти № {n} у {place}", "Відновлення спортивного залу гімназії № {n}, {place}",
                  "Реконструкція будівлі опорного закладу освіти в {place}"),
    "health": ("Капітальний ремонт приймального відділення лікарні, {place}", "Відновлення амбулаторії загальної "
               "практики сімейної медицини в {place}", "Облаштування укриття центру первинної медичної допомоги, "
               "{place}"),
    "waterAndWaste": ("Реконструкція водопровідних мереж у {place}", "Будівництво каналізаційних очисних споруд, "
                      "{place}", "Відновлення водозабірної свердловини № {n} у {place}"),
    "energy": ("Встановлення когенераційної установки в котельні № {n}, {place}", "Модернізація системи "
               "теплопостачання в {place}", "Термомодернізація адміністративної будівлі в {place}"),
    "energy.solar": ("Будівництво сонячної електростанції на даху лікарні в {place}",),
    "transport.road": ("Капітальний ремонт автомобільної дороги комунальної власності в {place}",
                       "Відновлення мосту через річку в {place}", "Поточний середній ремонт вулиці Шевченка, {place}"),
    "socialHousing": ("Відновлення багатоквартирного житлового будинку по вул. Центральній, {n}, {place}",
                      "Будівництво соціального житла для внутрішньо переміщених осіб у {place}"),
    "cultureSportsAndRecreation": ("Реставрація будинку культури в {place}", "Відновлення стадіону в {place}"),
    "governance": ("Облаштування Центру надання адміністративних послуг у {place}",
                   "Будівництво захисної споруди цивільного захисту в {place}"),
    "naturalResources.floodProtection": ("Відновлення дамби та берегоукріплення в {place}",),
    "transport.urban": ("Оновлення рухомого складу громадського транспорту, {place}",),
}
SECTOR_WEIGHTS = {"education": 26, "health": 12, "waterAndWaste": 12, "energy": 10, "energy.solar": 3,
                  "transport.road": 12, "socialHousing": 12, "cultureSportsAndRecreation": 5, "governance": 5,
                  "naturalResources.floodProtection": 2, "transport.urban": 1}
RDNA = {"education": "education", "health": "health", "waterAndWaste": "water_sanitation", "energy": "energy",
        "energy.solar": "energy", "transport.road": "transport", "transport.urban": "transport",
        "socialHousing": "housing", "cultureSportsAndRecreation": "culture", "governance": "public_administration",
        "naturalResources.floodProtection": "environment"}
PLACE_PREFIX = {"M": "м. ", "X": "сел. ", "C": "с."}
SUPPLIER_STEMS = ("Будівельна компанія", "Будтрест", "Шляхбуд", "Енергомонтаж", "Водоканалбуд", "Реставратор",
                  "Інженерні мережі", "Теплосервіс", "Спецбуд", "Відбудова")
SUPPLIER_CITIES = ("Київ", "Харків", "Львів", "Дніпро", "Одеса", "Полісся", "Поділля", "Слобожанщина", "Буковина",
                   "Волинь", "Запоріжжя", "Чернігів", "Суми", "Полтава", "Миколаїв")
MANAGERS = ("Оксана Бондаренко", "Ігор Ткаченко", "Марина Шевчук", "Тарас Кравченко", "Наталія Мельник",
            "Андрій Коваль", "Олена Бойко", "Сергій Поліщук", "Ірина Савченко", "Богдан Лисенко")
VARIATION_REASONS = ("Подорожчання будівельних матеріалів.", "Додаткові обсяги робіт, виявлені під час розкриття "
                     "конструкцій.", "Зміна строків через повітряні тривоги та відключення електроенергії.",
                     "Коригування проєктної документації за результатами експертизи.",
                     "Зменшення обсягів робіт за рішенням замовника.")
DOCUMENTS_BY_STAGE = {
    "needs_assessment": ("needsAssessment", "illustrationDamaged", "illustrationBefore", "feasibilityStudy"),
    "planning": ("projectPlan", "projectScope", "budgetApproval", "hearingNotice", "minutes", "environmentalImpact",
                 "socialImpact", "riskProvisions", "designReport", "permissionDocument", "procurementPlan",
                 "financialAgreement"),
    "implementation": ("tenderNotice", "contractSigned", "contractAmendment", "paymentCertificate",
                       "physicalProgressReport", "financialProgressReport", "illustrationInProgress"),
    "completed": ("completionCertificate", "illustrationComplete", "financialAuditReport", "technicalAuditReport",
                  "projectEvaluation"),
}
DOCUMENT_TITLES = {
    "needsAssessment": "Акт обстеження пошкодженого об'єкта", "illustrationDamaged": "Фото пошкоджень",
    "illustrationBefore": "Фото до початку робіт", "feasibilityStudy": "Техніко-економічне обґрунтування",
    "projectPlan": "Проєктна документація", "projectScope": "Технічне завдання", "budgetApproval": "Рішення про "
    "бюджет", "hearingNotice": "Оголошення про громадське обговорення", "minutes": "Протокол громадського "
    "обговорення", "environmentalImpact": "Висновок щодо впливу на довкілля", "socialImpact": "Оцінка соціального "
    "впливу", "riskProvisions": "Реєстр ризиків", "designReport": "Експертний звіт", "permissionDocument": "Дозвіл "
    "на виконання будівельних робіт", "procurementPlan": "Річний план закупівель", "financialAgreement": "Угода про "
    "співфінансування", "tenderNotice": "Оголошення про закупівлю", "contractSigned": "Договір підряду",
    "contractAmendment": "Додаткова угода до договору", "paymentCertificate": "Акт приймання виконаних робіт "
    "(КБ-2в)", "physicalProgressReport": "Звіт технагляду", "financialProgressReport": "Фінансовий звіт",
    "illustrationInProgress": "Фото ходу робіт", "completionCertificate": "Сертифікат готовності об'єкта",
    "illustrationComplete": "Фото завершеного об'єкта", "financialAuditReport": "Звіт фінансового аудиту",
    "technicalAuditReport": "Звіт технічного аудиту", "projectEvaluation": "Звіт про оцінку результатів",
}
#: What is built, by sector (CoST IDS item 3), as the demo says it.
SUBSECTORS = {
    "education": "Заклад освіти", "health": "Заклад охорони здоров'я",
    "waterAndWaste": "Водопостачання та водовідведення", "energy": "Теплопостачання",
    "energy.solar": "Сонячна електростанція", "transport.road": "Автомобільна дорога та міст",
    "transport.urban": "Міський електротранспорт", "socialHousing": "Багатоквартирний житловий будинок",
    "cultureSportsAndRecreation": "Заклад культури і спорту", "governance": "Центр надання адміністративних послуг",
    "naturalResources.floodProtection": "Гідротехнічна споруда",
}
PHOTO_TYPES = {"illustrationDamaged", "illustrationBefore", "illustrationInProgress", "illustrationComplete"}


# --- database set-up ---------------------------------------------------------------------------------

def prepare_database(url: str, *, reset: bool) -> None:
    """Create a missing PostgreSQL database; with ``reset``, empty one whose name says it is for benchmarks."""
    parsed = make_url(url)
    name = parsed.database or ""
    if reset and "bench" not in Path(name).name:
        raise SystemExit(f"refusing to reset {name!r}: only databases whose name contains 'bench' are emptied")
    if parsed.get_backend_name() == "sqlite":
        if reset and name:
            for leftover in (name, f"{name}-wal", f"{name}-shm", f"{name}-journal"):
                Path(leftover).unlink(missing_ok=True)
        if name:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    from sqlalchemy import create_engine

    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    if reset:
        target = create_engine(parsed, isolation_level="AUTOCOMMIT")
        try:
            with target.connect() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        finally:
            target.dispose()


def sync_sequences(engine: Engine) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's id sequences past them."""
    if engine.dialect.name != "postgresql":
        return
    tables = [Organisation, User, Project, StageHistory, NeedsAssessment, ProjectPlan, ProjectImplementation,
              ProjectCompletion, Permit, Indicator, Contract, ContractVariation, Disbursement, ProgressObservation,
              Milestone, FundingLine, ProjectParty, Document, ChangeRecord]
    with engine.begin() as connection:
        for model in tables:
            name = model.__tablename__
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"))


# --- what exists: geography, organisations, people ----------------------------------------------------

@dataclass
class Hromada:
    id: int
    code: str
    name: str
    oblast_id: int
    places: list[tuple[str, str]]  # (KATOTTG code, "м. Ірпінь")
    titles: list[str] = field(default_factory=list)
    dream_codes: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    weight: int = 1


@dataclass
class World:
    root_id: int
    oblasts: dict[int, tuple[str, str]]  # id → (code, name)
    hromadas: list[Hromada]
    organisations: dict[str, list[tuple[int, str, str | None]]]  # kind → [(id, name, identifier)]
    eu_cities: list[int]
    planners: dict[int, int]  # authority id → planner user id
    admin_id: int


def load_geography(session: Session) -> int:
    """The real codifier through the app's importer (what ``vidnova import katottg`` runs)."""
    if not CODIFIER.exists():
        raise SystemExit(f"{CODIFIER} is missing: the benchmarks need ../shared/data beside the checkout")
    summary = import_codifier(session=session, path=CODIFIER)
    return summary.total


def _centre_first(hromada_name: str, places: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """The settlements, the hromada's centre (same stem, a town first) at the front."""
    stem = hromada_name.strip()[:4]
    ranked = sorted(places, key=lambda p: (not p[2].startswith(stem), {"M": 0, "X": 1, "C": 2}.get(p[1], 3)))
    return [(code, PLACE_PREFIX.get(category, "") + name) for code, category, name in ranked]


def read_world(session: Session) -> tuple[int, dict[int, tuple[str, str]], list[Hromada]]:
    rows = session.execute(select(Authority.id, Authority.code, Authority.level, Authority.category,
                                  Authority.name_uk, Authority.parent_id, Authority.path)
                           .order_by(Authority.code)).all()  # the same order (and data) on every backend
    root_id = next(r.id for r in rows if r.level == "national")
    oblasts = {r.id: (r.code, r.name_uk) for r in rows if r.category in ("O", "K") and not r.code.startswith(OCCUPIED)}
    settlements: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for r in rows:
        if r.level == "settlement":
            settlements[r.parent_id].append((r.code, r.category, r.name_uk.strip()))
    dream = {h["katottg"]: h for h in load_dream()}
    hromadas = []
    for r in rows:
        if r.category != "H" or r.code.startswith(OCCUPIED):
            continue
        oblast_id = int(r.path.strip("/").split("/")[1])
        record = dream.get(r.code, {})
        titles = [t.replace("\r\n", " ").replace("\n", " ").strip()[:480] for t in record.get("sample_titles") or []]
        hromadas.append(Hromada(
            id=r.id, code=r.code, name=r.name_uk.strip(), oblast_id=oblast_id,
            places=_centre_first(r.name_uk, settlements.get(r.id, [])) or [(r.code, r.name_uk.strip())],
            titles=[t for t in titles if t], dream_codes=list(record.get("sample_project_codes") or []),
            sectors=[DREAM_SECTORS[s] for s in record.get("top_sectors") or [] if s in DREAM_SECTORS],
            weight=max(1, int(record.get("project_count") or 1))))
    return root_id, oblasts, hromadas


def load_dream() -> list[dict]:
    if not DREAM_FILE.exists():
        raise SystemExit(f"{DREAM_FILE} is missing: the benchmarks need ../shared/data beside the checkout")
    return json.loads(DREAM_FILE.read_text(encoding="utf-8"))["hromadas"]


def _next_id(session: Session, model) -> int:
    return (session.execute(select(func.max(model.id))).scalar() or 0) + 1


def _edrpou_codes(rng: random.Random, count: int) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        stem = str(rng.randrange(3_000_000, 4_500_000))
        code = next((stem + str(d) for d in range(10) if is_edrpou(stem + str(d))), None)
        if code and code not in codes:
            codes.append(code)
    return codes


def load_parties(session: Session, rng: random.Random, oblasts: dict, hromadas: list[Hromada]) -> tuple[dict, list,
                                                                                                           dict, int]:
    """The demo's real EU cities, financiers and donors, 400 contractors; an admin, auditors and planners."""
    now = datetime.now(UTC)
    records = yaml.safe_load(ORGANISATIONS.read_text(encoding="utf-8"))
    org_id = _next_id(session, Organisation)
    organisations = []
    for record in records:
        if record["kind"] == "contractor":
            continue
        organisations.append({"id": org_id, **{k: v for k, v in record.items() if k != "key"}, "created_at": now})
        org_id += 1
    for code in _edrpou_codes(rng, 400):
        name = f"ТОВ «{rng.choice(SUPPLIER_STEMS)}-{rng.choice(SUPPLIER_CITIES)}-{code[-3:]}»"
        organisations.append({"id": org_id, "name": name, "name_uk": name, "kind": "contractor", "country": "UA",
                              "identifier": code, "created_at": now})
        org_id += 1
    session.execute(insert(Organisation), organisations)
    by_kind: dict[str, list] = defaultdict(list)
    for o in organisations:
        by_kind[o["kind"]].append((o["id"], o["name"], o.get("identifier")))
    eu_cities = [o["id"] for o in organisations if o["kind"] in ("eu_city", "eu_region")]

    password = generate_password_hash(BENCH_PASSWORD)
    user_id = _next_id(session, User)
    users = [{"id": user_id, "email": "admin@bench.vidnova.test", "name": "Bench Admin", "role": "admin"},
             {"id": user_id + 1, "email": "auditor@bench.vidnova.test", "name": "Bench Auditor", "role": "auditor"}]
    scopes, planners = [], {}
    busiest = sorted(hromadas, key=lambda h: -h.weight)[:120]
    for authority_id, code in [(i, c) for i, (c, _n) in oblasts.items()] + [(h.id, h.code) for h in busiest]:
        uid = user_id + len(users)
        users.append({"id": uid, "email": f"planner.{code.lower()}@bench.vidnova.test",
                      "name": f"{rng.choice(MANAGERS)} (bench)", "role": "planner"})
        scopes.append({"user_id": uid, "authority_id": authority_id})
        planners[authority_id] = uid
    for user in users:
        user.update(password_hash=password, locale="uk", is_active=True, failed_logins=0, created_at=now)
    session.execute(insert(User), users)
    session.execute(insert(UserAuthority), scopes)
    return dict(by_kind), eu_cities, planners, user_id


# --- projects ------------------------------------------------------------------------------------------

def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, clock(rng.randrange(8, 19), rng.randrange(60), rng.randrange(60)), tzinfo=UTC)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


@dataclass
class Plan:
    """What one project will be: decided up front so programmes exist before their sub-projects."""

    owner_id: int
    oblast_id: int
    hromada: Hromada | None
    stage: str
    is_programme: bool = False
    parent_id: int | None = None


class Portfolio:
    """Builds the rows of a portfolio chunk by chunk; ids are assigned here, so children need no read-back."""

    def __init__(self, session: Session, world: World, rng: random.Random):
        self.session, self.world, self.rng = session, world, rng
        self.next_ids = {model: _next_id(session, model) for model in (
            Project, StageHistory, NeedsAssessment, ProjectPlan, ProjectImplementation, ProjectCompletion, Permit,
            Indicator, Contract, ContractVariation, Disbursement, ProgressObservation, Milestone, FundingLine,
            ProjectParty, Document, ChangeRecord)}
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.counts: Counter = Counter()
        self.summary = {t.name: t.summary_field for t in registry.PROJECT_TABLES}
        #: Rows held back for later rounds: (contract row, project info) pairs.
        self.late: list[tuple[dict, dict]] = []

    def add(self, model, **values) -> dict:
        values["id"] = self.next_ids[model]
        self.next_ids[model] += 1
        self.rows[model].append(values)
        return values

    def flush(self) -> None:
        # Parents first: the foreign keys are checked on SQLite and PostgreSQL alike.
        order = (Project, StageHistory, NeedsAssessment, ProjectPlan, ProjectImplementation, ProjectCompletion,
                 Permit, Indicator, FundingLine, ProjectParty, Contract, ContractVariation, Disbursement,
                 ProgressObservation, Milestone, Document, ChangeRecord)
        for model in order:
            rows = self.rows.pop(model, [])
            if model is Project:
                rows.sort(key=lambda r: r["parent_id"] is not None)  # programmes before their sub-projects
            for start in range(0, len(rows), 5000):
                self.session.execute(insert(model), rows[start:start + 5000])
            self.counts[model.__tablename__] += len(rows)
            if model is Project:  # their search words, as the application keeps them
                project_search.rewrite(self.session.connection(), [row["id"] for row in rows])

    # history --------------------------------------------------------------------------------------------

    def change(self, project: dict, when: datetime, actor: int | None, entity: str, entity_id: int, action: str,
               field_name: str | None = None, old=None, new=None) -> None:
        if action == "create" and field_name is None:
            key = self.summary.get(entity)
            new = None if key is None else new
        self.add(ChangeRecord, project_id=project["id"], changed_at=when, actor_id=actor, entity=entity,
                 entity_id=entity_id, action=action, field=field_name,
                 old_value=None if old is None else str(old), new_value=None if new is None else str(new))

    # one project ------------------------------------------------------------------------------------------

    def project(self, plan: Plan) -> dict:
        rng, world = self.rng, self.world
        hromada = plan.hromada
        reached = STAGES.index(plan.stage)
        gaps = [rng.randrange(25, 200) for _ in range(reached)] + [rng.randrange(10, 120)]
        latest_start = LAST_DAY - timedelta(days=sum(gaps))
        span = max(1, (latest_start - FIRST_DAY).days)
        created = FIRST_DAY + timedelta(days=rng.randrange(span)) if latest_start > FIRST_DAY else FIRST_DAY
        days = [created]
        for gap in gaps[:-1]:
            days.append(min(LAST_DAY, days[-1] + timedelta(days=gap)))
        stage_days = dict(zip(STAGES, days, strict=False))
        sector, title = self._title(plan)
        place_code, place = (hromada.places[rng.randrange(min(3, len(hromada.places)))] if hromada
                             else (world.oblasts[plan.oblast_id][0], world.oblasts[plan.oblast_id][1]))
        actor = world.planners.get(plan.owner_id) or world.planners.get(plan.oblast_id) or world.admin_id
        state = rng.choices(("active", "suspended", "cancelled"), weights=(95, 3, 2))[0]
        created_at = _at(created, rng)
        located = rng.random() < 0.5
        project = self.add(
            Project, reference="", title_uk=title, title_en=None,
            description_uk=self._description(title, place, hromada), description_en=None, sector=sector,
            subsector=SUBSECTORS.get(sector) if rng.random() < 0.9 else None,
            project_type=rng.choices(("rehabilitation", "construction", "replacement", "expansion"),
                                     weights=(55, 25, 12, 8))[0],
            purpose=rng.choices(("restoration", "development"), weights=(65, 35))[0], authority_id=plan.owner_id,
            parent_id=plan.parent_id, location_code=place_code,
            latitude=round(rng.uniform(46.0, 51.5), 5) if located else None,
            longitude=round(rng.uniform(23.0, 39.5), 5) if located else None,
            address=f"{place}, вул. Центральна, {rng.randrange(1, 120)}" if rng.random() < 0.6 else None,
            is_public=rng.random() >= 0.10, dream_code=(f"DREAM-UA-{rng.choice(hromada.dream_codes)}"
                                                        if hromada and hromada.dream_codes and rng.random() < 0.8
                                                        else None),
            stage=plan.stage, state=state, version=1 + reached + rng.randrange(4), created_at=created_at,
            updated_at=created_at)
        project["reference"] = make_reference(project["id"], created.year)
        info = {"id": project["id"], "project": project, "days": stage_days, "actor": actor, "plan": plan,
                "budget": Decimal(rng.randrange(400, 180_000)) * 1000 * (8 if plan.is_programme else 1)}
        self.change(info, created_at, actor, "project", project["id"], "create", new=title)
        self._moves(info, state)
        self._funding(info)
        self._needs(info)
        if reached >= 1:
            self._planning(info)
        if reached >= 2:
            self._implementation(info)
        if reached == 3:
            self._completion(info)
        self._parties(info)
        self._edits(info)
        return info

    def _title(self, plan: Plan) -> tuple[str, str]:
        rng, hromada = self.rng, plan.hromada
        if plan.is_programme:
            name = self.world.oblasts[plan.oblast_id][1]
            sector = rng.choice(("education", "health", "waterAndWaste", "energy"))
            return sector, f"Обласна програма відновлення: {rng.choice(TITLES[sector]).split(' ')[0].lower()} " \
                           f"об'єкти, {name}"
        if hromada and hromada.titles and rng.random() < 0.5:
            sector = rng.choice(hromada.sectors) if hromada.sectors else "socialHousing"
            return sector, rng.choice(hromada.titles)
        sectors = list(SECTOR_WEIGHTS)
        if hromada and hromada.sectors and rng.random() < 0.5:
            sector = rng.choice(hromada.sectors)
        else:
            sector = rng.choices(sectors, weights=list(SECTOR_WEIGHTS.values()))[0]
        place = hromada.places[0][1] if hromada else ""
        return sector, rng.choice(TITLES[sector]).format(n=rng.randrange(1, 40), place=place)[:480]

    def _description(self, title: str, place: str, hromada: Hromada | None) -> str:
        community = f"{hromada.name} територіальна громада" if hromada else "область"
        return (f"{title}. Об'єкт розташований: {place} ({community}). Проєкт відновлює доступ мешканців до "
                f"базових послуг після пошкоджень, завданих збройною агресією, з урахуванням вимог "
                f"енергоефективності та безбар'єрності. Кошторисну документацію розроблено та погоджено в "
                f"установленому порядку; закупівлі проводяться через електронну систему Prozorro.")

    def _moves(self, info: dict, state: str) -> None:
        stages = list(info["days"].items())
        previous = None
        for stage, day in stages:
            when = _at(day, self.rng)
            self.add(StageHistory, project_id=info["id"], from_stage=previous, to_stage=stage, moved_at=when,
                     moved_by_id=info["actor"], note=None, evaluation_id=None, override_justification=None)
            if previous:
                self.change(info, when, info["actor"], "project", info["id"], "update", "stage", previous, stage)
            previous = stage
        if state != "active":
            day = min(LAST_DAY, stages[-1][1] + timedelta(days=self.rng.randrange(10, 90)))
            self.add(StageHistory, project_id=info["id"], from_stage=previous, to_stage=state,
                     moved_at=_at(day, self.rng), moved_by_id=info["actor"], note="Призупинено через бойові дії."
                     if state == "suspended" else "Скасовано рішенням ради.", evaluation_id=None,
                     override_justification=None)
        info["project"]["updated_at"] = _at(stages[-1][1], self.rng)

    def _funding(self, info: dict) -> None:
        rng, world, plan = self.rng, self.world, info["plan"]
        budget = info["budget"]
        lines = []
        if rng.random() < 0.8 or plan.hromada is None:
            lines.append(("local_budget", "UAH", plan.owner_id, None))
        if rng.random() < 0.3:
            lines.append(("oblast_budget", "UAH", plan.oblast_id, None))
        if rng.random() < 0.55:
            lines.append(("state_budget", "UAH", world.root_id, None))
        donors = world.organisations["donor"]
        if rng.random() < 0.25:
            commission = [d for d in donors if "European Commission" in d[1]] or donors
            lines.append(("eu", "EUR", None, rng.choice(commission)[0]))
        if rng.random() < 0.2:
            bank = rng.choice(world.organisations["international_financier"])
            lines.append(("international_financier", "USD" if bank[1].startswith("International Bank") else "EUR",
                          None, bank[0]))
        if rng.random() < 0.1:
            donor = rng.choice(donors)
            lines.append(("donor", "USD" if "United States" in donor[1] else rng.choice(("USD", "EUR")), None,
                          donor[0]))
        if not lines:
            lines.append(("state_budget", "UAH", world.root_id, None))
        shares = [rng.randrange(10, 60) for _ in lines]
        reached = STAGES.index(info["plan"].stage)
        paid = {0: 0.0, 1: 0.0, 2: rng.uniform(0.1, 0.7), 3: rng.uniform(0.9, 1.0)}[reached]
        info["sources"], info["lines"] = [], []
        day = info["days"].get("planning", info["days"]["needs_assessment"])
        for (source, currency, authority_id, organisation_id), share in zip(lines, shares, strict=True):
            uah = budget * share / sum(shares)
            committed = _money(uah / RATES[currency])
            disbursed = _money(committed * Decimal(str(round(paid, 3))))
            row = self.add(FundingLine, project_id=info["id"], source=source, currency=currency,
                           amount_committed=committed, amount_disbursed=disbursed,
                           note=None, financier_authority_id=authority_id, financier_organisation_id=organisation_id)
            info["sources"].append(source)
            info["lines"].append(row)
            when = _at(day, rng)
            self.change(info, when, info["actor"], "funding_line", row["id"], "create", new=source)
            if paid:
                self.change(info, when + timedelta(days=rng.randrange(60, 300)), info["actor"], "funding_line",
                            row["id"], "update", "amount_disbursed", "0.00", row["amount_disbursed"])

    def _needs(self, info: dict) -> None:
        rng, project = self.rng, info["project"]
        day = info["days"]["needs_assessment"]
        beneficiaries = rng.randrange(80, 25_000)
        row = self.add(
            NeedsAssessment, project_id=info["id"],
            damage_register_ref=f"DR-{day.year}-{rng.randrange(1, 999999):06d}" if project["purpose"] == "restoration"
            and rng.random() < 0.85 else None,
            assessment_date=day, damage_description="Пошкодження покрівлі, вікон і фасаду внаслідок обстрілу."
            if project["purpose"] == "restoration" else None, rdna_sector=RDNA.get(project["sector"], "other"),
            estimated_cost=_money(info["budget"] * Decimal(str(rng.choice((0.9, 1.0, 1.0, 1.1))))),
            beneficiaries=beneficiaries, idp_beneficiaries=beneficiaries // rng.randrange(4, 25),
            urgency=rng.choice(("critical", "high", "high", "medium", "low")),
            strategy_ref="Стратегія розвитку громади на 2021–2027 роки" if rng.random() < 0.8 else None,
            hromadas_served=1 if info["plan"].hromada else rng.randrange(2, 40))
        self.change(info, _at(day, rng), info["actor"], "needs_assessment", row["id"], "create")
        for kind in rng.sample(DOCUMENTS_BY_STAGE["needs_assessment"], rng.randrange(1, 3)):
            self._document(info, kind, day)

    def _planning(self, info: dict) -> None:
        rng, budget, project = self.rng, info["budget"], info["project"]
        planned = info["days"]["planning"]
        decision = planned + timedelta(days=rng.randrange(10, 40))
        consultation = rng.choice((30, 30, 30, 21, 14, 10))  # ten days is too short for the rules
        plan = self.add(
            ProjectPlan, project_id=info["id"], scope_output=project["title_uk"][:290],
            scope_quantity=Decimal(rng.randrange(1, 20)), scope_unit=rng.choice(("об'єкт", "м²", "км", "од.")),
            alternatives_considered=rng.choice((None, 1, 2, 2, 3, 3)), alternatives_description=None,
            budget_total=budget,
            budget_capex=_money(budget * Decimal("0.9")), budget_opex_annual=_money(budget * Decimal("0.03")),
            budget_life_cycle_cost=_money(budget * Decimal("1.6")) if rng.random() < 0.6 else None,
            cofinancing_agreement_ref=f"УС-{decision.year}/{rng.randrange(1, 99)}" if len(info["sources"]) > 1
            and rng.random() < 0.8 else None,
            cofinancing_agreement_date=decision if len(info["sources"]) > 1 else None,
            intermunicipal_agreement_ref=None, council_decision_number=f"{rng.randrange(100, 3000)}-VIII",
            council_decision_date=decision,
            consultation_start_date=decision - timedelta(days=consultation + 10),
            consultation_end_date=decision - timedelta(days=10),
            consultation_participants=rng.randrange(0, 400),
            consultation_outcome="Пропозиції мешканців враховано в проєкті." if rng.random() < 0.8 else None,
            consultation_outcome_published_date=decision - timedelta(days=5) if rng.random() < 0.9 else None,
            consultation_url=None, environmental_impact="Суттєвого впливу на довкілля не очікується."
            if rng.random() < 0.85 else None, social_impact="Відновлення доступу мешканців до послуг.",
            land_impact="Роботи в межах наявної земельної ділянки." if rng.random() < 0.8 else None,
            risk_assessment="Ризики обстрілів, подорожчання матеріалів, затримки постачання."
            if rng.random() < 0.85 else None, consequence_class=rng.choice(("CC1", "CC2", "CC2", "CC3")),
            expert_review_ref=f"ЕЗ-{decision.year}-{rng.randrange(100, 9999)}" if rng.random() < 0.75 else None,
            expert_review_date=decision - timedelta(days=15), procurement_plan="Відкриті торги в Prozorro.",
            project_manager_name=rng.choice(MANAGERS), project_manager_certified=rng.random() < 0.6,
            partners_involvement=None, schedule_start=decision + timedelta(days=45),
            schedule_end=decision + timedelta(days=45 + rng.randrange(180, 720)))
        when = _at(planned, rng)
        self.change(info, when, info["actor"], "project_plan", plan["id"], "create")
        if rng.random() < 0.5:
            old = _money(budget * Decimal("0.93"))
            self.change(info, when + timedelta(days=rng.randrange(5, 40)), info["actor"], "project_plan",
                        plan["id"], "update", "budget_total", old, budget)
        for _ in range(rng.choice((0, 1, 1, 2))):
            row = self.add(Permit, project_id=info["id"], kind=rng.choice(("Дозвіл на виконання будівельних робіт",
                                                                           "Повідомлення про початок робіт")),
                           ref=f"ІУ0{rng.randrange(10**8, 10**9)}", issued_date=decision + timedelta(days=30))
            self.change(info, when + timedelta(days=30), info["actor"], "permit", row["id"], "create", new=row["ref"])
        for _ in range(rng.randrange(1, 4)):
            row = self.add(Indicator, project_id=info["id"], name=rng.choice((
                "Кількість людей, які користуються об'єктом", "Площа відновлених приміщень",
                "Скорочення споживання енергії")), unit=rng.choice(("осіб", "м²", "%")), baseline=Decimal(0),
                target=Decimal(rng.randrange(50, 5000)),
                actual=Decimal(rng.randrange(40, 5000)) if info["plan"].stage == "completed" and rng.random() < 0.85
                else None)
            self.change(info, when, info["actor"], "indicator", row["id"], "create", new=row["name"])
        for kind in rng.sample(DOCUMENTS_BY_STAGE["planning"], rng.randrange(2, 6)):
            self._document(info, kind, planned + timedelta(days=rng.randrange(0, 40)))

    def _implementation(self, info: dict) -> None:
        rng, budget, world = self.rng, info["budget"], self.world
        began = info["days"]["implementation"]
        reached = STAGES.index(info["plan"].stage)
        self.add(ProjectImplementation, project_id=info["id"], technical_supervision="ТОВ «Технагляд-Україна»"
                 if rng.random() < 0.8 else None, rollup_weight=None)
        contractors = world.organisations["contractor"]
        info["contracts"] = []
        kinds = [("works", "Виконання будівельних робіт", Decimal("0.85"))]
        kinds += rng.sample([("services", "Технічний нагляд", Decimal("0.02")),
                             ("services", "Розроблення проєктної документації", Decimal("0.04")),
                             ("goods", "Постачання обладнання", Decimal("0.08"))], rng.randrange(0, 4))
        for subject, title, share in kinds:
            supplier_id, supplier, code = rng.choice(contractors)
            signed = began + timedelta(days=rng.randrange(5, 60))
            price = _money(budget * share * Decimal(str(round(rng.uniform(0.85, 1.0), 3))))
            contract = self.add(
                Contract, project_id=info["id"], title=title, subject=subject,
                tender_id=f"UA-{signed.year}-{signed.month:02d}-{signed.day:02d}-{rng.randrange(1, 999999):06d}-"
                          f"{rng.choice('abc')}" if rng.random() < 0.95 else None,
                procurement_method=rng.choices(("open_tender", "open_tender_eu", "simplified", "negotiated",
                                                "direct"), weights=(55, 10, 20, 10, 5))[0],
                tenderers=rng.choices((1, 2, 3, 4, 5, 6, 8), weights=(15, 20, 20, 15, 12, 10, 8))[0],
                procuring_entity="Управління капітального будівництва",
                procuring_entity_contact="ukb@example.gov.ua",
                administrative_entity="Управління капітального будівництва" if rng.random() < 0.85 else None,
                status="completed" if reached == 3 else "active", contract_type=rng.choice(("lump_sum", "unit_price")),
                supplier_name=supplier, supplier_edrpou=code, cost_estimate=_money(price * Decimal("1.04")),
                signed_price=price, escalation=Decimal(0), scope=info["project"]["title_uk"][:280], signed_date=signed,
                start_date=signed + timedelta(days=10), duration_days=rng.randrange(60, 540))
            info["contracts"].append((contract, supplier_id))
            self.change(info, _at(signed, rng), info["actor"], "contract", contract["id"], "create", new=title)
            self._document(info, "contractSigned", signed, contract_id=contract["id"])
            if rng.random() < 0.3:
                self._variation(info, contract, signed + timedelta(days=rng.randrange(60, 200)))
            elif rng.random() < 0.15:
                self.late.append((contract, info))  # agreed later: between the second and third evaluations
            self._payments(info, contract, signed, reached)
        observed = began + timedelta(days=30)
        percent = 0
        final = 100 if reached == 3 else rng.randrange(10, 90)
        for _ in range(rng.randrange(1, 6)):
            percent = min(final, percent + rng.randrange(5, 40))
            observed = min(LAST_DAY, observed + timedelta(days=rng.randrange(20, 90)))
            row = self.add(ProgressObservation, project_id=info["id"], observed_on=observed, physical_percent=percent,
                           note="Огляд об'єкта технаглядом.", created_at=_at(observed, rng))
            self.change(info, _at(observed, rng), info["actor"], "progress_observation", row["id"], "create",
                        new=percent)
            if rng.random() < 0.5:
                self._document(info, "illustrationInProgress", observed, observation_id=row["id"])
        for number in range(rng.randrange(2, 5)):
            planned = began + timedelta(days=90 * (number + 1))
            row = self.add(Milestone, project_id=info["id"], name=("Демонтажні роботи", "Покрівля та фасад",
                                                                   "Інженерні мережі", "Завершення робіт")[number],
                           planned_date=planned, actual_date=planned + timedelta(days=rng.randrange(-10, 60))
                           if reached == 3 or planned < LAST_DAY - timedelta(days=200) else None)
            self.change(info, _at(began, rng), info["actor"], "milestone", row["id"], "create", new=row["name"])
        for kind in rng.sample(DOCUMENTS_BY_STAGE["implementation"], rng.randrange(1, 5)):
            self._document(info, kind, began + timedelta(days=rng.randrange(0, 200)))

    def _variation(self, info: dict, contract: dict, agreed: date) -> None:
        rng = self.rng
        share = Decimal(str(rng.choice((0.03, 0.05, 0.08, 0.1, 0.12, 0.2, -0.04))))  # over ten per cent: red flag
        row = self.add(ContractVariation, contract_id=contract["id"], project_id=info["id"],
                       agreed_date=min(agreed, LAST_DAY), price_change=_money(contract["signed_price"] * share),
                       duration_change_days=rng.choice((0, 0, 30, 60, 90)), scope_changed=rng.random() < 0.2,
                       reason=rng.choice(VARIATION_REASONS))
        self.change(info, _at(row["agreed_date"], rng), info["actor"], "contract_variation", row["id"], "create",
                    new=row["reason"])
        self._document(info, "contractAmendment", row["agreed_date"], contract_id=contract["id"])

    def _payments(self, info: dict, contract: dict, signed: date, reached: int) -> None:
        rng = self.rng
        share = rng.uniform(0.9, 1.0) if reached == 3 else rng.uniform(0.0, 0.7)
        payments = rng.randrange(1, 5)
        for number in range(payments):
            amount = _money(contract["signed_price"] * Decimal(str(round(share / payments, 4))))
            if amount <= 0:
                continue
            paid = min(LAST_DAY, signed + timedelta(days=60 * (number + 1)))
            row = self.add(Disbursement, project_id=info["id"], contract_id=contract["id"], paid_on=paid,
                           amount=amount, source=rng.choice(info["sources"]))
            self.change(info, _at(paid, rng), info["actor"], "disbursement", row["id"], "create", new=amount)
            if rng.random() < 0.4:
                self._document(info, "paymentCertificate", paid, contract_id=contract["id"])

    def _completion(self, info: dict) -> None:
        rng = self.rng
        finished = info["days"]["completed"]
        row = self.add(ProjectCompletion, project_id=info["id"], status="completion", completion_date=finished,
                       final_cost=_money(info["budget"] * Decimal(str(rng.choice((0.95, 1.0, 1.0, 1.08))))),
                       final_scope=info["project"]["title_uk"][:280], change_reasons="Без суттєвих змін."
                       if rng.random() < 0.7 else "Додано утеплення фасаду.",
                       acceptance_certificate=f"ХК{rng.randrange(10**11, 10**12)}" if rng.random() < 0.85 else None,
                       audit_report_ref="Звіт Держаудитслужби № 04-15/" + str(rng.randrange(100, 999))
                       if rng.random() < 0.6 else None,
                       evaluation_report_ref="Звіт про оцінку результатів" if rng.random() < 0.6 else None)
        self.change(info, _at(finished, rng), info["actor"], "project_completion", row["id"], "create")
        for kind in rng.sample(DOCUMENTS_BY_STAGE["completed"], rng.randrange(1, 4)):
            self._document(info, kind, finished)

    def _parties(self, info: dict) -> None:
        rng, world = self.rng, self.world
        roles = []
        for _contract, supplier_id in info.get("contracts", [])[:1]:
            roles.append(("implementer", None, supplier_id))
        for line in info["lines"]:
            if line["financier_organisation_id"]:
                roles.append(("co_financer", None, line["financier_organisation_id"]))
        if rng.random() < 0.08:
            roles.append(("twinning_partner", None, rng.choice(world.eu_cities)))
        if rng.random() < 0.05:
            roles.append(("technical_assistance", None, rng.choice(world.organisations["donor"])[0]))
        if info["plan"].hromada and rng.random() < 0.2:
            roles.append(("beneficiary", info["plan"].hromada.id, None))
        for role, authority_id, organisation_id in roles:
            row = self.add(ProjectParty, project_id=info["id"], role=role, authority_id=authority_id,
                           organisation_id=organisation_id)
            self.change(info, info["project"]["created_at"] + timedelta(days=rng.randrange(1, 60)), info["actor"],
                        "project_party", row["id"], "create", new=role)

    def _edits(self, info: dict) -> None:
        """Ordinary edits to the general data: the history page has more than creations."""
        rng, project = self.rng, info["project"]
        for _ in range(rng.randrange(0, 5)):
            name = rng.choice(("title_uk", "address", "description_uk", "latitude", "subsector"))
            when = project["created_at"] + timedelta(days=rng.randrange(1, 300))
            self.change(info, min(when, _at(LAST_DAY, rng)), info["actor"], "project", info["id"], "update", name,
                        "(попереднє значення)", project.get(name) or "(нове значення)")

    def _document(self, info: dict, kind: str, day: date, contract_id: int | None = None,
                  observation_id: int | None = None) -> None:
        rng = self.rng
        photo = kind in PHOTO_TYPES
        day = min(day, LAST_DAY)
        row = self.add(
            Document, project_id=info["id"], document_type=kind,
            title=DOCUMENT_TITLES.get(kind, kind),
            original_name=f"{kind}-{info['id']}.{'jpg' if photo else 'pdf'}",
            storage_name=f"{rng.getrandbits(128):032x}", media_type="image/jpeg" if photo else "application/pdf",
            size=rng.randrange(40_000, 8_000_000), sha256=f"{rng.getrandbits(256):064x}",
            is_public=rng.random() < (0.9 if photo else 0.7), observation_id=observation_id,
            contract_id=contract_id, uploaded_at=_at(day, rng), uploaded_by_id=info["actor"])
        self.change(info, row["uploaded_at"], info["actor"], "document", row["id"], "create", new=row["title"])


def _plans(rng: random.Random, count: int, world: World, first_id: int) -> list[Plan]:
    """Owners and stages of every project: 1 % oblast programmes (ids first), every hromada at least once."""
    programmes = max(1, count // 100)
    oblast_ids = list(world.oblasts)
    plans = [Plan(owner_id=oid, oblast_id=oid, hromada=None, stage=rng.choice(STAGES[1:]), is_programme=True)
             for oid in (oblast_ids * (programmes // len(oblast_ids) + 1))[:programmes]]
    by_oblast: dict[int, list[int]] = defaultdict(list)
    for index, plan in enumerate(plans):
        by_oblast[plan.oblast_id].append(first_id + index)
    oblast_owned = count * 3 // 100  # oblast administrations' own projects (not programmes)
    for _ in range(oblast_owned):
        oid = rng.choice(oblast_ids)
        plans.append(Plan(oid, oid, None, rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]))
    rest = count - len(plans)
    hromadas = list(world.hromadas)
    rng.shuffle(hromadas)
    chosen = hromadas[:rest] + rng.choices(hromadas, weights=[h.weight for h in hromadas],
                                           k=max(0, rest - len(hromadas)))
    for hromada in chosen:
        parents = by_oblast.get(hromada.oblast_id)
        parent = rng.choice(parents) if parents and rng.random() < 0.08 else None
        plans.append(Plan(hromada.id, hromada.oblast_id, hromada, rng.choices(STAGES, weights=STAGE_WEIGHTS)[0],
                          parent_id=parent))
    head, tail = plans[:programmes], plans[programmes:]
    rng.shuffle(tail)
    return head + tail


# --- phases --------------------------------------------------------------------------------------------

class Phases:
    """Times each phase and prints it as it ends."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.times: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        note: dict = {}
        yield note
        seconds = time.perf_counter() - started
        self.times[name] = seconds
        if not self.quiet:
            print(f"  {name:<44} {seconds:8.1f} s   {note.get('what', '')}", flush=True)


def build_portfolio(session: Session, count: int, seed: int = 2026, phases: Phases | None = None) -> tuple[list[int],
                                                                                                          Portfolio]:
    """Geography (if missing), parties and ``count`` projects with all their rows; no evaluations."""
    phases = phases or Phases(quiet=True)
    rng = random.Random(seed)
    with phases.phase("geography: KATOTTG codifier (app importer)") as note:
        existing = session.execute(select(func.count()).select_from(Authority)
                                   .where(Authority.category == "H")).scalar()
        units = load_geography(session) if not existing else 0
        session.commit()
        root_id, oblasts, hromadas = read_world(session)
        note["what"] = (f"{units:,} units imported; " if units else "already there; ") + \
            f"{len(oblasts)} level-1 units and {len(hromadas):,} hromadas get projects"
    with phases.phase("organisations and accounts") as note:
        organisations, eu_cities, planners, admin_id = load_parties(session, rng, oblasts, hromadas)
        session.commit()
        note["what"] = f"{sum(len(v) for v in organisations.values())} organisations, {len(planners) + 2} accounts"
    world = World(root_id, oblasts, hromadas, organisations, eu_cities, planners, admin_id)
    builder = Portfolio(session, world, rng)
    plans = _plans(rng, count, world, builder.next_ids[Project])
    ids: list[int] = []
    with phases.phase("projects, stage data, documents, history") as note:
        for start in range(0, len(plans), CHUNK):
            for plan in plans[start:start + CHUNK]:
                ids.append(builder.project(plan)["id"])
            builder.flush()
            session.commit()
        note["what"] = f"{sum(builder.counts.values()):,} rows"
    sync_sequences(session.get_bind())
    return ids, builder


def add_late_rows(session: Session, builder: Portfolio) -> int:
    """Variations agreed after the second evaluation round, and one more progress observation for some."""
    rng = builder.rng
    for contract, info in builder.late:
        builder._variation(info, contract, LAST_DAY - timedelta(days=rng.randrange(1, 60)))
    builder.flush()
    session.commit()
    sync_sequences(session.get_bind())
    return len(builder.late)


def evaluation_round(session: Session, context, ids: list[int], trigger: str) -> int:
    """Evaluate every project with the app's rules and store the results through ``store()``, 500 at a time."""
    stored = 0
    for start in range(0, len(ids), EVALUATION_CHUNK):
        projects = list(session.scalars(select(Project).where(Project.id.in_(ids[start:start + EVALUATION_CHUNK]))
                                        .order_by(Project.id)))
        stored += len(store(session=session, evaluations=evaluate_projects(session=session, projects=projects,
                                                                           context=context), trigger=trigger))
        session.commit()
        session.expunge_all()
    return stored


def generate(session: Session, count: int, seed: int = 2026) -> list[int]:
    """Create ``count`` projects with every row but evaluations; return their ids (``bench_rules`` uses this)."""
    ids, builder = build_portfolio(session, count, seed)
    add_late_rows(session, builder)
    return ids


def populate(url: str, count: int, *, seed: int = 2026, reset: bool = False, reuse: bool = False,
             rounds: int = 3, quiet: bool = False) -> dict:
    """Build the whole benchmark database at ``url``: schema, rows, ``rounds`` stored evaluations per project."""
    from tracker import create_app
    from tracker.core.db import get_engine
    from tracker.core.schema import upgrade

    phases = Phases(quiet)

    def connect():
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark-secret-key-0123456789", "ENV": "testing"})
        return app, get_engine(app)

    with phases.phase("database: create when missing"):
        prepare_database(url, reset=False)
    app, engine = connect()
    with phases.phase("schema: the app's migrations"):
        upgrade(engine)
    with Session(engine) as session:
        present = session.execute(select(func.count()).select_from(Project)).scalar()
        evaluations = session.execute(select(func.count()).select_from(Evaluation)).scalar()
    if present:
        if reuse and present == count and evaluations >= rounds * count:
            if not quiet:
                print(f"  reusing the {present:,} projects (and {evaluations:,} evaluations) already there")
                with Session(engine) as session:
                    print_storage(evaluation_storage(session), present)
            engine.dispose()
            return {"projects": present, "phases": {}, "reused": True}
        if not reset:
            engine.dispose()
            raise SystemExit(f"the database already holds {present:,} projects: pass --reset to empty it "
                             f"(with --reuse, a database of exactly {count:,} is kept)")
        engine.dispose()
        with phases.phase("database: reset (drop everything)"):
            prepare_database(url, reset=True)
        app, engine = connect()
        with phases.phase("schema: the app's migrations"):
            upgrade(engine)
    with Session(engine) as session:
        started = time.perf_counter()
        ids, builder = build_portfolio(session, count, seed, phases)
        context = app.extensions["tracker.rules"]
        triggers = (TRIGGER_CHANGE, TRIGGER_CHANGE, TRIGGER_MANUAL)
        for number in range(rounds):
            if number == rounds - 1 and builder.late:
                with phases.phase("late variations (between rounds)") as note:
                    note["what"] = f"{add_late_rows(session, builder):,} variations"
            with phases.phase(f"evaluation round {number + 1}: evaluate_projects + store") as note:
                tick = time.perf_counter()
                stored = evaluation_round(session, context, ids, triggers[min(number, 2)])
                note["what"] = f"{stored:,} evaluations ({stored / (time.perf_counter() - tick):,.0f} a second)"
        total = time.perf_counter() - started
        counts = table_counts(session)
        storage = evaluation_storage(session)
    engine.dispose()
    if not quiet:
        print(f"  {'total (rows and evaluations)':<44} {total:8.1f} s")
        describe(counts)
        print_storage(storage, count)
    return {"projects": count, "phases": phases.times, "counts": counts, "storage": storage, "reused": False}


#: What storing evaluations costs: the evaluations, their per-principle counts, the facts snapshots and the
#: archived rule set files (the audit trail's entries are counted apart).
EVALUATION_TABLES = ("evaluation", "evaluation_score", "evaluation_facts", "rule_set_source")


def evaluation_storage(session: Session) -> dict[str, int]:
    """Bytes on disk of each evaluation table with its indexes (PostgreSQL: with TOAST; SQLite: ``dbstat``),
    and the payload bytes of the packed outcomes and facts snapshots."""
    connection = session.connection()
    sizes: dict[str, int] = {}
    for table in EVALUATION_TABLES:
        if connection.dialect.name == "postgresql":
            sizes[table] = connection.execute(text("SELECT pg_total_relation_size(:t)"), {"t": table}).scalar()
        else:
            sizes[table] = connection.execute(text(
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = :t OR name IN "
                "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t)"), {"t": table}).scalar()
    sizes["payload: packed outcomes"] = connection.execute(text(
        "SELECT coalesce(sum(length(outcomes)), 0) FROM evaluation")).scalar()
    sizes["payload: facts snapshots"] = connection.execute(text(
        "SELECT coalesce(sum(length(data)), 0) FROM evaluation_facts")).scalar()
    sizes["audit entries of evaluations"] = connection.execute(text(
        "SELECT coalesce(sum(length(changes)), 0) FROM audit_entry WHERE table_name = 'evaluation'")).scalar()
    return sizes


def print_storage(sizes: dict[str, int], projects: int) -> None:
    total = sum(sizes[table] for table in EVALUATION_TABLES)
    print("\n  evaluation storage (goal: at most 10 KB a project, history included)")
    for name, size in sizes.items():
        print(f"  {name:<44} {size / 1024 / 1024:10,.1f} MiB {size / projects / 1024:8.2f} KiB a project")
    print(f"  {'all evaluation tables':<44} {total / 1024 / 1024:10,.1f} MiB "
          f"{total / projects / 1024:8.2f} KiB a project ({total / projects / 1000:.2f} kB)")


def table_counts(session: Session) -> dict[str, int]:
    models = (Authority, Organisation, User, Project, StageHistory, FundingLine, ProjectParty, NeedsAssessment,
              ProjectPlan, Permit, Indicator, ProjectImplementation, Contract, ContractVariation, Disbursement,
              ProgressObservation, Milestone, ProjectCompletion, Document, ChangeRecord, Evaluation, EvaluationScore)
    counts = {model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar()
              for model in models}
    counts["project (not public)"] = session.execute(select(func.count()).select_from(Project)
                                                     .where(Project.is_public.is_(False))).scalar()
    counts["document (restricted)"] = session.execute(select(func.count()).select_from(Document)
                                                      .where(Document.is_public.is_(False))).scalar()
    counts["evaluation (latest)"] = session.execute(select(func.count()).select_from(Evaluation)
                                                    .where(Evaluation.is_latest.is_(True))).scalar()
    counts["latest failing a blocker"] = session.execute(
        select(func.count()).select_from(Evaluation)
        .where(Evaluation.is_latest.is_(True), Evaluation.failing_blockers > 0)).scalar()
    counts["latest passing everything"] = session.execute(
        select(func.count()).select_from(Evaluation)
        .where(Evaluation.is_latest.is_(True), Evaluation.failed == 0, Evaluation.errors == 0)).scalar()
    for currency in ("UAH", "EUR", "USD"):
        counts[f"funding_line ({currency})"] = session.execute(
            select(func.count()).select_from(FundingLine).where(FundingLine.currency == currency)).scalar()
    first, last = session.execute(select(func.min(Project.created_at), func.max(Project.created_at))).one()
    counts["created_at from"] = str(first)[:10]
    counts["created_at to"] = str(last)[:10]
    return counts


def describe(counts: dict) -> None:
    print("  rows:")
    items = list(counts.items())
    for start in range(0, len(items), 3):
        print("   " + "".join(f"{name:>27} {value if isinstance(value, str) else f'{value:,}':>10}"
                             for name, value in items[start:start + 3]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=3, help="stored evaluations per project (at least 1)")
    parser.add_argument("--reset", action="store_true", help="empty the database first (name must contain 'bench')")
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds --projects")
    args = parser.parse_args()
    print(f"generating {args.projects:,} projects into {make_url(args.database_url).render_as_string()}")
    populate(args.database_url, args.projects, seed=args.seed, reset=args.reset, reuse=args.reuse,
             rounds=max(1, args.rounds))


if __name__ == "__main__":
    main()

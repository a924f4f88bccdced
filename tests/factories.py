"""A small, realistic world for tests: two oblasts, their raions and hromadas, users and projects."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from tracker.accounts.models import User
from tracker.accounts.operations import create_user
from tracker.core.hierarchy import add_authority
from tracker.core.models import Authority
from tracker.projects.models import Project
from tracker.projects.operations import ProjectCreate, add_funding_line, create_project

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    ukraine: Authority
    kharkiv_oblast: Authority
    kharkiv_raion: Authority
    kharkiv_hromada: Authority
    derhachi_hromada: Authority
    kyiv_oblast: Authority
    irpin_hromada: Authority
    admin: User
    kharkiv_planner: User
    derhachi_planner: User
    irpin_planner: User
    auditor: User
    school: Project          # Kharkiv hromada, public
    clinic: Project          # Derhachi hromada, public
    draft: Project           # Derhachi hromada, not public
    bridge: Project          # Irpin hromada, public


def project_data(**overrides) -> ProjectCreate:
    values = {"title_uk": "Відновлення школи № 1", "title_en": "Restoration of school No. 1",
              "sector": "education", "project_type": "rehabilitation", "purpose": "restoration"}
    values.update(overrides)
    return ProjectCreate.model_validate(values)


def build_world(session: Session) -> World:
    ukraine = add_authority(session=session, name_uk="Україна", name_en="Ukraine", level="national")
    kharkiv_oblast = add_authority(session=session, parent=ukraine, level="oblast", category="O",
                                   code="UA63000000000041885", name_uk="Харківська", name_en="Kharkiv Oblast")
    kharkiv_raion = add_authority(session=session, parent=kharkiv_oblast, level="raion", category="P",
                                  code="UA63120000000025619", name_uk="Харківський", name_en="Kharkiv Raion")
    kharkiv_hromada = add_authority(session=session, parent=kharkiv_raion, level="hromada", category="H",
                                    code="UA63120270000096230", name_uk="Харківська",
                                    name_en="Kharkiv urban hromada")
    derhachi = add_authority(session=session, parent=kharkiv_raion, level="hromada", category="H",
                             code="UA63120050000013387", name_uk="Дергачівська", name_en="Derhachi urban hromada")
    kyiv_oblast = add_authority(session=session, parent=ukraine, level="oblast", category="O",
                                code="UA32000000000030281", name_uk="Київська", name_en="Kyiv Oblast")
    irpin = add_authority(session=session, parent=kyiv_oblast, level="hromada", category="H",
                          code="UA32080150000014315", name_uk="Ірпінська", name_en="Irpin urban hromada")

    def user(email, role, codes=()):
        return create_user(session=session, email=email, name=email.split("@")[0], password=PASSWORD,
                           role=role, authority_codes=codes)

    world = World(
        ukraine=ukraine, kharkiv_oblast=kharkiv_oblast, kharkiv_raion=kharkiv_raion,
        kharkiv_hromada=kharkiv_hromada, derhachi_hromada=derhachi, kyiv_oblast=kyiv_oblast,
        irpin_hromada=irpin,
        admin=user("admin@test.ua", "admin"),
        kharkiv_planner=user("oblast@test.ua", "planner", [kharkiv_oblast.code]),
        derhachi_planner=user("derhachi@test.ua", "planner", [derhachi.code]),
        irpin_planner=user("irpin@test.ua", "planner", [irpin.code]),
        auditor=user("auditor@test.ua", "auditor"),
        school=create_project(session=session, authority=kharkiv_hromada, data=project_data()),
        clinic=create_project(session=session, authority=derhachi, data=project_data(
            title_uk="Капітальний ремонт амбулаторії", title_en="Overhaul of the outpatient clinic",
            sector="health")),
        draft=create_project(session=session, authority=derhachi, data=project_data(
            title_uk="Чернетка: котельня", title_en="Draft: boiler house", sector="energy", is_public=False)),
        bridge=create_project(session=session, authority=irpin, data=project_data(
            title_uk="Міст через річку Ірпінь", title_en="Bridge over the Irpin river",
            sector="transport.road", project_type="replacement")),
    )
    add_funding_line(session=session, project=world.school, source="local_budget",
                     amount_committed=Decimal("1500000.00"), amount_disbursed=Decimal("250000.00"))
    add_funding_line(session=session, project=world.school, source="eu", currency="EUR",
                     amount_committed=Decimal("400000.00"))
    session.commit()
    return world

"""A public project with stage data, public and restricted documents, and hostile text, for report tests."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from tests.factories import World, build_world
from tests.planner_factories import add, contract_values, needs_values, plan_values, save
from tracker.planning import documents
from tracker.projects.models import Project

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HOSTILE_TITLE = 'Школа <script>alert("x")</script><b>жирний</b>'
HOSTILE_DESCRIPTION = ('Опис <img src="file:///etc/passwd"> та <img src="https://evil.example/track.png"> '
                       '<link rel="stylesheet" href="http://evil.example/x.css"><iframe src="/admin"></iframe>')
PUBLIC_DOC = "Протокол громадських слухань"
RESTRICTED_DOC = "Службова записка: конфіденційно"


@dataclass
class Rich:
    world: World
    project: Project       # the school, with stage data and documents
    hostile: Project       # a public project whose text tries to inject markup


def build_rich(session: Session, upload_folder: str) -> Rich:
    world = build_world(session)
    school = session.get(Project, world.school.id)
    save(session, school, "needs", needs_values())
    save(session, school, "planning", plan_values())
    add(session, school, "contract", contract_values())
    add(session, school, "observation", {"observed_on": date(2024, 9, 1), "physical_percent": 40})
    add(session, school, "milestone", {"name": "Roof closed", "planned_date": date(2024, 10, 1)})
    for title, public, data, name, kind in ((PUBLIC_DOC, True, PDF_BYTES, "minutes.pdf", "minutes"),
                                           (RESTRICTED_DOC, False, PDF_BYTES, "memo.pdf", "minutes"),
                                           ("Фото пошкоджень", True, PNG_BYTES, "damage.png", "illustrationDamaged")):
        documents.store_document(session=session, project=school, data=data, filename=name, document_type=kind,
                                 title=title, is_public=public, upload_folder=upload_folder,
                                 expected_version=school.version)
    hostile = session.get(Project, world.clinic.id)
    hostile.title_uk = HOSTILE_TITLE
    hostile.title_en = HOSTILE_TITLE
    hostile.description_uk = HOSTILE_DESCRIPTION
    hostile.description_en = HOSTILE_DESCRIPTION
    session.commit()
    return Rich(world=world, project=school, hostile=hostile)

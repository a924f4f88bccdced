"""CSV import/export: all or nothing, row-and-column reports, exports that re-import unchanged."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlmodel import func, select

from tests.factories import build_world
from tests.planner_factories import needs_values, save
from tracker.planning import csv_io
from tracker.planning.history_models import ChangeRecord
from tracker.planning.models import NeedsAssessment, ProgressObservation
from tracker.projects.models import Project


@pytest.fixture
def world(session):
    world = build_world(session)
    save(session, world.school, "needs", needs_values())
    session.commit()
    return world


def _everyone(_authority):
    return True


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _write(rows: list[dict], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_export_reimports_without_change(session, world):
    text = csv_io.export_projects(session=session)
    history_before = _count(session, ChangeRecord)
    report = csv_io.import_projects(session=session, data=("\ufeff" + text).encode(), may_edit=_everyone)
    session.commit()
    assert report.ok and report.unchanged == 4 and report.created == report.updated == 0
    assert csv_io.export_projects(session=session) == text
    assert _count(session, ChangeRecord) == history_before


def test_new_and_changed_rows_are_written(session, world):
    rows = _rows(csv_io.export_projects(session=session))
    school = next(row for row in rows if row["reference"] == world.school.reference)
    school["beneficiaries"] = "700"
    new = dict.fromkeys(rows[0], "")
    new.update({"authority_code": world.irpin_hromada.code, "title_uk": "Новий дитячий садок", "sector": "education",
                "project_type": "construction", "purpose": "development", "estimated_cost": "1 250 000,50",
                "assessment_date": "01.02.2024", "parent_reference": world.bridge.reference})
    report = csv_io.import_projects(session=session, data=_write([school, new], ";"), may_edit=_everyone)
    session.commit()
    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 1)
    created = session.exec(select(Project).where(Project.title_uk == "Новий дитячий садок")).one()
    assert created.parent_id == world.bridge.id
    needs = session.exec(select(NeedsAssessment).where(NeedsAssessment.project_id == created.id)).one()
    assert str(needs.estimated_cost) == "1250000.50" and needs.assessment_date == date(2024, 2, 1)
    assert session.get(Project, world.school.id).version == int(school["version"]) + 1


def test_one_bad_row_writes_nothing_and_names_row_and_column(session, world):
    rows = _rows(csv_io.export_projects(session=session))
    rows[0]["title_en"] = "Changed but must not be saved"
    rows[2]["beneficiaries"] = "many"
    rows[3]["sector"] = "spaceflight"
    projects_before = _count(session, Project)
    report = csv_io.import_projects(session=session, data=_write(rows), may_edit=_everyone)
    assert not report.ok
    assert {(e.row, e.column) for e in report.errors} == {(4, "beneficiaries"), (5, "sector")}
    session.rollback()
    assert _count(session, Project) == projects_before
    assert session.get(Project, world.school.id).title_en == "Restoration of school No. 1"


@pytest.mark.parametrize(("change", "column", "message"), [
    ({"version": "99"}, "version", "changed since"),
    ({"reference": "VID-1999-999999"}, "reference", "no project"),
    ({"stage": "completed"}, "stage", "stage gate"),
    ({"authority_code": "UA32080150000014315"}, "authority_code", "another authority"),
    ({"idp_beneficiaries": "9999"}, "idp_beneficiaries", "outnumber"),
    ({"assessment_date": "2024-02-30"}, "assessment_date", "not a date"),
    ({"latitude": "123"}, "latitude", "between"),
])
def test_row_problems(session, world, change, column, message):
    rows = [r for r in _rows(csv_io.export_projects(session=session)) if r["reference"] == world.school.reference]
    rows[0].update(change)
    report = csv_io.import_projects(session=session, data=_write(rows), may_edit=_everyone)
    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    assert message in report.errors[0].message


def test_header_and_scope_problems(session, world):
    report = csv_io.import_projects(session=session, data=b"title_uk,colour\nX,red\n", may_edit=_everyone)
    assert {(e.row, e.column) for e in report.errors} >= {(1, "colour"), (1, "sector")}
    rows = _rows(csv_io.export_projects(session=session))
    report = csv_io.import_projects(session=session, data=_write(rows), may_edit=lambda a: a.code.startswith("UA63"))
    assert {e.message for e in report.errors} == {"outside the authorities you work for"}


def test_a_project_joins_only_a_programme_its_planner_may_edit(session, world):
    """As on the programme form: the import does not let a planner hang a project under someone else's programme."""
    def derhachi(authority):
        return authority.path.startswith(world.derhachi_hromada.path)

    rows = {row["reference"]: row for row in _rows(csv_io.export_projects(session=session))}
    clinic = rows[world.clinic.reference]
    new = {**clinic, "reference": "", "version": "", "stage": "", "title_uk": "Нова амбулаторія"}
    for row in (clinic, new):
        row["parent_reference"] = world.bridge.reference  # Irpin's
    report = csv_io.import_projects(session=session, data=_write([clinic, new]), may_edit=derhachi)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "parent_reference", "the programme is outside the authorities you work for"),
        (3, "parent_reference", "the programme is outside the authorities you work for")]
    session.rollback()
    for row in (clinic, new):
        row["parent_reference"] = world.draft.reference  # Derhachi's own
    report = csv_io.import_projects(session=session, data=_write([clinic, new]), may_edit=derhachi)
    session.commit()
    assert report.ok and (report.updated, report.created) == (1, 1), report.errors
    # A link someone allowed to made stays importable unchanged by the planner who may not make it.
    clinic_row = session.get(Project, world.clinic.id)
    clinic_row.parent_id = world.bridge.id
    session.commit()
    again = next(row for row in _rows(csv_io.export_projects(session=session))
                 if row["reference"] == world.clinic.reference)
    report = csv_io.import_projects(session=session, data=_write([again]), may_edit=derhachi)
    assert report.ok and report.unchanged == 1, report.errors


def test_a_project_neither_public_nor_ones_own_is_unknown_to_the_import(session, world):
    """As its pages answer 404, the import says "no project" for it, in every column naming a project."""
    def irpin(authority):
        return authority.path.startswith(world.irpin_hromada.path)

    rows = {row["reference"]: row for row in _rows(csv_io.export_projects(session=session))}
    bridge = {**rows[world.bridge.reference], "parent_reference": world.draft.reference}
    report = csv_io.import_projects(session=session, may_edit=irpin, data=_write(
        [rows[world.draft.reference], rows[world.school.reference], bridge]))
    errors = {(e.row, e.column): e.message for e in report.errors}
    assert errors[(2, "reference")] == f"no project {world.draft.reference}"
    assert errors[(4, "parent_reference")] == f"no project {world.draft.reference}"
    assert (3, "reference") not in errors  # the school is public: known to everyone, only not theirs to change
    assert errors[(3, "authority_code")] == "outside the authorities you work for"
    progress = (f"reference,observed_on,physical_percent,note\n{world.draft.reference},2024-08-01,20,\n"
                f"{world.school.reference},2024-08-01,20,\n").encode()
    report = csv_io.import_progress(session=session, data=progress, may_edit=irpin)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "reference", f"no project {world.draft.reference}"),
        (3, "reference", "outside the authorities you work for")]
    session.rollback()

    def derhachi(authority):  # its own planner: the draft is theirs
        return authority.path.startswith(world.derhachi_hromada.path)

    report = csv_io.import_projects(session=session, may_edit=derhachi, data=_write([rows[world.draft.reference]]))
    assert report.ok and report.unchanged == 1, report.errors


def test_progress_import_export_round_trip(session, world):
    data = (f"reference,observed_on,physical_percent,note\n{world.school.reference},2024-08-01,20,Foundations\n"
            f"{world.school.reference},2024-09-01,45,\n").encode()
    report = csv_io.import_progress(session=session, data=data, may_edit=_everyone)
    session.commit()
    assert report.ok and report.created == 2
    text = csv_io.export_progress(session=session)
    again = csv_io.import_progress(session=session, data=text.encode(), may_edit=_everyone)
    assert again.ok and again.unchanged == 2 and again.created == 0
    bad = (f"reference,observed_on,physical_percent,note\n{world.school.reference},2024-10-01,60,\n"
           f"{world.school.reference},2024-11-01,140,\n").encode()
    report = csv_io.import_progress(session=session, data=bad, may_edit=_everyone)
    assert [(e.row, e.column) for e in report.errors] == [(3, "physical_percent")]
    session.rollback()
    assert _count(session, ProgressObservation) == 2


# --- cells a spreadsheet would run as formulas ----------------------------------------------------------

#: What a hostile (or unlucky) planner may type, and text that really starts with a quote.
TRICKY = {"title_uk": '=HYPERLINK("http://evil","x")', "title_en": "'=already quoted by hand",
          "description_uk": "-2+3", "description_en": "'plain text in quotes'", "address": "@SUM(A1)"}


def _make_tricky(session, project):
    for name, value in TRICKY.items():
        setattr(project, name, value)
    project.latitude, project.longitude = -33.25, -70.5
    session.commit()


def test_formula_cells_are_neutralised_and_read_back_as_they_were(session, world):
    _make_tricky(session, world.school)
    text = csv_io.export_projects(session=session)
    school = next(row for row in _rows(text) if row["reference"] == world.school.reference)
    assert school["title_uk"] == "'" + TRICKY["title_uk"]
    assert school["title_en"] == "''=already quoted by hand"  # one quote more, so it cannot be taken for ours
    assert school["description_uk"] == "'-2+3" and school["address"] == "'@SUM(A1)"
    assert school["description_en"] == TRICKY["description_en"]  # a quote before ordinary text: left alone
    assert (school["latitude"], school["longitude"]) == ("'-33.25", "'-70.5")
    history_before = _count(session, ChangeRecord)
    report = csv_io.import_projects(session=session, data=("\ufeff" + text).encode(), may_edit=_everyone)
    session.commit()
    assert report.ok, report.errors
    assert report.unchanged == 4 and report.updated == report.created == 0
    assert _count(session, ChangeRecord) == history_before
    assert csv_io.export_projects(session=session) == text


def test_an_imported_neutralised_cell_is_stored_without_the_quote(session, world):
    rows = _rows(csv_io.export_projects(session=session))
    school = next(row for row in rows if row["reference"] == world.school.reference)
    school.update({"title_en": "'+380 44 000 00 00 hotline", "address": "''=kept one quote", "latitude": "'-12.5",
                   "description_uk": "'hello"})
    report = csv_io.import_projects(session=session, data=_write([school]), may_edit=_everyone)
    session.commit()
    assert report.ok and report.updated == 1, report.errors
    stored = session.get(Project, world.school.id)
    assert stored.title_en == "+380 44 000 00 00 hotline" and stored.address == "'=kept one quote"
    assert stored.latitude == -12.5 and stored.description_uk == "'hello"


def test_a_file_saved_by_a_spreadsheet_without_the_quotes_reads_the_same(session, world):
    """A spreadsheet shows '=x as the text =x and saves it so: the import takes the cell as it is."""
    rows = _rows(csv_io.export_projects(session=session))
    school = next(row for row in rows if row["reference"] == world.school.reference)
    school.update({"title_en": "=1+1", "longitude": "-1.5"})
    report = csv_io.import_projects(session=session, data=_write([school], ";"), may_edit=_everyone)
    session.commit()
    assert report.ok, report.errors
    stored = session.get(Project, world.school.id)
    assert (stored.title_en, stored.longitude) == ("=1+1", -1.5)


def test_progress_notes_round_trip_through_the_neutralised_export(session, world):
    data = (f"reference,observed_on,physical_percent,note\n{world.school.reference},2024-08-01,20,'-2+3\n"
            f"{world.school.reference},2024-09-01,45,\"'=SUM(A1)\"\n").encode()
    report = csv_io.import_progress(session=session, data=data, may_edit=_everyone)
    session.commit()
    assert report.ok and report.created == 2, report.errors
    notes = session.exec(select(ProgressObservation.note).order_by(ProgressObservation.observed_on)).all()
    assert notes == ["-2+3", "=SUM(A1)"]
    text = csv_io.export_progress(session=session)
    assert [row["note"] for row in _rows(text)] == ["'-2+3", "'=SUM(A1)"]
    again = csv_io.import_progress(session=session, data=text.encode(), may_edit=_everyone)
    assert again.ok and again.unchanged == 2 and again.created == again.updated == 0


# --- reading files of any size, and what cannot be read ---------------------------------------------------

def test_a_file_on_disk_is_read_as_a_stream_and_written_in_chunks(session, world, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_io, "CHUNK", 7)  # several chunks, so the chunking itself is exercised
    monkeypatch.setattr(csv_io, "WRITE_CHUNK", {"postgresql": 5, "sqlite": 5})
    rows = _rows(csv_io.export_projects(session=session))
    new = [{**rows[0], "reference": "", "version": "", "parent_reference": "", "stage": "",
            "title_uk": f"Новий проєкт {number}"} for number in range(20)]
    path = tmp_path / "projects.csv"
    path.write_bytes(_write(rows + new))
    seen = []
    report = csv_io.import_projects(session=session, data=path, may_edit=_everyone,
                                    progress=lambda **step: seen.append(step))
    session.commit()
    assert report.ok and (report.created, report.unchanged) == (20, 4)
    titles = set(session.exec(select(Project.title_uk).where(Project.title_uk.like("Новий проєкт %"))))
    assert titles == {f"Новий проєкт {number}" for number in range(20)}
    totals = [step["total"] for step in seen if step.get("total")]
    assert totals and set(totals) == {24}  # counted first, so the bar knows its end
    assert {"done": 24} in seen


HEADER = "authority_code,title_uk,sector,project_type,purpose"


@pytest.mark.parametrize("content, encoding, row, words", [
    (f"{HEADER}\n{{code}},Школа,education,rehabilitation,restoration\n", "cp1251", 2, "not UTF-8"),
    (f"{HEADER}\n{{code}},ok,education,rehabilitation,restoration\n"
     f"{{code}},bad\x00cell,education,rehabilitation,restoration\n", "utf-8", 3, "NUL character"),
    (f"{HEADER}\n{{code}},{'x' * 200_000},education,rehabilitation,restoration\n", "utf-8", 2,
     "more than 131072 characters"),
    (f"{HEADER}\n{{code}},ok,education,rehabilitation,restoration\n"
     f'{{code}},"a, b",education,rehabilitation,"{"x" * 200_000}"\n', "utf-8", 3, "more than 131072 characters"),
    (f"{HEADER}\n{{code}},ok,education,rehabilitation,restoration\n"
     f"{{code}},ok,education,rehabilitation,restoration\x1b\n", "utf-8", 3, "control character U+001B"),
    (f"{HEADER}\n{{code}},{'x' * 5000},education,rehabilitation,restoration\n", "utf-8", 2, "longer than"),
])
def test_text_that_cannot_be_read_is_named_by_its_row_and_nothing_is_written(session, world, content, encoding, row,
                                                                            words):
    before = _count(session, Project)
    data = content.replace("{code}", world.kharkiv_hromada.code).encode(encoding)
    report = csv_io.import_projects(session=session, data=data, may_edit=_everyone)
    assert not report.ok
    assert any(error.row == row and words in error.message for error in report.errors), report.errors
    assert all(len(error.message) < 300 for error in report.errors)  # a giant cell is not repeated back
    session.rollback()
    assert _count(session, Project) == before


@pytest.mark.parametrize("content, row, column", [
    (f"{HEADER}\n{{code}},bad\x00cell,education,rehabilitation,restoration\n", 2, "title_uk"),
    (f"{HEADER}\n{{code}},ok,education,rehabilitation,{'x' * 200_000}\n", 2, "purpose"),
    (f"{HEADER}\n{{code}},ok,{'x' * 200_000},rehabilitation,restoration\n", 2, "sector"),
    (f"{HEADER}\n{{code}},ok,education\x07,rehabilitation,restoration\n", 2, "sector"),
])
def test_a_nul_a_control_character_or_a_giant_cell_is_named_by_row_and_column(session, world, content, row,
                                                                               column):
    data = content.replace("{code}", world.kharkiv_hromada.code).encode("utf-8")
    report = csv_io.import_projects(session=session, data=data, may_edit=_everyone)
    assert [(error.row, error.column) for error in report.errors] == [(row, column)], report.errors


def test_overlapping_imports_of_the_same_projects_one_writes_the_other_is_refused(backend, engine, session, world):
    """Real threads on PostgreSQL: the second import waits on the first's row locks, then finds the rows changed."""
    if backend != "postgresql":
        pytest.skip("row locks between concurrent transactions are what PostgreSQL is for")
    import threading

    from sqlmodel import Session

    rows = _rows(csv_io.export_projects(session=session))
    session.commit()
    first_rows = [{**row, "title_en": "First import"} for row in rows]
    second_rows = [{**row, "title_en": "Second import"} for row in reversed(rows)]  # another order: no deadlock
    first, second = Session(engine, expire_on_commit=False), Session(engine, expire_on_commit=False)
    first_report = csv_io.import_projects(session=first, data=_write(first_rows), may_edit=_everyone)
    assert first_report.ok and first_report.updated == 4
    outcome = {}

    def second_import():
        outcome["report"] = csv_io.import_projects(session=second, data=_write(second_rows), may_edit=_everyone)

    thread = threading.Thread(target=second_import)
    thread.start()
    thread.join(timeout=1.5)
    assert thread.is_alive(), "the second import must wait for the first one's row locks"
    first.commit()
    thread.join(timeout=30)
    report = outcome["report"]
    second.rollback()
    first.close(), second.close()
    assert not report.ok and {error.column for error in report.errors} == {"version"}
    assert all("changed while the file was imported" in error.message for error in report.errors)
    with Session(engine) as check:
        assert set(check.exec(select(Project.title_en))) == {"First import"}


@pytest.mark.parametrize(("text", "rows"), [
    ("title_uk,sector\nA,education\n\nB,health\n", 2),
    ("\ufefftitle_uk;description_uk\nA;\"two\nlines; and a \"\"quote\"\"\"\nB;x\n", 2),
    ("title_uk,sector\n", 0),
    ("", 0),
    ("title_uk\n\"never closed\n", 1),
])
def test_the_progress_total_counts_records_not_lines(text, rows):
    """The writing pass's progress total: a record per row, whatever its cells hold (read without checking)."""
    assert csv_io._count_rows(text.encode("utf-8")) == rows

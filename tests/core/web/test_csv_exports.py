"""Every CSV the application produces, with hostile titles in the data: each cell a spreadsheet would run as a
formula is neutralised (``core.safe_csv``), on every CSV route and both export commands; and the planners'
exports, read back by their imports (web and command line), give the original text and numbers again.
"""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from click.testing import CliRunner
from sqlmodel import select

from tests.planner_factories import add
from tracker.cli import main
from tracker.core.db import session_scope
from tracker.jobs.models import Job, JobState
from tracker.planning.models import ProgressObservation
from tracker.projects.models import Project

HYPERLINK = '=HYPERLINK("http://evil","x")'
HOSTILE = (HYPERLINK, "+1", "-2+3", "@SUM(A1)")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What each project is given: (title_uk, title_en); the draft is not public.
TITLES = {"school": (HYPERLINK, "+1"), "clinic": ("-2+3", "@SUM(A1)"), "draft": ("@SUM(A1)", "-2+3"),
          "bridge": ("+1", HYPERLINK)}
NOTE = "-2+3"
#: The CSV routes this file asks; a new one must be added here (``test_every_csv_route_is_checked``).
CSV_ROUTES = {"/open-data/projects.csv", "/manage/bulk/<kind>/export.csv", "/manage/bulk/<kind>/template.csv",
              "/audit/portfolio.csv"}


@pytest.fixture
def hostile(app, world):
    """The test world with formula-like titles, a negative position and a progress note like a formula."""
    with app.app_context(), session_scope(app) as session:
        for name, (title_uk, title_en) in TITLES.items():
            project = session.get(Project, getattr(world, name).id)
            project.title_uk, project.title_en = title_uk, title_en
        school = session.get(Project, world.school.id)
        school.latitude, school.longitude = -33.25, -70.5
        session.commit()
        add(session, school, "observation", {"observed_on": date(2024, 8, 1), "physical_percent": 20, "note": NOTE})
    return world


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _safe_rows(text: str) -> list[dict[str, str]]:
    """The file's rows, after checking that no cell at all would start a formula in a spreadsheet."""
    cells = _cells(text)
    dangerous = [cell for row in cells for cell in row if cell.startswith(FORMULA_STARTS)]
    assert cells and not dangerous, dangerous
    header, *rows = cells
    return [dict(zip(header, row, strict=True)) for row in rows]


def _titles(rows: list[dict[str, str]], reference: str) -> tuple[str, str]:
    row = next(row for row in rows if row["reference"] == reference)
    return row["title_uk"], row["title_en"]


def _neutralised(name: str) -> tuple[str, str]:
    return tuple("'" + title for title in TITLES[name])


def test_every_csv_route_is_checked(app):
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv")}
    assert routes == CSV_ROUTES


def test_public_open_data(client, hostile):
    response = client.get("/open-data/projects.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _safe_rows(response.get_data(as_text=True))
    for name in ("school", "clinic", "bridge"):
        assert _titles(rows, getattr(hostile, name).reference) == _neutralised(name)
    assert hostile.draft.reference not in {row["reference"] for row in rows}


def test_the_planners_exports_and_template(client, login, hostile):
    login(hostile.admin)
    projects = client.get("/manage/bulk/projects/export.csv")
    assert projects.status_code == 200 and projects.mimetype == "text/csv"
    rows = _safe_rows(projects.get_data(as_text=True))
    for name in TITLES:
        assert _titles(rows, getattr(hostile, name).reference) == _neutralised(name)
    school = next(row for row in rows if row["reference"] == hostile.school.reference)
    assert (school["latitude"], school["longitude"]) == ("'-33.25", "'-70.5")
    progress = _safe_rows(client.get("/manage/bulk/progress/export.csv").get_data(as_text=True))
    assert [(row["reference"], row["note"]) for row in progress] == [(hostile.school.reference, "'" + NOTE)]
    for kind in ("projects", "progress"):
        template = client.get(f"/manage/bulk/{kind}/template.csv")
        assert template.status_code == 200 and _safe_rows(template.get_data(as_text=True)) == []


def test_the_auditors_portfolio(client, login, hostile):
    login(hostile.auditor)
    response = client.get("/audit/portfolio.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _safe_rows(response.get_data(as_text=True))
    for name in TITLES:
        assert _titles(rows, getattr(hostile, name).reference) == _neutralised(name)


def _stored(app, world) -> dict[str, tuple]:
    with app.app_context(), session_scope(app) as session:
        projects = {name: session.get(Project, getattr(world, name).id) for name in TITLES}
        notes = session.exec(select(ProgressObservation.note)).all()
        return {**{name: (p.title_uk, p.title_en, p.latitude, p.longitude, p.version) for name, p in projects.items()},
                "notes": tuple(notes)}


def test_web_export_then_import_gives_back_the_original_text_and_numbers(app, client, login, hostile):
    before = _stored(app, hostile)
    assert before["school"][:4] == (HYPERLINK, "+1", -33.25, -70.5) and before["notes"] == (NOTE,)
    login(hostile.admin)
    for kind in ("projects", "progress"):
        exported = client.get(f"/manage/bulk/{kind}/export.csv").data
        response = client.post(f"/manage/bulk/{kind}/import", content_type="multipart/form-data",
                               data={f"{kind}-file": (io.BytesIO(exported), f"{kind}.csv")})
        assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context(), session_scope(app) as session:
        jobs = session.exec(select(Job).where(Job.kind.startswith("import.")).order_by(Job.id)).all()
        assert [(job.state, job.summary["unchanged"]) for job in jobs] == [(JobState.DONE, 4), (JobState.DONE, 1)]
    assert _stored(app, hostile) == before


def test_a_changed_neutralised_cell_is_imported_without_its_quote(app, client, login, hostile):
    login(hostile.kharkiv_planner)
    text = client.get("/manage/bulk/projects/export.csv").data.decode("utf-8-sig")
    header, *rows = _cells(text)
    school = next(row for row in rows if row[0] == hostile.school.reference)
    school[header.index("title_en")] = "'@SUM(B2)"
    school[header.index("longitude")] = "'-71.75"
    out = io.StringIO()
    csv.writer(out).writerows([header, school])
    response = client.post("/manage/bulk/projects/import", content_type="multipart/form-data",
                           data={"projects-file": (io.BytesIO(out.getvalue().encode()), "p.csv")})
    assert response.status_code == 303
    stored = _stored(app, hostile)["school"]
    assert stored[:4] == (HYPERLINK, "@SUM(B2)", -33.25, -71.75)


def _cli(database_url, tmp_path, *args):
    env = {"TRACKER_DATABASE_URL": database_url, "TRACKER_JOB_QUEUE": "immediate",
           "TRACKER_JOB_FILES_FOLDER": str(tmp_path / "job-files"), "TRACKER_UPLOAD_FOLDER": str(tmp_path / "up")}
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def test_the_export_commands_neutralise_and_the_import_commands_read_back(app, database_url, hostile, tmp_path):
    before = _stored(app, hostile)
    projects, progress = tmp_path / "projects.csv", tmp_path / "progress.csv"
    _cli(database_url, tmp_path, "export", "projects", "-o", str(projects))
    _cli(database_url, tmp_path, "export", "progress", "-o", str(progress))
    rows = _safe_rows(projects.read_text(encoding="utf-8-sig"))
    for name in TITLES:
        assert _titles(rows, getattr(hostile, name).reference) == _neutralised(name)
    assert [row["note"] for row in _safe_rows(progress.read_text(encoding="utf-8-sig"))] == ["'" + NOTE]
    assert "4 unchanged" in _cli(database_url, tmp_path, "import", "projects", str(projects)).output
    assert "1 unchanged" in _cli(database_url, tmp_path, "import", "progress", str(progress)).output
    assert _stored(app, hostile) == before

"""`vidnova report …` and `vidnova export oc4ids` through the real command group."""
from __future__ import annotations

import io
import json

from click.testing import CliRunner
from pypdf import PdfReader

from tests.publishing.services.fixtures import build_rich
from tracker.cli import main


def _cli(database_url, tmp_path, *args):
    env = {"TRACKER_DATABASE_URL": database_url, "TRACKER_CACHE_FOLDER": str(tmp_path / "cache"),
           "TRACKER_UPLOAD_FOLDER": str(tmp_path / "uploads")}
    return CliRunner().invoke(main, list(args), env=env)


def test_report_and_export_commands(database_url, session, tmp_path):
    rich = build_rich(session, str(tmp_path / "uploads"))
    pdf = tmp_path / "school.pdf"
    result = _cli(database_url, tmp_path, "report", "project", rich.project.reference, "-o", str(pdf))
    assert result.exit_code == 0, result.output
    # Piped (as under cron): plain progress lines, never a terminal's carriage returns.
    assert "project report: 3/3 (100%) written" in result.stderr and "\r" not in result.stderr
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    plain = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    assert "Відновлення школи № 1" in text and "1 500 000,00 грн" in plain
    html = tmp_path / "oblast.html"
    result = _cli(database_url, tmp_path, "report", "authority", rich.world.kharkiv_oblast.code, "--format", "html",
                  "--lang", "en", "-o", str(html))
    assert result.exit_code == 0, result.output
    assert "Kharkiv Oblast" in html.read_text(encoding="utf-8")
    assert _cli(database_url, tmp_path, "report", "portfolio", "-o", str(tmp_path / "all.pdf")).exit_code == 0
    assert _cli(database_url, tmp_path, "report", "project", rich.world.draft.reference,
                "-o", str(tmp_path / "x.pdf")).exit_code != 0
    export = tmp_path / "kharkiv.json"
    result = _cli(database_url, tmp_path, "export", "oc4ids", "--authority", rich.world.kharkiv_oblast.code,
                  "-o", str(export))
    assert result.exit_code == 0, result.output
    assert len(json.loads(export.read_text(encoding="utf-8"))["projects"]) == 2
    assert "OC4IDS: 4/4 (100%) projects written" in result.stderr

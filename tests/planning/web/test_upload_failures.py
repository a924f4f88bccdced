"""An upload the server cannot store (a full disk, an unwritable folder) or whose transaction fails answers a
clear message, leaves no file behind and records nothing."""
from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
from sqlmodel import select

from tracker.core.db import session_scope
from tracker.core.errors import Conflict
from tracker.planning import documents
from tracker.planning.document_models import Document
from tracker.projects.models import Project

PDF_BYTES = b"%PDF-1.7\n" + b"x" * 4096 + b"\n%%EOF\n"


def _upload(client, world, name="minutes.pdf", version=None):
    form = {"version": str(version or world.school.version), "document_type": "minutes", "title": "Minutes",
            "file": (io.BytesIO(PDF_BYTES), name), "is_public": "y"}
    return client.post(f"/manage/projects/{world.school.reference}/documents", data=form,
                       content_type="multipart/form-data")


def _recorded(app, world) -> tuple[list, int]:
    with app.app_context(), session_scope(app) as session:
        rows = list(session.exec(select(Document.id)))
        return rows, session.exec(select(Project.version).where(Project.id == world.school.id)).one()


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize(("error", "words"), [
    (errno.ENOSPC, "the server's disk is full"),
    (errno.EDQUOT, "the server's disk is full"),
    (errno.EACCES, "upload folder cannot be written to"),
    (errno.EROFS, "upload folder cannot be written to"),
    (errno.EIO, "a problem on the server (Input/output error)"),
])
def test_a_write_that_fails_half_way_leaves_nothing_and_says_why(app, client, world, login, monkeypatch,
                                                                  error, words):
    folder = Path(app.config["UPLOAD_FOLDER"])
    written = []

    def half_then_fail(path: Path, data: bytes) -> None:
        with open(path, "xb") as handle:  # part of the file reaches the disk, as when it fills up
            handle.write(data[: len(data) // 2])
        written.append(path)
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(documents, "_write", half_then_fail)
    login(world.kharkiv_planner)
    client.get("/lang/en")
    response = _upload(client, world)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert words in page.replace("&#39;", "'") and "Nothing was saved" in page
    assert written and not written[0].exists()  # the half-written temporary file is gone
    assert _files(folder) == []
    assert _recorded(app, world) == ([], world.school.version)


def test_an_upload_folder_that_cannot_be_made_answers_503(app, client, world, login, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")  # its parent is a file: no folder can be made there
    login(world.kharkiv_planner)
    client.get("/lang/en")
    response = _upload(client, world)
    assert response.status_code == 503
    assert "upload folder cannot be written to" in response.get_data(as_text=True).replace("&#39;", "'")
    assert blocker.read_text() == "not a folder"
    assert _recorded(app, world) == ([], world.school.version)


def test_a_transaction_that_fails_after_the_file_was_stored_takes_the_file_away(app, client, world, login,
                                                                                monkeypatch):
    folder = Path(app.config["UPLOAD_FOLDER"])

    def lost_race(*, session, project, expected_version):
        raise Conflict("someone saved first", current_version=expected_version + 1)

    monkeypatch.setattr(documents, "save_from_version", lost_race)
    login(world.kharkiv_planner)
    response = _upload(client, world)
    assert response.status_code == 409
    assert _files(folder) == []  # stored, then removed when the request's transaction rolled back
    assert _recorded(app, world) == ([], world.school.version)


def test_an_upload_kept_is_an_upload_committed(app, client, world, login):
    folder = Path(app.config["UPLOAD_FOLDER"])
    login(world.kharkiv_planner)
    assert _upload(client, world).status_code in (302, 303)
    rows, version = _recorded(app, world)
    assert len(rows) == 1 and version == world.school.version + 1
    with app.app_context(), session_scope(app) as session:
        stored = session.exec(select(Document.storage_name)).one()
    assert _files(folder) == [stored]


def test_in_the_service_a_rollback_removes_the_stored_file_and_keeps_a_removed_one(app, world, tmp_path):
    folder = tmp_path / "service-uploads"
    with app.app_context(), session_scope(app) as session:
        school = session.get(Project, world.school.id)
        kept = documents.store_document(session=session, project=school, data=PDF_BYTES, filename="kept.pdf",
                                        document_type="minutes", title="", is_public=True,
                                        upload_folder=str(folder), expected_version=school.version)
    assert _files(folder) == [kept.storage_name]
    with app.app_context(), session_scope(app) as session:
        school = session.get(Project, world.school.id)
        rolled_back = documents.store_document(session=session, project=school, data=PDF_BYTES,
                                               filename="gone.pdf", document_type="minutes", title="",
                                               is_public=True, upload_folder=str(folder),
                                               expected_version=school.version)
        assert (folder / rolled_back.storage_name).exists()
        documents.delete_document(session=session, project=school, document_id=kept.id,
                                  upload_folder=str(folder), expected_version=school.version)
        assert (folder / kept.storage_name).exists()  # removed only once the removal commits
        session.rollback()
    assert _files(folder) == [kept.storage_name]
    with app.app_context(), session_scope(app) as session:
        school = session.get(Project, world.school.id)
        documents.delete_document(session=session, project=school, document_id=kept.id,
                                  upload_folder=str(folder), expected_version=school.version)
    assert _files(folder) == []

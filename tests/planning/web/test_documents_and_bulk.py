"""Uploads over HTTP, restricted documents hidden from the public, CSV import reports."""
from __future__ import annotations

import io

from sqlmodel import func, select

from tracker.core.db import session_scope
from tracker.planning.document_models import Document
from tracker.projects.models import Project

PDF_BYTES = b"%PDF-1.7\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _upload(client, world, data, name, version="1", public=True):
    form = {"version": version, "document_type": "minutes", "title": name, "file": (io.BytesIO(data), name)}
    if public:
        form["is_public"] = "y"
    return client.post(f"/manage/projects/{world.school.reference}/documents", data=form,
                       content_type="multipart/form-data")


def test_upload_refusals_speak_ukrainian(app, client, world, login):
    login(world.kharkiv_planner)
    disguised = _upload(client, world, b"MZ\x90\x00 executable", "report.pdf").get_data(as_text=True)
    assert "вміст файлу не відповідає його назві: це не справжній файл .pdf" in disguised
    assert "does not match" not in disguised
    empty = _upload(client, world, b"", "empty.pdf").get_data(as_text=True)
    assert "файл порожній" in empty and "the file is empty" not in empty


def test_csv_import_problems_speak_ukrainian(client, world, login):
    login(world.kharkiv_planner)
    data = "reference,observed_on,physical_percent,colour\nVID-2020-999999,завтра,50,red\n".encode()
    response = client.post("/manage/bulk/progress/import", data={"progress-file": (io.BytesIO(data), "p.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "невідомий стовпець" in html and "unknown column" not in html


def _documents(app):
    with app.app_context(), session_scope(app) as session:
        return list(session.exec(select(Document).order_by(Document.id)))


def test_upload_refusals(app, client, world, login):
    login(world.kharkiv_planner)
    client.get("/lang/en")
    disguised = _upload(client, world, b"MZ\x90\x00 executable", "report.pdf")
    assert disguised.status_code == 422 and "does not match its name" in disguised.get_data(as_text=True)
    traversal = _upload(client, world, PDF_BYTES, "../../../etc/passwd.pdf")
    assert traversal.status_code == 422
    app.config["UPLOAD_MAX_BYTES"] = 64
    oversize = _upload(client, world, PDF_BYTES + b"x" * 100, "big.pdf")
    assert oversize.status_code == 422 and "larger than" in oversize.get_data(as_text=True)
    assert _documents(app) == []


def test_restricted_documents_never_reach_the_public(app, client, world, login):
    login(world.kharkiv_planner)
    assert _upload(client, world, PDF_BYTES, "minutes.pdf").status_code == 302
    assert _upload(client, world, PNG_BYTES, "passport-scan.png", version="2", public=False).status_code == 302
    public, restricted = _documents(app)
    base = f"/manage/projects/{world.school.reference}/documents"
    assert _fetch(client, f"{base}/{restricted.id}") == (200, PNG_BYTES)
    client.post("/logout")
    assert _fetch(client, f"{base}/{public.id}") == (200, PDF_BYTES)
    assert _fetch(client, f"{base}/{restricted.id}")[0] == 404
    html = client.get(f"/projects/{world.school.reference}").get_data(as_text=True)
    assert "minutes.pdf" in html and "passport-scan" not in html
    login(world.auditor)
    assert _fetch(client, f"{base}/{restricted.id}")[0] == 200


def _fetch(client, url):
    response = client.get(url)
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()  # a sent file holds its handle until closed


def test_csv_import_with_a_bad_row_writes_nothing(app, client, world, login):
    login(world.kharkiv_planner)
    client.get("/lang/en")
    template = client.get("/manage/bulk/projects/template.csv")
    assert template.status_code == 200 and b"authority_code" in template.data
    header = template.data.decode("utf-8-sig").strip()
    columns = header.split(",")

    def row(**values):
        return ",".join(values.get(name, "") for name in columns)

    good = row(authority_code=world.kharkiv_hromada.code, title_uk="Школа", sector="education",
               project_type="rehabilitation", purpose="restoration")
    bad = row(authority_code=world.kharkiv_hromada.code, title_uk="Лікарня", sector="health",
              project_type="rehabilitation", purpose="restoration", beneficiaries="lots")
    data = f"{header}\n{good}\n{bad}\n".encode()
    response = client.post("/manage/bulk/projects/import", data={"projects-file": (io.BytesIO(data), "p.csv")},
                           content_type="multipart/form-data")
    # The request hands the file to a job and answers with the job's page (under tests the job runs at once).
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nothing was written" in html and "Failed" in html
    assert "<td>3</td><td><code>beneficiaries</code></td>" in html
    with app.app_context(), session_scope(app) as session:
        assert session.exec(select(func.count()).select_from(Project)).one() == 4
    ok = client.post("/manage/bulk/projects/import", data={"projects-file": (io.BytesIO(
        f"{header}\n{good}\n".encode()), "p.csv")}, content_type="multipart/form-data", follow_redirects=True)
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200 and "Done" in html and "Nothing was written" not in html
    assert "<dt>Added</dt><dd>1</dd>" in html
    with app.app_context(), session_scope(app) as session:
        assert session.exec(select(func.count()).select_from(Project)).one() == 5
    missing = client.post("/manage/bulk/projects/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422


def test_export_is_limited_to_the_planners_scope(client, world, login):
    login(world.derhachi_planner)
    text = client.get("/manage/bulk/projects/export.csv").data.decode("utf-8-sig")
    assert world.clinic.reference in text and world.school.reference not in text


def test_removing_a_document_asks_first_and_keeps_it_when_the_planner_says_no(app, client, world, login):
    login(world.kharkiv_planner)
    assert _upload(client, world, PDF_BYTES, "minutes.pdf").status_code == 302
    [document] = _documents(app)
    with app.app_context(), session_scope(app) as session:
        version = session.get(Project, world.school.id).version
    url = f"/manage/projects/{world.school.reference}/documents/{document.id}/delete"
    asked = client.post(url, data={"version": str(version)})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Вилучити minutes.pdf?" in page  # the question, nothing removed yet
    assert 'name="confirmed" value="yes"' in page
    assert f'href="/manage/projects/{world.school.reference}/documents"' in page  # "no, keep it" goes back
    assert [d.id for d in _documents(app)] == [document.id]
    removed = client.post(url, data={"version": str(version), "confirmed": "yes"})
    assert removed.status_code == 302 and _documents(app) == []


def test_removing_a_list_item_asks_first(app, client, world, login):
    from tests.planner_factories import add, contract_values

    with app.app_context(), session_scope(app) as session:
        project = session.get(Project, world.school.id)
        contract = add(session, project, "contract", contract_values())
        contract_id, version = contract.id, project.version
    login(world.kharkiv_planner)
    url = f"/manage/projects/{world.school.reference}/items/contract/{contract_id}/delete"
    assert client.post(url, data={"version": str(version)}).status_code == 200
    with app.app_context(), session_scope(app) as session:
        assert session.get(Project, world.school.id).version == version  # nothing written by the question
    assert client.post(url, data={"version": str(version), "confirmed": "yes"}).status_code == 302
    with app.app_context(), session_scope(app) as session:
        assert session.get(Project, world.school.id).version == version + 1

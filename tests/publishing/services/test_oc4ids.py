"""OC4IDS exports validate against the 0.9.5 schema with jsonschema and with libcoveoc4ids, offline."""
from __future__ import annotations

import functools
import http.server
import json
import threading
from datetime import UTC, datetime

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource

from tests.conftest import SHARED_DATA
from tests.publishing.services.fixtures import PUBLIC_DOC, RESTRICTED_DOC
from tracker.core.db import session_scope
from tracker.publishing import oc4ids

SCHEMA_DIR = SHARED_DATA / "oc4ids"
PROJECT_SCHEMA_URL = "https://standard.open-contracting.org/infrastructure/schema/0__9__5/project-schema.json"

# The schema files live beside the checkout (../shared/data), not in it.
pytestmark = pytest.mark.skipif(
    not (SCHEMA_DIR / "project-package-schema.json").exists(),
    reason=f"the OC4IDS 0.9.5 schema is not at {SCHEMA_DIR} (it lives outside the repository)")


def validator() -> Draft4Validator:
    package = json.loads((SCHEMA_DIR / "project-package-schema.json").read_text())
    project = json.loads((SCHEMA_DIR / "project-schema.json").read_text())
    registry = Registry().with_resource(PROJECT_SCHEMA_URL, Resource.from_contents(project))
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def schema_server():
    """The local schema folder on a loopback port, so libcoveoc4ids needs no network."""
    handler = functools.partial(_QuietHandler, directory=str(SCHEMA_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def cove(data: dict, base: str, tmp_path) -> dict:
    from libcoveoc4ids.api import oc4ids_json_output
    from libcoveoc4ids.config import LibCoveOC4IDSConfig

    config = LibCoveOC4IDSConfig({"schema_host": base, "schema_version_choices": {"0.9.5": ("0.9.5", base)},
                                  "schema_codelists": {"0.9": base + "codelists/"}})
    return oc4ids_json_output(str(tmp_path), json_data=data, lib_cove_oc4ids_config=config)


def assert_valid(data: dict, base: str, tmp_path) -> None:
    errors = sorted(validator().iter_errors(data), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    result = cove(data, base, tmp_path)
    assert result["validation_errors"] == []
    assert not result.get("additional_closed_codelist_values")


def test_project_package_is_valid_and_public_only(client, rich, schema_server, tmp_path):
    data = client.get(f"/open-data/oc4ids/projects/{rich.project.reference}.json").get_json()
    assert_valid(data, schema_server, tmp_path)
    (project,) = data["projects"]
    assert data["version"] == "0.9" and project["id"] == f"oc4ids-vidnov-{rich.project.reference}"
    assert project["status"] == "identification" and project["sector"] == ["education"]
    roles = {role for party in project["parties"] for role in party["roles"]}
    assert {"publicAuthority", "funder", "supplier"} <= roles
    assert project["publicAuthority"]["id"] in {p["id"] for p in project["parties"]}
    assert {m["id"] for m in project["metrics"]} == {"physicalProgress", "financialProgress"}
    titles = {d["title"] for d in project["documents"]}
    assert PUBLIC_DOC in titles and RESTRICTED_DOC not in titles
    assert {d["documentType"] for d in project["documents"]} == {"minutes", "illustration"}
    assert project["budget"]["amount"] == {"amount": 14000000.0, "currency": "UAH"}


def test_authority_and_full_exports_are_valid(client, rich, schema_server, tmp_path):
    authority = client.get(f"/open-data/oc4ids/authorities/{rich.world.kharkiv_oblast.id}.json").get_json()
    assert_valid(authority, schema_server, tmp_path)
    everything = client.get("/open-data/oc4ids/projects.json").get_json()
    assert_valid(everything, schema_server, tmp_path)
    ids = {p["id"].removeprefix("oc4ids-vidnov-") for p in everything["projects"]}
    assert rich.world.draft.reference not in ids and rich.project.reference in ids
    assert len(authority["projects"]) == 2 and len(everything["projects"]) == 3


def test_streamed_export_matches_and_cancelled_maps(app, rich, tmp_path, monkeypatch):
    import io

    monkeypatch.setattr(oc4ids, "CHUNK", 1)  # many chunks: the seams between them must stay valid JSON
    with app.app_context(), session_scope(app) as session:
        from tracker.projects.models import Project

        session.get(Project, rich.world.bridge.id).state = "cancelled"
    with app.app_context(), session_scope(app) as session:
        stream = io.StringIO()
        publication = oc4ids.Publication("vidnov", "Vidnova", "http://localhost/")
        count = oc4ids.write_package(stream, session=session, publication=publication, uri="http://localhost/x",
                                     published=datetime.now(UTC))
    data = json.loads(stream.getvalue())
    assert count == 3 == len(data["projects"])
    assert {p["status"] for p in data["projects"]} >= {"cancelled"}
    assert not list(validator().iter_errors(data))


def test_the_validators_do_catch_bad_data(schema_server, tmp_path):
    bad = {"version": "0.9", "uri": "http://x/", "publishedDate": "2026-01-01T00:00:00Z", "publisher": {"name": "x"},
           "projects": [{"id": "oc4ids-vidnov-1", "status": "bogus", "budget": {"amount": {"amount": 1,
                                                                                             "currency": "XXZ"}}}]}
    assert list(validator().iter_errors(bad))
    result = cove(bad, schema_server, tmp_path)
    assert result["validation_errors"] or result.get("additional_closed_codelist_values")


def test_the_full_export_is_drawn_up_once_by_a_worker_then_served_as_a_file(app, client, rich, schema_server,
                                                                            tmp_path):
    from sqlmodel import Session, select

    from tracker.core.db import get_engine
    from tracker.jobs.models import Job

    live = client.get("/open-data/oc4ids/projects.json")
    # No file for the data as they are: streamed live, and the job drawing up the file queued (the test queue
    # runs it as the request commits).
    assert live.status_code == 200 and "X-Export" not in live.headers
    with client.get("/open-data/oc4ids/projects.json") as served:  # a file: closed when read
        assert served.headers["X-Export"] == "pre-generated" and served.headers["ETag"] == live.headers["ETag"]
        package = served.get_json()
    assert_valid(package, schema_server, tmp_path)
    assert package["projects"] == live.get_json()["projects"]
    assert client.get("/open-data/oc4ids/projects.json",
                      headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    with app.app_context(), Session(get_engine(app)) as session:
        [job] = session.exec(select(Job)).all()
        assert (job.kind, job.state, job.summary["projects"]) == ("export.oc4ids", "done", 3)
    # A change to public data: the old file is no longer served as current.
    with app.app_context(), session_scope(app) as session:
        from tracker.projects.models import Project

        session.get(Project, rich.project.id).title_uk = "Нова назва"
    again = client.get("/open-data/oc4ids/projects.json")
    assert "X-Export" not in again.headers and "Нова назва" in again.get_data(as_text=True)
    with client.get("/open-data/oc4ids/projects.json") as newer:
        assert newer.headers["X-Export"] == "pre-generated" and "Нова назва" in newer.get_data(as_text=True)

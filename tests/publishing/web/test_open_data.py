"""The open-data front door: every dataset with its licence, the API's index and its readable reference."""
from __future__ import annotations

from tracker.core import data_version
from tracker.core.db import session_scope
from tracker.publishing import export_jobs
from tracker.publishing.open_data import DESCRIPTION_TEXTS
from tracker.publishing.openapi import openapi_document


def test_the_open_data_page_lists_every_dataset_with_its_licence(client, rich):
    html = client.get("/open-data").get_data(as_text=True)
    assert "<h1>Відкриті дані</h1>" in html  # Ukrainian by default for the public
    for url in ("/open-data/oc4ids/projects.json", "/open-data/projects.csv", "/open-data/projects.geojson",
                "/reports/portfolio.pdf", "/open-data/api", "/api/v1/", "/api/v1/openapi.json"):
        assert f'href="{url}"' in html, url
    assert "https://creativecommons.org/licenses/by/4.0/" in html and "CC BY 4.0" in html
    assert "на запит" in html  # no OC4IDS file drawn up yet: made when asked for
    client.get("/lang/en")
    assert "<h1>Open data</h1>" in client.get("/open-data/").get_data(as_text=True)


def test_the_size_of_a_ready_file_is_shown(app, client, rich):
    with app.app_context(), session_scope(app) as session:
        path = export_jobs.package_path(data_version.current(session).version)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 3 * 1048576)
    client.get("/lang/en")
    assert "3.0 MB" in client.get("/open-data").get_data(as_text=True)


def test_the_api_index_names_every_operation_and_where_it_is_described(client, rich):
    assert client.get("/api/v1").status_code in (301, 308)
    answer = client.get("/api/v1/").get_json()
    document = openapi_document("Vidnova")
    assert [item["path"] for item in answer["endpoints"]] == list(document["paths"])
    assert answer["reference"].endswith("/open-data/api") and answer["openapi"].endswith("/api/v1/openapi.json")
    assert answer["open_data"].startswith("http")


def test_the_api_reference_is_a_page_in_the_readers_language(client, rich):
    html = client.get("/open-data/api").get_data(as_text=True)
    assert "<h1>Публічний API</h1>" in html
    for path in openapi_document("Vidnova")["paths"]:
        assert f"<code>GET {path}</code>" in html, path
    assert "Публічні проєкти, посторінково" in html and "Public projects, paginated" not in html
    assert 'href="/api/v1/projects"' in html  # an address to try where the path takes no parameter
    client.get("/lang/en")
    assert "Public projects, paginated" in client.get("/open-data/api").get_data(as_text=True)


def test_every_text_of_the_api_description_is_marked_for_translation():
    document = openapi_document("Vidnova")
    texts = set()
    for methods in document["paths"].values():
        for operation in methods.values():
            texts.add(operation["summary"])
            texts |= {item["description"] for item in operation.get("parameters", []) if item.get("description")}
            texts |= {answer["description"] for answer in operation["responses"].values()}
    assert texts <= {str(text) for text in DESCRIPTION_TEXTS}, texts - {str(text) for text in DESCRIPTION_TEXTS}

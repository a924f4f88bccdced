"""Bad input never reaches a 500: every route of the app, walked with ids out of any column's range, NUL bytes,
control characters and malformed fields, as nobody, as an admin and as a planner, answers below 500.

The routes are read from ``app.url_map``, so a route added later is walked too without anyone listing it here.
"""
from __future__ import annotations

import re
from html import escape as html_escape
from html.parser import HTMLParser

import pytest
from sqlmodel import select

from tests.engagement.services.conftest import clinic_need, register
from tests.publishing.services.fixtures import build_rich
from tests.web_fixtures import sign_in
from tracker.accounts.models import User
from tracker.core.db import session_scope
from tracker.projects.models import Project

#: Values for an ``<int:…>`` path part: past PostgreSQL's integer, past SQLite's (and unsigned 64 bits), and
#: a negative (the converter refuses the sign: 404).
OUT_OF_RANGE_IDS = ["2147483648", "99999999999999999999", "-1"]
#: Values for any other path part.
BAD_SEGMENTS = ["a%00b", "VID-2026-9223372036854775808"]
#: Valid values of named path parts, so that the other parts are reached.
VALID = {"kind": "contract", "section": "needs", "code": "en", "rule_id": "P1-1", "token": "abc",
         "filename": "report.css", "item_id": "1"}
#: Query strings sent with every GET.
BAD_QUERIES = [
    "page=99999999999999999999&per_page=99999999999999999999&authority=9223372036854775808&oblast=2147483648"
    "&contract_id=2147483648",
    "page=-1&per_page=abc&authority=-1&oblast=abc&q=%s&status=x&rule=x&sort=x&next=//x&stage=x" % ("x" * 5000),
    "q=a%00b",
]
#: Values put into every field of a form.
BAD_FIELDS = ["a\x00b", "\x1b", "99999999999999999999", "-1", "x" * 20_000]
#: Field names posted where a route has no form to read them from.
COMMON_FIELDS = ["version", "note", "justification", "state", "title", "description", "amount", "id", "email",
                 "password", "message", "body", "stage", "is_public", "file", "rule_id", "status", "outcome"]
#: Endpoints skipped for a signed-in walk (it would sign the walker out).
SIGNING_OUT = {"auth.logout"}



class _FormFields(HTMLParser):
    """The fields of a page's forms: each name with the value the page fills in, and the names of numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.numbers: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        name = attributes.get("name")
        if tag == "input" and name:
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                self.values.setdefault(name, "")
            else:
                self.values[name] = attributes.get("value", "")
            if attributes.get("type") == "number":
                self.numbers.add(name)
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and ("selected" in attributes or not self.values[self._select]):
            self.values[self._select] = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _form_fields(page: str) -> _FormFields:
    parser = _FormFields()
    parser.feed(page)
    return parser


def _values_for(rule, name: str, converter, reference: str) -> tuple[str, list[str]]:
    """(a value that reaches the view, bad values) for one path part."""
    kind = type(converter).__name__
    if kind == "AnyConverter":
        return sorted(converter.items)[0], []
    if kind in ("IntegerConverter", "IdConverter"):
        return VALID.get(name, "1"), OUT_OF_RANGE_IDS
    good = reference if name == "reference" else VALID.get(name, "x")
    return good, BAD_SEGMENTS


def _urls(rule, reference: str) -> list[str]:
    """The rule's URL with valid parts, then with each part in turn bad."""
    parts = {name: _values_for(rule, name, converter, reference) for name, converter in rule._converters.items()}
    good = {name: value for name, (value, _bad) in parts.items()}
    urls = [_build(rule, good)]
    for name, (_good, bad_values) in parts.items():
        urls += [_build(rule, {**good, name: bad}) for bad in bad_values]
    return urls


def _build(rule, values: dict[str, str]) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + r">", values[name], url)
    return url


def _walk(client, app, reference: str, *, signed_in: bool) -> list[str]:
    failures: list[str] = []

    def send(method: str, url: str, label: str = "", **kwargs):
        """The answer, or None after noting a server error (in testing an unhandled exception propagates)."""
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001 - every exception is the finding
            failures.append(f"{method} {url[:120]!r}{label} -> {type(error).__name__}: {str(error)[:160]}")
            return None
        response.get_data()
        response.close()  # a file sent (a report asset) is closed
        if response.status_code >= 500:
            failures.append(f"{method} {url[:120]!r}{label} -> {response.status_code}")
        return response

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or (signed_in and rule.endpoint in SIGNING_OUT):
            continue
        first, *bad_urls = _urls(rule, reference)
        form = _FormFields()
        if "GET" in rule.methods:
            response = send("GET", first)
            if response is not None and response.status_code == 200 and response.mimetype == "text/html":
                form = _form_fields(response.get_data(as_text=True))
            for query in BAD_QUERIES:
                send("GET", f"{first}?{query}")
        names = sorted((set(COMMON_FIELDS) | set(form.values)) - {"csrf_token"})
        if "POST" in rule.methods and form.numbers:
            # The page's own values, every number out of range: each field but the numbers passes.
            huge = dict.fromkeys(form.numbers, "99999999999999999999")
            send("POST", first, " numbers huge", data={**form.values, **huge})
        if "POST" in rule.methods:
            for value in BAD_FIELDS:
                send("POST", first, f" all={value[:20]!r}", data=dict.fromkeys(names, value))
            send("POST", first, " version=abc", data={**dict.fromkeys(names, "2147483648"), "version": "abc"})
            send("POST", first, " key NUL", data={"a\x00b": "1", "version": "1"})
        for url in bad_urls:
            for method in ("GET", "POST"):
                if method in rule.methods:
                    send(method, url, data=dict.fromkeys(names, "1") if method == "POST" else None)
    return failures


@pytest.fixture
def seeded(app, tmp_path):
    """The rich world (stage data, a contract, documents) with a confirmed partner and a need: so that the
    ids the walk uses (1) name real rows and the forms behind them are reached."""
    app.config["CACHE_FOLDER"] = str(tmp_path / "cache")
    with app.app_context(), session_scope(app) as session:
        rich = build_rich(session, app.config["UPLOAD_FOLDER"])
        register(session, confirm_by=session.get(User, rich.world.admin.id))
        clinic_need(session, rich.world)
    return rich


def test_no_route_answers_a_server_error_to_bad_input(app, client, seeded):
    """As nobody, as an admin and as a planner, in one app and world (their setup costs more than a walk)."""
    world, reference = seeded.world, seeded.project.reference
    for url in ("/needs/1", "/partners/1", f"/manage/projects/{reference}/documents/1", "/authorities/1"):
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url  # the ids the walk uses name real rows
    with app.app_context(), session_scope(app) as session:
        before = session.exec(select(Project.version).where(Project.id == seeded.project.id)).one()
    failures = [f"nobody: {failure}" for failure in _walk(client, app, reference, signed_in=False)]
    for user in (world.admin, world.kharkiv_planner):
        assert sign_in(client, user.email).status_code == 302
        failures += [f"{user.email}: {failure}" for failure in _walk(client, app, reference, signed_in=True)]
        client.post("/logout")
    assert not failures, "\n".join(failures)
    with app.app_context(), session_scope(app) as session:  # nothing the walk sent was written
        assert session.exec(select(Project.version).where(Project.id == seeded.project.id)).one() == before


# --- the edge's answers, one by one ---------------------------------------------------------------------------

@pytest.mark.parametrize("authority_id", ["2147483648", "9223372036854775808", "99999999999999999999",
                                          "9" * 5000])
def test_an_id_out_of_range_is_no_page(client, world, authority_id):
    assert client.get(f"/authorities/{authority_id}").status_code == 404
    response = client.get(f"/api/v1/authorities/{authority_id}")
    assert response.status_code == 404
    assert response.get_json() == {"error": "not found"}  # the API answers in JSON even where no route matched


def test_the_largest_id_is_still_a_route(client, world):
    assert client.get("/authorities/2147483647").status_code == 404  # no such authority, but asked for
    assert client.get(f"/authorities/{world.ukraine.id}").status_code == 200


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "abc", "1e9", "9" * 5000])
def test_a_page_number_out_of_range_shows_the_nearest_page(client, world, page):
    """On the pages; the API refuses it (below), except a page past the last, which shows the last."""
    answer = client.get("/api/v1/projects?page=2147483647&per_page=100").get_json()
    assert answer["page"] == 1 and answer["total"] == 3
    assert client.get(f"/projects?page={page}").status_code == 200
    assert client.get(f"/needs?page={page}&oblast=99999999999999999999").status_code == 200


@pytest.mark.parametrize(("url", "where"), [
    ("/projects/VID%00", "the address"),
    ("/projects?q=a%00b", "the query parameter “q”"),
    ("/projects?a%01b=1", "the query parameter “ab”"),
    ("/projects?sector=%C2%85", "the query parameter “sector”"),
])
def test_a_control_character_in_the_address_answers_400_saying_where(client, world, url, where):
    client.get("/lang/en")
    response = client.get(url)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "control character" in page and html_escape(where) in page


def test_a_control_character_in_the_api_answers_json(client, world):
    response = client.get("/api/v1/projects?q=%00")
    assert response.status_code == 400
    assert "control character" in response.get_json()["error"] or "керівний" in response.get_json()["error"]


def test_a_nul_in_a_stage_form_answers_400_and_writes_nothing(app, client, world, login):
    login(world.kharkiv_planner)
    client.get("/lang/en")
    url = f"/manage/projects/{world.school.reference}/stage/needs"
    response = client.post(url, data={"version": str(world.school.version), "damage_description": "roof\x00gone"})
    assert response.status_code == 400
    assert "the field “damage_description”" in response.get_data(as_text=True)
    with app.app_context(), session_scope(app) as session:
        assert session.exec(select(Project.version).where(Project.id == world.school.id)).one() == \
            world.school.version


def test_tab_and_line_breaks_are_text_in_a_form_field(client, world, login):
    login(world.kharkiv_planner)
    url = f"/manage/projects/{world.school.reference}/stage/needs"
    response = client.post(url, data={"version": str(world.school.version),
                                      "damage_description": "Roof:\tgone\r\nWalls:\tcracked\n"})
    assert response.status_code in (200, 302, 303, 422)  # the form's own answer, not the edge's 400


@pytest.mark.parametrize("version", ["abc", "99999999999999999999", "1\x00"])
@pytest.mark.parametrize("form", ["move", "state"])
def test_a_malformed_version_on_the_stage_forms_answers_400(client, world, login, form, version):
    login(world.kharkiv_planner)
    client.get("/lang/en")
    response = client.post(f"/manage/projects/{world.school.reference}/{form}",
                           data={"version": version, "state": "suspended", "note": "x", "justification": ""})
    assert response.status_code == 400
    words = "control character" if "\x00" in version else "reload the page"
    assert words in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "words"), [
    ("page=0", "“page” must be a whole number from 1 to 2147483647"),
    ("page=99999999999999999999", "“page” must be a whole number from 1 to 2147483647"),
    ("per_page=101", "“per_page” must be a whole number from 1 to 100"),
    ("per_page=abc", "“per_page” must be a whole number"),
    ("authority=-1", "“authority” must be a whole number"),
    ("stage=bogus", "“stage” must be one of: needs_assessment"),
])
def test_the_api_refuses_a_parameter_outside_its_description_saying_which(client, world, query, words):
    client.get("/lang/en")
    response = client.get(f"/api/v1/projects?{query}")
    assert response.status_code == 400
    assert words in response.get_json()["error"]


def test_the_api_answers_a_wrong_method_in_json_with_allow(client, world):
    response = client.post("/api/v1/projects")
    assert response.status_code == 405
    assert response.get_json() == {"error": "method not allowed"}
    assert "GET" in response.headers["Allow"]

"""Every word in the reader's language: the pages, reports and refusals the web tests can reach, in Ukrainian and
in English, show no message of the other catalogue, no vocabulary code, no column name and no doubled full stop.

The scan crawls through the Flask test client from the home page and from each role's signed-in pages (nobody,
an admin, a planner, an auditor, an EU partner) over a world with stage data, documents, a need and an offer, a
finding, a citizen's complaint and a signed-off checklist, following every link of each page it reads (a few of
each kind of address), then asks for the reports (HTML, the very document the PDF is made from) and sends what a
reader may get refused: a CSV import with errors, a file that is not what it says, a sign-off twice, an empty
justification. Visible text is what a reader sees: text outside ``<script>``, ``<style>`` and ``<code>``, and the
``title``, ``aria-label``, ``placeholder`` and ``alt`` attributes.
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po
from sqlmodel import SQLModel, select

from tests.engagement.services.conftest import clinic_need, register, registration
from tests.planner_factories import contract_values, needs_values, plan_values, save
from tests.publishing.services.fixtures import PUBLIC_DOC, RESTRICTED_DOC, build_rich
from tests.web_fixtures import sign_in
from tracker.accounts.models import User
from tracker.core import vocab
from tracker.core.db import session_scope
from tracker.engagement.models import Need
from tracker.engagement.offers import OfferCreate, make_offer
from tracker.governance.stages import change_state
from tracker.jobs.models import Job
from tracker.projects.models import Project
from tracker.voice.models import CitizenItem

ROOT = Path(__file__).resolve().parents[2]
DAMAGE_PHOTO, MILESTONE = "Фото пошкоджень", "Roof closed"  # build_rich's
LANGUAGES = ("uk", "en")
#: Addresses of one shape (digits and references folded, query keys kept) read at most this often per reader.
PER_SHAPE = 2
#: Never followed: they act (sign out, switch language) or are files, not pages.
NOT_FOLLOWED = ("/logout", "/lang/", "/static/", "/reports/assets/", "/open-data/projects", "/open-data/oc4ids",
                "/api/", "/map/")

# --- what the catalogues say ------------------------------------------------------------------------------


def _catalogue(locale: str):
    with (ROOT / "tracker" / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _fragments(text: str) -> list[str]:
    """The literal pieces of a message between its placeholders, markup and sentence breaks."""
    text = re.sub(r"<[^>]+>", "\n", text)
    return [piece.strip() for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|[\n:;()«»\"]", text) if piece.strip()]


def _phrases(locale: str, *, source: bool) -> str:
    """Every literal piece of one side of a catalogue (its message ids, or its translations), one a line.

    A message whose translation equals its id (a proper name, an abbreviation, "OC4IDS", "EUR") belongs to both
    languages and is left out."""
    pieces: list[str] = []
    for message in _catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if set(ids) & set(strings):
            continue
        for text in ids if source else strings:
            pieces += _fragments(text)
    return "\n" + "\n".join(pieces) + "\n"


def _runs(text: str, letters: str) -> list[str]:
    """Runs of two or more words of one alphabet (English words on a Ukrainian page and the other way round)."""
    word = f"[{letters}][{letters}'’-]*"
    return re.findall(f"{word}(?:,? {word})+", text)


LATIN, CYRILLIC = "A-Za-z", "А-ЩЬЮЯҐЄІЇа-щьюяґєії"


def _vocabulary_codes() -> set[str]:
    return {member.value for name in dir(vocab) if isinstance(item := getattr(vocab, name), type)
            and issubclass(item, StrEnum) and item is not StrEnum for member in item}


def _column_names() -> set[str]:
    return {column.name for table in SQLModel.metadata.sorted_tables for column in table.columns}


# --- visible text ---------------------------------------------------------------------------------------------

VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class _Page(HTMLParser):
    """A page's visible text (one string a text node or visible attribute) and the links it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "code"):
            self._hidden += 1
        self.texts += [value for key, value in attrs if key in VISIBLE_ATTRIBUTES and value]
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


# --- what counts as a finding ---------------------------------------------------------------------------------

def _world_text() -> str:
    """The test world's own free text (titles, names, descriptions: the readers' data, which may be in either
    language on either page), one value a line."""
    values = [*needs_values().values(), *plan_values().values(), *contract_values().values(),
              *vars(registration()).values(), PUBLIC_DOC, RESTRICTED_DOC, DAMAGE_PHOTO, MILESTONE]
    return "\n".join(str(value) for value in values if isinstance(value, str))


#: Text of the world that is also a code: the accounts' names (the local part of their addresses: "admin",
#: "oblast", "auditor") and the partner's name, shown where a name belongs.
WORLD_NAMES = {"admin", "oblast", "derhachi", "irpin", "auditor", "Claire Martin"}
_ADDRESSES = re.compile(r"https?://\S+|[\w.+-]+@[\w.-]+")


@dataclass
class Scan:
    """What the readers saw, in both languages, and what is wrong with it (finding -> where it was seen)."""

    english: str = field(default_factory=lambda: _phrases("uk", source=True))
    data: str = field(default_factory=_world_text)
    phrases: list[str] = field(default_factory=lambda: [line for line in _world_text().splitlines() if " " in line])
    ukrainian: str = field(default_factory=lambda: _phrases("uk", source=False))
    codes: set[str] = field(default_factory=_vocabulary_codes)
    columns: set[str] = field(default_factory=_column_names)
    findings: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pages: int = 0

    def check(self, where: str, locale: str, texts: list[str]) -> None:
        self.pages += 1
        for text in texts:
            for problem in self.problems(locale, text):
                self.findings[f"[{locale}] {problem}"].add(where)

    def problems(self, locale: str, text: str) -> list[str]:
        found = []
        text = _ADDRESSES.sub("", text)  # links and addresses are what they are in every language
        other, letters = (self.english, LATIN) if locale == "uk" else (self.ukrainian, CYRILLIC)
        both = self.ukrainian if locale == "uk" else self.english
        for run in _runs(text, letters):
            if run in self.data or run in both:  # names both catalogues use ("PDF, JPEG, PNG")
                continue
            if f"\n{run}\n" in other or (len(run.split()) >= 3 and run in other):
                found.append(f"untranslated: {run!r} in {text[:100]!r}")
            elif locale == "uk" and len(run.split()) >= 3:
                # Not a message of the catalogue at all: English written straight into the code.
                found.append(f"English: {run!r} in {text[:100]!r}")
        for token in re.findall(r"[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+|[a-z]+", text):
            coded = "_" in token or "." in token
            # A plain word is a code where it stands for a value: alone, or after a colon ("Оприлюднено: education").
            alone = re.fullmatch(rf"(?:.*: )?{re.escape(token)}\.?", text) is not None
            # An account's name where a name belongs: alone, or closing a label ("Редагувати: admin").
            named = text in WORLD_NAMES or (token in WORLD_NAMES and text.endswith(f": {token}"))
            if named or any(token in line.split() and line in text for line in self.phrases):
                continue
            if token in self.codes and (coded or alone):
                found.append(f"vocabulary code: {token!r} in {text[:100]!r}")
            elif token in self.columns and (coded or alone) and token not in self.codes:
                found.append(f"field name: {token!r} in {text[:100]!r}")
        if re.search(r"(?<!\.)\.\s?\.(?!\.)", text):
            found.append(f"doubled full stop in {text[:120]!r}")
        return found


# --- the world and the crawl ---------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    """What a page says does not depend on the database: the scan runs on SQLite only (it is the suite's longest
    single test; the pages themselves are tested on both backends in their packages)."""
    return request.param


@dataclass
class ScanWorld:
    rich: object
    partner_email: str


@pytest.fixture
def scan_world(app, tmp_path) -> ScanWorld:
    app.config["CACHE_FOLDER"] = str(tmp_path / "cache")
    with app.app_context(), session_scope(app) as session:
        rich = build_rich(session, app.config["UPLOAD_FOLDER"])
        world = rich.world
        profile = register(session, confirm_by=session.get(User, world.admin.id))
        need = clinic_need(session, world)
        make_offer(session=session, need=session.get(Need, need.id), profile=profile,
                   user=session.get(User, profile.user_id),
                   data=OfferCreate(kind="funds", message="Можемо допомогти", amount=Decimal("50000")), rate_limit=10)
        session.add(CitizenItem(project_id=rich.project.id, kind="complaint", category="delay",
                                body="Роботи стоять", author_email="citizen@example.org", state="published"))
        session.commit()
        # The public change history: a field changed, a project's state and sector changed (codes and names).
        school = session.get(Project, rich.project.id)
        save(session, school, "planning", {**plan_values(), "project_manager_name": "Ірина Петренко"})
        session.commit()
        bridge = session.get(Project, world.bridge.id)
        change_state(session=session, project=bridge, state="suspended", expected_version=bridge.version,
                     actor=session.get(User, world.admin.id), note="Зима")
        session.commit()
    return ScanWorld(rich=rich, partner_email="partner@lyon-test.eu")


def _shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"VID-\d+-\d+", "R", re.sub(r"/\d+", "/N", parts.path))
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(client, scan: Scan, reader: str, starts: list[str], locale: str) -> None:
    """Read every page reachable from ``starts`` (a few of each shape), checking each."""
    seen_shapes: dict[str, int] = defaultdict(int)
    queue, seen = list(starts), set()
    while queue:
        url = queue.pop(0)
        if url in seen or seen_shapes[_shape(url)] >= PER_SHAPE:
            continue
        seen.add(url)
        seen_shapes[_shape(url)] += 1
        response = client.get(url)
        if response.mimetype != "text/html":
            response.close()
            continue
        page = visible(response.get_data(as_text=True))
        scan.check(f"{reader} GET {url}", locale, page.texts)
        for link in page.links:
            target = urljoin(url, link.split("#")[0])
            parts = urlsplit(target)
            if (parts.netloc in ("", "localhost") and parts.path.startswith("/")
                    and not parts.path.startswith(NOT_FOLLOWED) and target not in seen):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def _refusals(client, scan: Scan, reader: str, reference: str, locale: str) -> None:
    """What a planner is told when something sent is refused: CSV errors, a file that is not what it says."""
    bad_csv = ("reference,title_uk,sector,stage,total_cost\n"
               f"{reference},,unknown,nowhere,abc\n,Новий,education,planning,-5\n")
    for kind in ("projects", "progress"):
        response = client.post(f"/manage/bulk/{kind}/import", content_type="multipart/form-data",
                               data={f"{kind}-file": (io.BytesIO(bad_csv.encode()), f"{kind}.csv")},
                               follow_redirects=True)
        scan.check(f"{reader} import {kind}", locale, visible(response.get_data(as_text=True)).texts)
    form = client.get(f"/manage/projects/{reference}/documents").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    response = client.post(f"/manage/projects/{reference}/documents", content_type="multipart/form-data",
                           data={"version": version, "file": (io.BytesIO(b"MZ\x90\x00not a pdf"), "minutes.pdf"),
                                 "title": "Протокол", "document_type": "minutes", "is_public": "y"},
                           follow_redirects=True)
    scan.check(f"{reader} upload", locale, visible(response.get_data(as_text=True)).texts)


def _auditor_refusals(client, scan: Scan, reader: str, reference: str, locale: str) -> None:
    for statement in ("", "x", "Перевірено на місці, усе відповідає проєктній документації."):
        response = client.post(f"/audit/projects/{reference}/signoff", data={"statement": statement})
        scan.check(f"{reader} sign-off {statement[:5]!r}", locale, visible(response.get_data(as_text=True)).texts)


def _reports(client, scan: Scan, reference: str, authority_id: int, locale: str) -> None:
    for url in (f"/reports/projects/{reference}.html", f"/reports/authorities/{authority_id}.html",
                "/reports/portfolio.html"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        scan.check(f"report {url}", locale, visible(response.get_data(as_text=True)).texts)


def _forget_jobs(app) -> None:
    """Each language's run reads only its own jobs: a job's progress message and problems are written in the
    language it ran in (``jobs.models.Job``), so one started in Ukrainian rightly stays Ukrainian."""
    with app.app_context(), session_scope(app) as session:
        for job in session.exec(select(Job)):
            session.delete(job)
        session.commit()


def test_every_reader_sees_every_word_in_their_language(app, client, scan_world):
    rich = scan_world.rich
    world, reference = rich.world, rich.project.reference
    scan = Scan()
    readers = [("nobody", None, ["/login", "/partners/register", "/open-data/api"]),
               ("admin", world.admin.email, ["/manage/rules/", "/manage/partners", "/manage/voice", "/jobs/"]),
               ("planner", world.kharkiv_planner.email, ["/manage/bulk/", "/manage/projects/new", "/jobs/",
                                                         "/manage/needs/new", "/account/password"]),
               ("auditor", world.auditor.email, ["/audit/", "/audit/findings"]),
               ("partner", scan_world.partner_email, ["/partners/matches", "/offers"])]
    for locale in LANGUAGES:
        _forget_jobs(app)
        for reader, email, starts in readers:
            client.post("/logout")
            if email:
                password = "partner-password-1" if reader == "partner" else None
                answer = sign_in(client, email, password) if password else sign_in(client, email)
                assert answer.status_code == 302, reader
            client.get(f"/lang/{locale}")
            crawl(client, scan, reader, [f"/projects/{reference}", "/", *starts], locale)
            if reader == "planner":
                _refusals(client, scan, reader, reference, locale)
            if reader == "auditor":
                _auditor_refusals(client, scan, reader, reference, locale)
        _reports(client, scan, reference, world.kharkiv_hromada.id, locale)
    assert scan.pages > 150  # the crawl reached the site, not one page
    report = "\n".join(f"{finding}\n    seen at {sorted(where)[:3]}"
                       for finding, where in sorted(scan.findings.items()))
    assert not scan.findings, f"{len(scan.findings)} finding(s) on {scan.pages} pages:\n{report}"


# --- the scan itself can fail ---------------------------------------------------------------------------------

def test_the_scan_sees_english_codes_columns_and_doubled_stops():
    scan = Scan()
    assert scan.problems("uk", "Budget and funding")  # a report heading left in English
    assert scan.problems("uk", "Оприлюднено: education")
    assert scan.problems("en", "Stage: needs_assessment")
    assert scan.problems("en", "project_manager_name")
    assert scan.problems("uk", "Рішення ухвалено..")
    assert scan.problems("en", "Бюджет і фінансування")
    assert not scan.problems("uk", "Бюджет і фінансування…")
    assert not scan.problems("en", "Budget and funding...")


def test_visible_text_skips_scripts_and_reads_labels():
    page = visible('<p title="Звіт">Текст<script>var stage_x = 1;</script></p><code>needs_assessment</code>'
                   '<input placeholder="Пошук" value="hidden_value"><a href="/x">Далі</a>')
    assert page.texts == ["Звіт", "Текст", "Пошук", "Далі"] and page.links == ["/x"]

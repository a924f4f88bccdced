"""Every page the browser suite visits, public and for each role, at phone and desktop widths: no horizontal
scroll, no axe-core violation of any impact, a main menu that opens on a phone, tap targets of at least 44 px,
chart text no smaller than 11 px."""
from __future__ import annotations

import shutil
import threading
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.e2e.axe import axe_source, violations
from tests.engagement.services.conftest import PARTNER_PASSWORD, clinic_need, register
from tests.factories import PASSWORD, build_world
from tests.voice.conftest import SECRET, add_moderator, confirmation_path, submit
from tracker import create_app
from tracker.accounts.models import User
from tracker.audit import findings
from tracker.core.db import get_engine, session_scope
from tracker.engagement.offers import OfferCreate, make_offer
from tracker.jobs import runner
from tracker.planning import documents
from tracker.planning.import_jobs import IMPORT_PROJECTS
from tracker.voice import operations as voice

PARTNER_EMAIL = "partner@lyon-test.eu"
PHONE, DESKTOP = 390, 1366


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_template):
    """The app served once for the module, on the test world plus a need, an offer, a finding, a document,
    a job and a complaint awaiting moderation: every kind of page has something to show."""
    folder = tmp_path_factory.mktemp("responsive")
    database = folder / "e2e.sqlite3"
    shutil.copy(sqlite_template, database)
    app = create_app({"TESTING": True, "ENV": "testing", "SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{database}",
                      "WTF_CSRF_ENABLED": True, "UPLOAD_FOLDER": str(folder / "uploads"),
                      "JOB_FILES_FOLDER": str(folder / "jobs")})
    with app.app_context(), session_scope(app) as session:
        world = build_world(session)
        ids = _content(session, world, folder)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", world, ids
    http.shutdown()
    thread.join(timeout=5)
    get_engine(app).dispose()


def _content(session, world, folder) -> dict[str, object]:
    need = clinic_need(session, world, title_en="Equipment for the outpatient clinic")
    profile = register(session, PARTNER_EMAIL, confirm_by=world.admin)
    register(session, "waiting@gent-test.eu", organisation_name="Stad Gent", organisation_name_en="City of Ghent",
             country="BE")
    offer = make_offer(session=session, need=need, profile=profile, user=session.get(User, profile.user_id),
                       rate_limit=100,
                       data=OfferCreate(kind="funds", message="We can fund the X-ray unit.", amount=120000))
    finding = findings.raise_finding(
        session=session, project=world.school, user=world.auditor, data=findings.FindingCreate.model_validate({
            "stage": "needs_assessment", "severity": "high", "principle": "P11", "rule_id": "A-VISIT",
            "title": "Works do not match the contract", "description": "The roof differs from the design.",
            "recommendation": "Have the contractor replace it.", "due_date": date.today() + timedelta(days=30),
            "responsible_authority_id": world.kharkiv_hromada.id, "is_public": True}))
    documents.store_document(session=session, project=world.school, data=b"%PDF-1.7\n%%EOF\n",
                             filename="Протокол громадських слухань.pdf", document_type="minutes",
                             title="Протокол громадських слухань", is_public=True,
                             upload_folder=str(folder / "uploads"), expected_version=world.school.version)
    job = runner.submit(session=session, kind=IMPORT_PROJECTS, params={}, started_by_id=world.kharkiv_planner.id,
                        send=False)
    submit(session, world.school, body="Роботи на даху зупинилися в травні, а підрядник не з'являється.")
    session.flush()
    token = confirmation_path(session).rsplit("/", 1)[1]
    voice.confirm(session=session, token=token, secret_key=SECRET, answer_days=30)
    moderator = add_moderator(session)
    session.commit()
    return {"need": need.id, "profile": profile.id, "offer": offer.id, "finding": finding.id, "job": job.id,
            "moderator": moderator.email}


def _pages(world, ids) -> dict[str, list[str]]:
    """The pages each kind of visitor opens, by the e-mail they sign in with (None: signed out)."""
    school, clinic = world.school.reference, world.clinic.reference
    manage = f"/manage/projects/{school}"
    return {
        "public": ["/", "/projects?q=&sector=education", "/projects?stage=planning&sort=title", f"/projects/{school}",
                   f"/projects/{clinic}", "/authorities", f"/authorities/{world.kharkiv_oblast.id}",
                   f"/authorities/{world.kharkiv_hromada.id}", "/needs", f"/needs/{ids['need']}", "/partners",
                   f"/partners/{ids['profile']}", "/partners/register", "/partnerships", "/map", "/open-data",
                   "/open-data/api", f"/reports/projects/{school}.html",
                   f"/reports/authorities/{world.kharkiv_oblast.id}.html", "/reports/portfolio.html",
                   f"/projects/{school}/voice", "/login"],
        world.kharkiv_planner.email: [manage, f"{manage}/stage/needs", f"{manage}/stage/planning",
                                      f"{manage}/stage/implementation", f"{manage}/items/contract/new",
                                      f"{manage}/edit", f"{manage}/documents", f"{manage}/history", f"{manage}/move",
                                      "/manage/projects/new", "/manage/bulk/", "/jobs/", f"/jobs/{ids['job']}",
                                      "/audit/findings", f"/audit/findings/{ids['finding']}", "/offers",
                                      f"/offers/{ids['offer']}", "/manage/needs/new", "/account/password"],
        world.auditor.email: ["/audit/", f"/audit/projects/{school}", f"/audit/projects/{school}/findings/new",
                              "/audit/findings", f"/audit/findings/{ids['finding']}"],
        world.admin.email: ["/manage/rules/", "/manage/partners", "/manage/voice", "/jobs/"],
        PARTNER_EMAIL: ["/partners/matches", "/offers", f"/offers/{ids['offer']}"],
        ids["moderator"]: ["/manage/voice"],
    }


def _visitor(browser, base, width, email, *, bypass_csp=True):
    """A browser context at ``width`` px, in Ukrainian, signed in as ``email`` unless it is None."""
    context = browser.new_context(locale="uk-UA", viewport={"width": width, "height": 800}, bypass_csp=bypass_csp)
    context.add_init_script(axe_source())  # compiled once per context, not injected page by page
    page = context.new_page()
    page.set_default_timeout(15_000)
    if email is not None:
        page.goto(f"{base}/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(PARTNER_PASSWORD if email == PARTNER_EMAIL else PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_role("status").first).to_be_visible()
    return context, page


def _overflow(page) -> int | None:
    """How far the page scrolls sideways (None when it does not)."""
    scroll, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return scroll - viewport if scroll > viewport else None


ROLES = ["public", "planner", "auditor", "admin", "partner", "moderator"]


def _email(world, ids, role):
    return {"public": None, "planner": world.kharkiv_planner.email, "auditor": world.auditor.email,
            "admin": world.admin.email, "partner": PARTNER_EMAIL, "moderator": ids["moderator"]}[role]


SMALL_TARGETS = """() => [...document.querySelectorAll(
    'header a, header button, header summary, main button, main input:not([type=hidden]), main select,'
    + ' main textarea, main .button, main nav a')]
  .filter(element => element.offsetParent !== null && !element.closest('.visually-hidden, .hp'))
  .map(element => {
    // A check box or radio button is tapped together with its label, which toggles it too.
    const boxes = [element, ...(element.labels || [])].map(target => target.getBoundingClientRect());
    const top = Math.min(...boxes.map(b => b.top)), bottom = Math.max(...boxes.map(b => b.bottom));
    const left = Math.min(...boxes.map(b => b.left)), right = Math.max(...boxes.map(b => b.right));
    const [width, height] = ['checkbox', 'radio'].includes(element.type) ? [right - left, bottom - top]
      : [boxes[0].width, boxes[0].height];
    return {what: element.outerHTML.slice(0, 90), width: Math.round(width), height: Math.round(height)};
  })
  .filter(box => box.height < 44 || box.width < 44)"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_the_screen_passes_axe_and_has_big_tap_targets(site, browser, role, width):
    base, world, ids = site
    email = _email(world, ids, role)
    context, page = _visitor(browser, base, width, email)
    problems = {}
    try:
        for path in _pages(world, ids)[email or "public"]:
            response = page.goto(base + path)
            assert response.ok, (path, response.status)
            found = {}
            if (extra := _overflow(page)) is not None:
                found["horizontal scroll (px)"] = extra
            if axe := violations(page):
                found["axe"] = axe
            if width == PHONE and (small := page.evaluate(SMALL_TARGETS)):
                found["tap targets under 44 px"] = small[:5]
            if found:
                problems[path] = found
    finally:
        context.close()
    assert problems == {}


@pytest.mark.parametrize("width", [360, 414])
@pytest.mark.parametrize("role", ["public", "planner", "auditor"])
def test_no_horizontal_scroll_at_the_narrowest_and_widest_phones(site, browser, role, width):
    base, world, ids = site
    email = _email(world, ids, role)
    context, page = _visitor(browser, base, width, email)
    try:
        wide = {}
        for path in _pages(world, ids)[email or "public"]:
            page.goto(base + path)
            if (extra := _overflow(page)) is not None:
                wide[path] = extra
    finally:
        context.close()
    assert wide == {}


def test_the_menu_opens_on_a_phone_without_javascript(site, browser):
    base, world, _ids = site
    context = browser.new_context(locale="uk-UA", viewport={"width": PHONE, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base + "/")
        menu = page.get_by_role("navigation", name="Головне меню")
        projects = menu.get_by_role("link", name="Проєкти", exact=True)
        expect(projects).to_be_hidden()
        page.get_by_text("Меню", exact=True).click()
        expect(projects).to_be_visible()
        projects.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Проєкти")
    finally:
        context.close()


def test_a_signed_in_planner_reaches_the_role_links_from_the_phone_menu(site, browser):
    base, world, _ids = site
    context, page = _visitor(browser, base, PHONE, world.kharkiv_planner.email, bypass_csp=False)
    try:
        page.goto(base + "/")
        menu = page.get_by_role("navigation", name="Головне меню")
        page.get_by_text("Меню", exact=True).click()
        for name in ("Проєкти", "Завдання", "Новий проєкт", "Зауваження"):
            link = menu.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, name  # on the screen, not off its edge
        assert page.evaluate(SMALL_TARGETS) == []  # the open menu's links and buttons too
        menu.get_by_role("link", name="Зауваження", exact=True).click()
        expect(page).to_have_url(f"{base}/audit/findings")
        # The sign-out button sits in the menu too, and works.
        page.get_by_text("Меню", exact=True).click()
        page.get_by_role("button", name="Вийти").click()
        expect(page.get_by_role("status").first).to_be_visible()
        expect(page.get_by_role("button", name="Вийти")).to_have_count(0)
    finally:
        context.close()





CHART_TEXT = """() => [...document.querySelectorAll('svg.chart text')].map(text => {
    const size = parseFloat(getComputedStyle(text).fontSize);
    return Math.round(size * text.ownerSVGElement.getScreenCTM().a * 10) / 10;
})"""


@pytest.mark.parametrize("width", [360, PHONE, DESKTOP])
def test_chart_text_stays_legible_on_a_phone(site, browser, width):
    base, world, _ids = site
    context, page = _visitor(browser, base, width, None)
    try:
        sizes = {}
        for path in ("/", f"/projects/{world.school.reference}", f"/authorities/{world.kharkiv_oblast.id}"):
            page.goto(base + path)
            sizes[path] = page.evaluate(CHART_TEXT)
    finally:
        context.close()
    assert all(sizes.values()), sizes  # every page has charts
    assert {path: [s for s in found if s < 11] for path, found in sizes.items()} == {path: [] for path in sizes}

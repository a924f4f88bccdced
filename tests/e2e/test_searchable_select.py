"""Long selects made searchable (static/select_filter.js) in Chromium: typing filters the options, Enter picks
the first match, the chosen authority is submitted; the page passes the axe check."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import Session, select

from tests.e2e.axe import violations
from tests.factories import PASSWORD
from tracker.accounts.models import User, UserAuthority
from tracker.core.db import get_engine, session_scope
from tracker.core.hierarchy import add_authority
from tracker.core.models import Authority


def _many_hromadas(app, world) -> int:
    """Enough authorities for the lists to pass 30 options; returns how many may scope a planner."""
    with app.app_context(), session_scope(app) as session:
        kyiv = session.get(Authority, world.kyiv_oblast.id)
        for number in range(40):
            add_authority(session=session, parent=kyiv, level="hromada", name_uk=f"Громада № {number + 1}",
                          name_en=f"Hromada no. {number + 1}")
    return 7 + 40


def _sign_in_in_ukrainian(page, base, email):
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("status").first).to_be_visible()


def test_typing_kharkiv_finds_the_authority_and_it_is_submitted(server, page, live_app):
    base, world = server
    app, _world = live_app
    total = _many_hromadas(app, world)
    _sign_in_in_ukrainian(page, base, world.admin.email)

    # A single select (the authority of the rule settings page): typing and Enter pick the first match.
    page.goto(f"{base}/manage/rules/settings/")
    picker = page.locator("#authority-filter")
    expect(picker).to_be_visible()
    picker.fill("дерг")
    picker.press("Enter")
    expect(page.locator("#authority")).to_be_focused()
    expect(page.locator("#authority")).to_have_value(str(world.derhachi_hromada.id))
    page.locator("form[method=get] button[type=submit]").click()
    expect(page.locator("h2").first).to_contain_text("Дергачівська")

    # The planner's scope (a multiple select) on the new user form.
    page.goto(f"{base}/manage/users/new")
    scope = page.locator("#authority")
    expect(scope.locator("option")).to_have_count(total)
    box = page.get_by_label("Відфільтрувати список", exact=True)
    expect(box).to_have_attribute("aria-describedby", "authority-label authority-filter-status")
    expect(page.get_by_label("Органи влади (лише для планувальників)")).to_have_count(1)  # the select alone
    box.fill("Харк")
    visible = scope.locator("option:not([hidden])")
    expect(visible).to_have_count(3)  # the oblast, the raion and the hromada
    expect(page.locator("#authority-filter-status")).to_have_text(f"3 з {total} показано")
    assert violations(page) == []
    scope.select_option(label="Харківська (Громада)")
    page.locator("#name").fill("Олена Коваль")
    page.locator("#email").fill("olena@hromada.ua")
    page.locator("#role").select_option("planner")
    page.locator("#locale").select_option("uk")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("code.secret")).to_be_visible()
    with Session(get_engine(app)) as session:
        created = session.exec(select(User).where(User.email == "olena@hromada.ua")).one()
        scope_ids = session.exec(select(UserAuthority.authority_id).where(UserAuthority.user_id == created.id)).all()
    assert scope_ids == [world.kharkiv_hromada.id]


def test_without_javascript_the_plain_select_works(server, browser, live_app):
    base, world = server
    app, _world = live_app
    _many_hromadas(app, world)
    context = browser.new_context(locale="uk-UA", java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in_in_ukrainian(page, base, world.admin.email)
        page.goto(f"{base}/manage/users/new")
        expect(page.locator("#authority-filter")).to_have_count(0)
        expect(page.locator("#authority option:not([hidden])")).to_have_count(47)
    finally:
        context.close()

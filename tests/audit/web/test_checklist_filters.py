"""The auditor's checklist filtered by outcome and to manual items, through the query string, with counts."""
from __future__ import annotations

import re

SITE, FUND, VISIT = "The site has a KATOTTG code", "Red flag: no funding committed", \
    "A site visit confirms the works match the contract"


def _page(client, project, query=""):
    response = client.get(f"/audit/projects/{project.reference}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _checklist(page: str) -> str:
    return page.split('id="checklist"', 1)[1].split('id="signoffs"', 1)[0]


def _counts(page: str) -> dict[str, int]:
    nav = page.split('class="checklist-filters"', 1)[1].split("</nav>", 1)[0]
    return {text: int(count) for text, count in re.findall(r">([A-Za-z ]+) \((\d+)\)<", nav)}


def test_filters_show_their_items_and_counts(client, world, login):
    login(world.auditor)
    client.get("/lang/en")
    # The school: no KATOTTG code (data missing: unknown), funding committed (passes), the visit unmarked (unknown).
    page = _page(client, world.school)
    assert _counts(page) == {"All outcomes": 3, "Failed only": 0, "Not applicable": 0, "Passed": 1, "Unknown": 2,
                             "Manual and automatic items": 3, "Manual items only": 1}
    # The clinic has no funding: that check fails.
    failed = _checklist(_page(client, world.clinic, "?outcome=failed"))
    assert FUND in failed and SITE not in failed and VISIT not in failed
    assert 'aria-current="true">Failed only (1)' in failed
    passed = _checklist(_page(client, world.school, "?outcome=passed"))
    assert FUND in passed and SITE not in passed and VISIT not in passed
    unknown = _checklist(_page(client, world.school, "?outcome=unknown"))
    assert VISIT in unknown and SITE in unknown and FUND not in unknown
    empty = _checklist(_page(client, world.school, "?outcome=not_applicable"))
    assert "No manual item matches this filter." in empty and "No automatic item matches this filter." in empty


def test_manual_items_only_and_marked_not_applicable(client, world, login):
    login(world.auditor)
    client.get("/lang/en")
    manual = _page(client, world.school, "?items=manual")
    assert VISIT in _checklist(manual) and SITE not in _checklist(manual) and "Automatic items" not in manual
    assert _counts(manual)["All outcomes"] == 1 and _counts(manual)["Failed only"] == 0
    # The filter links keep "manual only", and the outcome is kept when switching back to every item.
    assert "outcome=unknown&amp;items=manual" in manual
    assert "items=manual" not in _page(client, world.school, "?outcome=failed&items=manual").split(
        "Manual and automatic items", 1)[0].rsplit("<a ", 1)[1]
    marked = client.post(f"/audit/projects/{world.school.reference}/marks/A-VISIT",
                         data={"m-a-visit-stage": "needs_assessment", "m-a-visit-verdict": "not_applicable",
                               "m-a-visit-comment": "No works on site yet."})
    assert marked.status_code == 302
    page = _page(client, world.school, "?outcome=not_applicable&items=manual")
    assert VISIT in _checklist(page) and _counts(page)["Not applicable"] == 1


def test_an_unknown_filter_shows_everything(client, world, login):
    login(world.auditor)
    client.get("/lang/en")
    page = _checklist(_page(client, world.school, "?outcome=%3Cscript%3E&items=everything"))
    assert SITE in page and FUND in page and VISIT in page

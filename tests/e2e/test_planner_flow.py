"""A planner takes a project from needs assessment to implementation in a real browser, is stopped
by a governance rule on the way, reads why, fixes the data and moves on."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import PASSWORD


def _sign_in(page, base, email):
    page.goto(f"{base}/lang/en?next=/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status").first).to_contain_text("Signed in")


def _fill(page, values: dict[str, str]) -> None:
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)


def test_planner_moves_a_project_through_the_gates(server, page):
    base, world = server
    reference = world.school.reference
    _sign_in(page, base, world.kharkiv_planner.email)

    # The site code lives with the general data.
    page.goto(f"{base}/manage/projects/{reference}/edit")
    page.get_by_label("Location (KATOTTG code)").fill("UA63120270000096230")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Changes saved")

    # Needs assessment, forgetting the damage register reference.
    page.goto(f"{base}/manage/projects/{reference}")
    page.get_by_role("navigation", name="Project workspace").get_by_role("link", name="Needs assessment").click()
    _fill(page, {"Assessment date": "2024-02-01", "Beneficiaries": "640", "Of whom internally displaced": "120",
                 "Estimated cost of the need (UAH)": "12500000",
                 "Strategy it serves": "Kharkiv hromada strategy 2021-2027, goal 2.1"})
    page.get_by_label("Urgency").select_option("high")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Needs assessment saved")

    # The gate into planning stops the move and says why.
    page.get_by_role("link", name="Move to next stage").first.click()
    expect(page.get_by_text("does not cite an entry of the register of damaged and destroyed property")).to_be_visible()
    expect(page.get_by_role("button", name="Move to Planning", exact=True)).to_have_count(0)

    # Fix the data; the move goes through.
    page.goto(f"{base}/manage/projects/{reference}/stage/needs")
    page.get_by_label("Damage register reference").fill("DR-2023-000481")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Needs assessment saved")
    page.get_by_role("link", name="Move to next stage").first.click()
    page.get_by_role("button", name="Move to Planning", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("moved to the next stage")

    # Planning: the data, a permit and an indicator.
    page.goto(f"{base}/manage/projects/{reference}/stage/planning")
    _fill(page, {"Main output": "Rebuilt school building", "Quantity": "2400", "Unit": "m2",
                 "Alternatives considered": "2", "Total budget (UAH)": "14000000",
                 "Capital expenditure (UAH)": "13000000", "Annual operating cost (UAH)": "450000",
                 "Council budget decision number": "1234-VIII", "Council budget decision date": "2024-04-10",
                 "Consultation start": "2024-03-01", "Consultation end": "2024-03-21", "Participants": "85",
                 "Outcome published on": "2024-03-25", "Environmental impact": "No significant impact",
                 "Risk assessment": "Supply delays; winter works", "Expert review report number": "EX-2024-77",
                 "Expert review date": "2024-05-02", "Procurement plan": "Open tender for the works, Q2 2024",
                 "Project manager": "Olena Kovalenko"})
    page.get_by_label("Consequence class").select_option("CC2")
    page.get_by_label("The project manager is certified").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Planning saved")
    page.get_by_role("link", name="Add: permits").click()
    _fill(page, {"Kind of permit": "Construction permit", "Number": "KV-1234", "Issued on": "2024-05-01"})
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Permit saved")
    page.get_by_role("link", name="Add: indicators").click()
    _fill(page, {"Indicator": "Pupils taught in the building", "Unit": "persons", "Baseline": "0", "Target": "640"})
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Indicator saved")

    # Two levels of government pay (the test world funds the school locally and from the EU): the
    # gate asks for the co-financing agreement.
    page.get_by_role("link", name="Move to next stage").first.click()
    expect(page.get_by_text("no co-financing agreement is recorded")).to_be_visible()
    page.goto(f"{base}/manage/projects/{reference}/stage/planning")
    _fill(page, {"Co-financing agreement": "CF-2024-015", "Co-financing agreement date": "2024-04-20"})
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Planning saved")
    page.get_by_role("link", name="Move to next stage").first.click()
    page.get_by_role("button", name="Move to Implementation", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("moved to the next stage")
    expect(page.locator(".meta .stage")).to_have_text("Implementation")

    # The change history on the public page tells the story.
    page.goto(f"{base}/manage/projects/{reference}/history")
    # Fields by the words of their forms, never as column names.
    expect(page.get_by_role("cell", name="Damage register reference", exact=True).first).to_be_visible()
    expect(page.get_by_role("cell", name="damage_register_ref")).to_have_count(0)

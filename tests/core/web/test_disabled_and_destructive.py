"""Disabled actions say why, and actions that cannot be undone ask first."""
from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
_TAG = re.compile(r"<(button|input|select|textarea)\b[^>]*>", re.S)


def test_every_disabled_control_points_to_its_reason():
    """A disabled control names the visible text that says why (``aria-describedby`` to an id on the page)."""
    checked = 0
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in _TAG.finditer(text):
            if re.search(r"\sdisabled\b", tag.group(0)):
                checked += 1
                described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
                assert described, (template.name, tag.group(0))
                assert f'id="{described.group(1)}"' in text, (template.name, described.group(1))
    assert checked, "the gate page's disabled move button is checked at least"


def test_irreversible_buttons_go_through_a_confirmation_page():
    """Each button of an action that cannot be undone is marked as dangerous, and its view asks first."""
    for template, action in [("engagement/offer.html", "offers.withdraw"), ("jobs/job.html", "jobs.job_cancel"),
                             ("planner/_nav.html", "delete_button")]:
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        assert action in text and "danger" in text, template
    page = (TEMPLATES / "confirm_action.html").read_text(encoding="utf-8")
    assert 'name="confirmed" value="yes"' in page and 'class="danger"' in page

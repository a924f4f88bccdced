"""axe-core (from npm, node_modules/axe-core) run inside the page: the accessibility check of the e2e tests."""
from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_source() -> str:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make install` (it runs `npm ci`)")
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """Every violation on the current page, whatever its impact: the WCAG 2.0 and 2.1 A and AA rules and
    axe's best practices (landmarks, headings, unique link names...)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


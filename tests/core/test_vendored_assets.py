"""The Leaflet copy the map pages load from the package's static files is the version package-lock.json pins."""
from __future__ import annotations

import json
import re

from tracker.core.config import PROJECT_ROOT

STATIC = PROJECT_ROOT / "tracker" / "static" / "vendor" / "leaflet"


def test_the_shipped_leaflet_is_the_locked_version_with_its_licence():
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"]["node_modules/leaflet"]["version"]
    assert lock["packages"][""]["dependencies"]["leaflet"] == locked  # pinned exactly
    header = (STATIC / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert re.search(r"Leaflet (\S+), a JS library", header).group(1) == locked
    assert "BSD 2-Clause" in (STATIC / "LICENSE").read_text(encoding="utf-8")
    assert {path.name for path in (STATIC / "images").iterdir()} >= {"marker-icon.png", "layers.png"}


def test_the_shipped_boundaries_carry_their_attribution():
    readme = (PROJECT_ROOT / "tracker" / "core" / "geo_data" / "README.md").read_text(encoding="utf-8")
    assert "geoBoundaries" in readme and "CC BY 4.0" in readme

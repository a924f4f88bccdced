"""The map's tile layer is a deployment's choice, parsed strictly; without it the site loads nothing from outside."""
from __future__ import annotations

import pytest

from tracker.core.config import ConfigError, from_environment, tile_origin, validate


def test_a_tile_address_needs_its_placeholders_and_a_web_scheme():
    found = from_environment({"TRACKER_MAP_TILE_URL": "https://tiles.example.ua/{z}/{x}/{y}.png"})
    assert found["MAP_TILE_URL"] == "https://tiles.example.ua/{z}/{x}/{y}.png"
    for bad in ("ftp://tiles.example.ua/{z}/{x}/{y}.png", "https://tiles.example.ua/tile.png", "{z}/{x}/{y}"):
        with pytest.raises(ConfigError, match="TRACKER_MAP_TILE_URL"):
            from_environment({"TRACKER_MAP_TILE_URL": bad})


def test_a_tile_layer_without_its_attribution_is_refused():
    config = {"DATABASE_URL": "sqlite://", "ENV": "testing", "MAP_TILE_URL": "https://t.example.ua/{z}/{x}/{y}.png"}
    with pytest.raises(ConfigError, match="MAP_TILE_ATTRIBUTION"):
        validate(config)
    validate({**config, "MAP_TILE_ATTRIBUTION": "© Example"})


def test_the_content_security_policy_allows_the_tile_origin_only():
    assert tile_origin("https://tiles.example.ua/{z}/{x}/{y}.png") == "https://tiles.example.ua"
    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"


def test_the_default_site_policy_names_no_other_origin(client):
    policy = client.get("/map").headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy

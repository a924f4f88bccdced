"""The registry keeps the last good rule sets when a reload fails."""
from __future__ import annotations

import shutil

from tests.rules.rule_cases import RULES_DIR
from tracker.rules import RuleRegistry


def test_reload_keeps_the_last_good_sets(tmp_path):
    for path in RULES_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    registry = RuleRegistry(tmp_path)
    assert registry.reload() == ()
    good = registry.rule_sets
    assert set(good) == {"oecd_principles", "cost_ids_disclosure", "ukraine_procurement", "data_quality"}

    broken = tmp_path / "oecd_principles.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("fact: needs.strategy_ref,", "fact: needs.strategy,"),
                      encoding="utf-8")
    errors = registry.reload()
    assert len(errors) == 1 and errors[0].rule_id == "OECD-P1-01"
    assert registry.rule_sets is good
    assert registry.get("oecd_principles") is good["oecd_principles"]
    assert registry.errors == errors

    broken.unlink()
    assert registry.reload() == ()
    assert set(registry.rule_sets) == {"cost_ids_disclosure", "ukraine_procurement", "data_quality"}


def test_first_load_failure_leaves_the_registry_empty(tmp_path):
    registry = RuleRegistry(tmp_path)
    errors = registry.reload()
    assert "no rule set files" in errors[0].message
    assert dict(registry.rule_sets) == {}

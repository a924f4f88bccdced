"""The rule context of a running app: a failed reload keeps the last good rule sets, never half loaded."""
from __future__ import annotations

import pytest

from tracker.governance.rule_context import RuleConfigError, load_rule_context, parse_exchange_rates


def test_failed_reload_keeps_the_last_good_rule_sets(rules_dir, context):
    before = context.rule_sets["test_gates"]
    (rules_dir / "test_gates.yaml").write_text("id: test_gates\nrules: [", encoding="utf-8")
    (rules_dir / "second.yaml").write_text("id: second\n", encoding="utf-8")
    errors = context.reload()
    assert errors and any("test_gates.yaml" in error for error in errors)
    assert context.rule_sets["test_gates"] is before
    assert "second" not in context.rule_sets


def test_loading_a_broken_directory_names_file_and_line(rules_dir):
    (rules_dir / "test_gates.yaml").write_text(
        (rules_dir / "test_gates.yaml").read_text().replace("matches: 'UA\\d{17}'", "matches: 'UA(\\d{17}'"))
    with pytest.raises(RuleConfigError) as refused:
        load_rule_context(str(rules_dir))
    [error] = refused.value.errors
    assert "test_gates.yaml:" in error and "[T-SITE]" in error


def test_settings_file_is_checked_against_the_rules(rules_dir, tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("T-FUNDING:\n  minimum: lots\n", encoding="utf-8")
    with pytest.raises(RuleConfigError) as refused:
        load_rule_context(str(rules_dir), str(settings))
    assert "minimum" in refused.value.errors[0]
    settings.write_text("T-FUNDING:\n  minimum: 5000\n", encoding="utf-8")
    context = load_rule_context(str(rules_dir), str(settings))
    assert context.settings == {"T-FUNDING": {"minimum": 5000}}


def test_exchange_rates():
    rates = parse_exchange_rates("EUR=44.5, usd=40")
    assert str(rates["EUR"]) == "44.5" and str(rates["USD"]) == "40" and rates["UAH"] == 1
    with pytest.raises(RuleConfigError):
        parse_exchange_rates("EUR=-1")

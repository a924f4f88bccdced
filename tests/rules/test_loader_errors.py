"""Each kind of bad rule file gives one clear error naming the file, the line and the rule."""
from __future__ import annotations

import pytest

from tests.rules.rule_cases import RULES_DIR, one_rule, rule_set_from
from tracker.rules import RuleLoadError, load_rule_set, load_rule_sets
from tracker.rules.limits import MAX_CONDITION_DEPTH, MAX_FILE_BYTES

GOOD_RULE = """\
  - id: T-{n:02d}
    title_uk: т
    title_en: t
    principles: [P1]
    severity: warning
    condition: {{fact: needs.beneficiaries, gt: 0}}
    explain: {{pass_uk: так, pass_en: 'yes', fail_uk: ні, fail_en: 'no'}}
"""


def single_error(build) -> tuple:
    with pytest.raises(RuleLoadError) as caught:
        build()
    assert len(caught.value.errors) == 1, caught.value.errors
    error = caught.value.errors[0]
    return error.file, error.line, error.rule_id, error.message


def test_malformed_yaml_names_the_line_and_the_nearest_rule():
    text = GOOD_RULE.format(n=1) + "  - id: T-02\n    title_uk: [unclosed\n"
    file, line, rule_id, message = single_error(lambda: rule_set_from(text, "broken.yaml"))
    assert (file, rule_id) == ("broken.yaml", "T-02")
    assert line in (15, 16) and "invalid YAML" in message


def test_duplicate_rule_ids():
    text = GOOD_RULE.format(n=1) + GOOD_RULE.format(n=1)
    assert single_error(lambda: rule_set_from(text)) == (
        "test.yaml", 14, "T-01", "duplicate rule id (first defined on line 7)")


def test_duplicate_yaml_key():
    text = GOOD_RULE.format(n=1).replace("    severity: warning\n", "    severity: warning\n    severity: info\n")
    file, line, rule_id, message = single_error(lambda: rule_set_from(text))
    assert (line, rule_id, message) == (12, "T-01", "invalid YAML: duplicate key 'severity'")


@pytest.mark.parametrize(("condition", "fragment"), [
    ("{fact: needs.nonsense, is_set: true}", "unknown fact 'needs.nonsense'"),
    ("{fact: needs.assessment_date, gt: 5}", "cannot compare needs.assessment_date (date) with 5 (integer)"),
    ("{fact: planning.budget.total, matches: '\\d+'}", "matches needs a text fact"),
    ("{fact: planning.project_manager.certified, lt: true}", "lt needs numbers, money or dates"),
    ("{fact: identification.location_code, matches: 'UA[0-9'}", "bad regular expression"),
    ("{fact: needs.beneficiaries, gt: {param: nope}}", "unknown parameter 'nope'"),
    ("{fact: planning.consequence_class, eq: CC4}", "'CC4' is not a value of planning.consequence_class"),
    ("{fact: planning.funding, eq: 1}", "is a list"),
    ("{value: {sum: planning.funding.financier}, gt: 0}", "sum needs a field of type"),
    ("{value: {days_between: [{fact: needs.beneficiaries}, {fact: needs.assessment_date}]}, gt: 0}",
     "days_between needs dates"),
    ("{field: price, gt: 0}", "only meaningful inside every/some/where"),
    ("{fact: needs.beneficiaries, gt: 0, lt: 9}", "exactly one operator"),
    ("{fact: needs.beneficiaries, greater: 0}", "unknown key(s) greater"),
])
def test_condition_errors(condition, fragment):
    file, line, rule_id, message = single_error(lambda: one_rule(condition))
    assert (file, line, rule_id) == ("test.yaml", 13, "T-01")
    assert fragment in message


def test_unknown_principle():
    text = GOOD_RULE.format(n=1).replace("[P1]", "[P1, P13]")
    assert single_error(lambda: rule_set_from(text)) == (
        "test.yaml", 7, "T-01", "unknown principle(s) P13; use P1 … P12")


def test_tree_nested_too_deep():
    condition = "{fact: needs.beneficiaries, gt: 0}"
    for _ in range(MAX_CONDITION_DEPTH):
        condition = f"{{not: {condition}}}"
    file, line, rule_id, message = single_error(lambda: one_rule(condition))
    assert (rule_id, message) == ("T-01", f"condition nested deeper than {MAX_CONDITION_DEPTH} levels")
    assert line == 13


def test_oversized_file(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    file, line, rule_id, message = single_error(lambda: load_rule_set(path))
    assert file == str(path) and "512 KiB" in message


def test_aliases_are_refused():
    text = GOOD_RULE.format(n=1).replace("principles: [P1]", "principles: &p [P1]") + \
        GOOD_RULE.format(n=2).replace("principles: [P1]", "principles: *p")
    assert "aliases" in single_error(lambda: rule_set_from(text))[3]


@pytest.mark.parametrize(("change", "fragment"), [
    (("severity: warning", "severity: blocker"), "a blocker needs a gate"),
    (("severity: warning", "severity: warning\n    gate: planning\n    stages: [completed]"),
     "must be one of the rule's stages"),
    (("principles: [P1]", "principles: []"), "must cite its source"),
    (("    condition: {fact: needs.beneficiaries, gt: 0}\n", ""), "needs a 'condition'"),
    (("severity: warning", "severity: warning\n    kind: manual"), "a manual rule has no condition"),
    (("fail_en: 'no'", "fail_en: 'no {param:x}'"), "unknown parameter 'x'"),
    (("fail_en: 'no'", "fail_en: 'no {fact:planning.funding}'"), "cannot quote the list"),
    (("fail_en: 'no'", "fail_en: 'no {budget}'"), "stray '{'"),
    (("id: T-01", "id: t01"), "rule id 't01' must look like"),
])
def test_rule_structure_errors(change, fragment):
    text = GOOD_RULE.format(n=1).replace(*change)
    file, line, rule_id, message = single_error(lambda: rule_set_from(text))
    assert file == "test.yaml" and line is not None and fragment in message


def test_errors_of_several_rules_are_all_reported():
    text = GOOD_RULE.format(n=1).replace("gt: 0", "gt: x") + GOOD_RULE.format(n=2).replace("[P1]", "[P0]")
    with pytest.raises(RuleLoadError) as caught:
        rule_set_from(text)
    assert [error.rule_id for error in caught.value.errors] == ["T-01", "T-02"]
    assert str(caught.value).startswith("test.yaml:12 [T-01]: gt needs numbers")


def test_directory_refuses_a_rule_id_used_twice(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(
            f'id: set_{name}\nversion: "1"\ntitle_uk: т\ntitle_en: t\nsource: s\nrules:\n' + GOOD_RULE.format(n=1),
            encoding="utf-8")
    with pytest.raises(RuleLoadError) as caught:
        load_rule_sets(tmp_path)
    assert [str(error) for error in caught.value.errors] == [
        f"{tmp_path / 'b.yaml'}:7 [T-01]: rule id also defined in {tmp_path / 'a.yaml'}"]


def test_compiled_sets_are_cached_by_content():
    path = RULES_DIR / "oecd_principles.yaml"
    assert load_rule_set(path) is load_rule_set(path)
    assert len(load_rule_set(path).sha256) == 64


def test_unknown_tag_names_the_tag_and_the_known_ones():
    text = GOOD_RULE.format(n=1).replace("    severity: warning\n", "    severity: warning\n    tags: [redflag]\n")
    file, line, rule_id, message = single_error(lambda: rule_set_from(text))
    assert (file, rule_id) == ("test.yaml", "T-01")
    assert "unknown tag(s) redflag" in message and "red_flag" in message

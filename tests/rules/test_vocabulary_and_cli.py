"""The fact vocabulary agrees with the app's closed lists; the ``rules`` commands work."""
from __future__ import annotations

import ast

import click
import pytest
from click.testing import CliRunner

from tests.rules.rule_cases import RULES_DIR
from tracker.core import vocab
from tracker.governance.cli import register
from tracker.rules import STAGES, VOCABULARY, render_vocabulary
from tracker.rules import vocabulary as facts


@pytest.mark.parametrize(("ours", "theirs"), [
    (STAGES, vocab.Stage), (facts.SECTORS, vocab.Sector), (facts.PROJECT_TYPES, vocab.ProjectType),
    (facts.PURPOSES, vocab.Purpose), (facts.AUTHORITY_LEVELS, vocab.AuthorityLevel),
    (facts.FUNDING_SOURCES, vocab.FundingSource), (facts.CURRENCIES, vocab.Currency),
    (facts.PARTY_ROLES, vocab.PartyRole),
])
def test_closed_lists_match_the_models(ours, theirs):
    assert ours == tuple(member.value for member in theirs)


def test_funding_levels_match_the_models():
    assert set(facts.FUNDING_LEVELS) == {source.level for source in vocab.FundingSource}


def test_rules_package_imports_no_flask_or_database_and_calls_no_eval():
    for path in (RULES_DIR.parent / "tracker" / "rules").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
        assert not {name.split(".")[0] for name in imported} & {"flask", "sqlmodel", "sqlalchemy", "tracker"}, path
        called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call)
                  and isinstance(node.func, ast.Name)}
        assert not called & {"eval", "exec", "compile", "__import__"}, path


def test_render_vocabulary_lists_every_fact_in_both_languages():
    english, ukrainian = render_vocabulary("en"), render_vocabulary("uk")
    for name in VOCABULARY:
        assert name in english
    assert "  .tender_id" in english and "Council budget decision date" in english
    assert "Дата рішення ради про бюджет" in ukrainian


@pytest.fixture
def cli():
    @click.group()
    def main() -> None:
        """A stand-in for the vidnova group."""

    register(main)
    return main


def test_rules_check_default_directory(cli):
    result = CliRunner().invoke(cli, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "oecd_principles v1.2, 38 rules" in result.output


def test_rules_check_reports_each_error_and_fails(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text('id: bad\nversion: "1"\ntitle_uk: т\ntitle_en: t\nsource: s\nrules:\n'
                   "  - id: B-01\n    title_uk: т\n    title_en: t\n    principles: [P1]\n    severity: info\n"
                   "    condition: {fact: needs.nope, is_set: true}\n"
                   "    explain: {pass_uk: a, pass_en: b, fail_uk: c, fail_en: d}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "check", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}:12 [B-01]: unknown fact 'needs.nope'" in result.output


def test_rules_list_and_facts(cli):
    listed = CliRunner().invoke(cli, ["rules", "list"])
    assert listed.exit_code == 0
    assert "OECD-P5-01" in listed.output and "gate:implementation" in listed.output
    shown = CliRunner().invoke(cli, ["rules", "facts", "--lang", "uk"])
    assert shown.exit_code == 0 and "planning.council_decision.date" in shown.output

"""A small rule set of the tests' own, so the gate and settings mechanics do not hang on shipped rule content."""
from __future__ import annotations

import pytest

from tracker.governance.reevaluation import attach
from tracker.governance.rule_context import load_rule_context

GATE_RULES = """
id: test_gates
version: "7.1"
title_uk: Тестові правила
title_en: Test rules
source: tests
rules:
  - id: T-SITE
    title_uk: Код місця
    title_en: Site code
    principles: [P1]
    standard: ["test"]
    severity: blocker
    gate: planning
    condition: {fact: identification.location_code, matches: 'UA\\d{17}'}
    explain:
      pass_uk: "Код: {fact:identification.location_code}."
      pass_en: "Code: {fact:identification.location_code}."
      fail_uk: "Немає коду місця."
      fail_en: "The site has no KATOTTG code."
  - id: T-FUNDING
    title_uk: Достатнє фінансування
    title_en: Enough funding
    principles: [P9]
    standard: ["test"]
    severity: warning
    gate: planning
    stages: [needs_assessment, planning, implementation, completed]
    parameters:
      minimum: {type: money, default: 1000000}
    condition:
      value: {sum: planning.funding.committed}
      ge: {param: minimum}
    explain:
      pass_uk: "Достатньо."
      pass_en: "Committed funding reaches {param:minimum}."
      fail_uk: "Замало."
      fail_en: "Committed funding is below {param:minimum}."
"""


@pytest.fixture
def rules_dir(tmp_path):
    directory = tmp_path / "rules"
    directory.mkdir()
    (directory / "test_gates.yaml").write_text(GATE_RULES, encoding="utf-8")
    return directory


@pytest.fixture
def context(rules_dir):
    return load_rule_context(str(rules_dir))


@pytest.fixture
def evaluated_session(session, context):
    """A session that re-evaluates the projects it changes when it commits."""
    attach(session, context)
    return session

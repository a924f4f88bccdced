"""A small rule set with manual items, and a world evaluated against it."""
from __future__ import annotations

import pytest

from tests.audit.services.rule_set import write_rules
from tests.factories import build_world
from tracker.governance.reevaluation import attach
from tracker.governance.rule_context import load_rule_context


@pytest.fixture
def context(tmp_path):
    return load_rule_context(str(write_rules(tmp_path / "rules")))


@pytest.fixture
def world(session, context):
    """The test world, every project evaluated against the audit rules when it was committed."""
    attach(session, context)
    return build_world(session)

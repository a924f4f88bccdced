"""Merge the feature branches (rules, planner workflow, engagement, audit) into one line of history.

Revision ID: 0007_merge
Revises: 0003_planner_workflow, 0004_engagement, 0006_audit (which depends on 0002_rules)
Create Date: 2026-12-01

No schema change: from here on every migration has one parent, and ``vidnova init`` upgrades to the one head.
"""
from __future__ import annotations

revision = "0007_merge"
down_revision = ("0003_planner_workflow", "0004_engagement", "0006_audit")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

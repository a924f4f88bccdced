"""Stored rule evaluations and authority-level rule settings."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, utcnow


class Evaluation(SQLModel, table=True):
    """One evaluation of a project against every rule set in force, kept forever.

    It stores the facts it read and each rule set's id, version and sha256, so the result can be
    reproduced later; pages and reports show stored evaluations, never a fresh computation.
    """

    __table_args__ = (Index("ix_evaluation_project_latest", "project_id", "is_latest"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    evaluated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    actor_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    #: What caused it: "change", "stage_gate", "manual", "bulk".
    trigger: str = Field(max_length=20)
    #: The stage the rules were checked for (the target stage for a gate check).
    stage: str = Field(max_length=20)
    is_latest: bool = Field(default=True)
    facts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    facts_sha256: str = Field(max_length=64)
    rule_sets: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    results: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    passed: int = 0
    failed: int = 0
    errors: int = 0
    failing_blockers: int = 0
    #: Failing rules tagged ``red_flag`` (integrity red flags), counted when stored.
    red_flags: int = 0
    #: The rule sets' ``[[id, version, sha256], …]`` as canonical JSON text: few distinct values, so the
    #: versions in force over a whole portfolio are one ``SELECT DISTINCT`` instead of decoding every row.
    rule_versions: str = Field(default="[]", sa_type=Text)


class EvaluationScore(SQLModel, table=True):
    """One evaluation's counts for one OECD principle (``P1``…``P12``) or pillar (``I``…``III``).

    Written once with the evaluation. Scorecards of many projects sum these rows in SQL over the latest
    evaluations, so no page decodes stored results to count outcomes.
    """

    __tablename__ = "evaluation_score"

    evaluation_id: int = Field(foreign_key="evaluation.id", primary_key=True)
    code: str = Field(max_length=4, primary_key=True)
    passed: int = 0
    failed: int = 0
    errors: int = 0


class RuleSetting(SQLModel, table=True):
    """An authority's override of a rule parameter (or "enabled") for its whole subtree."""

    __tablename__ = "rule_setting"

    id: Optional[int] = Field(default=None, primary_key=True)
    authority_id: int = Field(foreign_key="authority.id", index=True)
    #: A rule set id (applies to every rule of the set declaring the parameter) or a rule id.
    rule_key: str = Field(max_length=80)
    name: str = Field(max_length=80)
    value: Any = Field(sa_type=JSON)
    note: Optional[str] = Field(default=None, sa_type=Text)
    set_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    set_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

"""Stored rule evaluations and authority-level rule settings."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Index, LargeBinary, Text, text
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, utcnow


class Evaluation(SQLModel, table=True):
    """One evaluation of a project against every rule set in force, kept forever.

    It stores what cannot be recomputed: each rule's outcome, the parameters in force, the auditors' marks
    (as the manual rules' outcomes), each rule set's id, version and sha256 (the file itself is archived in
    ``rule_set_source``) and the digest of the facts it read (kept once per digest in ``evaluation_facts``).
    Explanations and condition trees are rendered from those when shown (``governance.stored``); pages and
    reports show stored evaluations, never a fresh computation.
    """

    __table_args__ = (
        Index("ix_evaluation_project_latest", "project_id", "is_latest"),
        # One latest evaluation per project, whatever runs at the same time (migration 0014).
        Index("ux_evaluation_one_latest", "project_id", unique=True,
              postgresql_where=text("is_latest"), sqlite_where=text("is_latest")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    evaluated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    actor_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    #: What caused it: "change", "stage_gate", "manual", "bulk".
    trigger: str = Field(max_length=20)
    #: The stage the rules were checked for (the target stage for a gate check).
    stage: str = Field(max_length=20)
    is_latest: bool = Field(default=True)
    #: The sha256 of the facts' canonical JSON: the key of their row in ``evaluation_facts``.
    facts_sha256: str = Field(max_length=64)
    #: Each rule set's outcomes, overrides and fact problems, compressed (``governance.stored.pack``).
    outcomes: Optional[bytes] = Field(default=None, sa_type=LargeBinary)
    #: Evaluations stored before migration 0011 keep their fully rendered results here (their rule set
    #: files were not archived, so they could not be rendered again); ``[]`` for every later one.
    legacy_results: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    passed: int = 0
    failed: int = 0
    errors: int = 0
    failing_blockers: int = 0
    #: Failing rules tagged ``red_flag`` (integrity red flags), counted when stored.
    red_flags: int = 0
    #: The rule sets' ``[[id, version, sha256], …]`` as canonical JSON text: few distinct values, so the
    #: versions in force over a whole portfolio are one ``SELECT DISTINCT`` instead of decoding every row.
    rule_versions: str = Field(default="[]", sa_type=Text)

    @property
    def rule_sets(self) -> list[dict[str, str]]:
        """The rule sets it used: ``[{"id", "version", "sha256"}, …]`` by id."""
        return [{"id": id_, "version": version, "sha256": sha256}
                for id_, version, sha256 in json.loads(self.rule_versions)]


class EvaluationFacts(SQLModel, table=True):
    """One distinct facts snapshot, kept once however many evaluations read it (most edits leave most
    projects' facts unchanged), as zlib-compressed canonical JSON whose sha256 is the key."""

    __tablename__ = "evaluation_facts"

    sha256: str = Field(max_length=64, primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)


class RuleSetSource(SQLModel, table=True):
    """A rule set file as it was when an evaluation used it, so the evaluation can be explained again after
    the file has changed (an evaluation names its rule sets by sha256)."""

    __tablename__ = "rule_set_source"

    sha256: str = Field(max_length=64, primary_key=True)
    rule_set_id: str = Field(sa_type=Text)
    version: str = Field(sa_type=Text)
    #: The file's bytes, zlib-compressed.
    data: bytes = Field(sa_type=LargeBinary)


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

"""The auditor's workspace: manual checklist marks, checklist sign-offs, findings and the audit trail.

``manual_mark`` is project data (a mark changes the evaluation, so it re-evaluates the project);
sign-offs, findings and audit entries are records *about* the project and do not.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, Integer, Text
from sqlmodel import Field, SQLModel

from tracker.core.columns import LONG_TEXT_MAX, TIMESTAMP, long_text_field, utcnow


class ManualMark(SQLModel, table=True):
    """An auditor's verdict on a manual rule of a project: every mark is kept, the newest counts."""

    __tablename__ = "manual_mark"
    __table_args__ = (Index("ix_manual_mark_project_rule", "project_id", "rule_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    rule_id: str = Field(max_length=40)
    #: The stage whose checklist the mark was made on.
    stage: str = Field(max_length=20)
    #: pass, fail or not_applicable (vocab.MarkVerdict).
    verdict: str = Field(max_length=20)
    comment: Optional[str] = long_text_field(5000)
    #: Ids of the project's documents the verdict rests on.
    evidence_document_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    auditor_id: int = Field(foreign_key="user_account.id")
    marked_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class ChecklistSignoff(SQLModel, table=True):
    """An auditor's signature under a project's checklist at one stage, pinned to the evaluation it covers."""

    __tablename__ = "checklist_signoff"
    __table_args__ = (Index("ix_checklist_signoff_project_stage", "project_id", "stage"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    stage: str = Field(max_length=20)
    evaluation_id: int = Field(foreign_key="evaluation.id")
    facts_sha256: str = Field(max_length=64)
    #: The sha256 of the stored results the signer saw (manual marks change results, not facts).
    results_sha256: str = Field(max_length=64)
    signed_by_id: int = Field(foreign_key="user_account.id")
    signer_role: str = Field(max_length=20)
    signed_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    statement: str = Field(min_length=10, max_length=5000, sa_type=Text)


class Finding(SQLModel, table=True):
    """A problem an auditor found, followed from open to closed (see vocab.FindingStatus)."""

    __tablename__ = "audit_finding"
    __table_args__ = (Index("ix_audit_finding_project_status", "project_id", "status"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    stage: str = Field(max_length=20)
    severity: str = Field(max_length=20)
    principle: Optional[str] = Field(default=None, max_length=3, description="P1…P12")
    rule_id: Optional[str] = Field(default=None, max_length=40)
    title: str = Field(min_length=3, max_length=300)
    description: str = Field(min_length=3, max_length=LONG_TEXT_MAX, sa_type=Text)
    recommendation: str = Field(min_length=3, max_length=LONG_TEXT_MAX, sa_type=Text)
    due_date: date
    responsible_authority_id: int = Field(foreign_key="authority.id")
    status: str = Field(default="open", max_length=20)
    #: Set by the auditor: shown in the public summary on the project page.
    is_public: bool = Field(default=False)
    raised_by_id: int = Field(foreign_key="user_account.id")
    raised_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class FindingEvent(SQLModel, table=True):
    """One step of a finding's life: who moved it from which status to which, and what they wrote."""

    __tablename__ = "audit_finding_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="audit_finding.id", ondelete="CASCADE", index=True)
    action: str = Field(max_length=20)
    from_status: Optional[str] = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    actor_id: int = Field(foreign_key="user_account.id")
    actor_role: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    note: Optional[str] = long_text_field()


class AuditEntry(SQLModel, table=True):
    """One write to the database, chained to the entry before by its hash. Never updated or deleted:
    no code path does, and database triggers refuse it (see migration 0006_audit)."""

    __tablename__ = "audit_entry"

    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    recorded_at: datetime = Field(sa_type=TIMESTAMP)
    #: The user the writing session acted for (no foreign key: the log outlives accounts); None: the system.
    actor_id: Optional[int] = None
    table_name: str = Field(max_length=63)
    #: The row's primary key as canonical JSON, e.g. {"id":12}.
    row_key: str = Field(max_length=200)
    action: str = Field(max_length=10, description="insert, update or delete")
    #: Canonical JSON of the values written (insert), changed ([old, new], update) or removed (delete).
    changes: str = Field(sa_type=Text)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The one row naming the newest audit entry: appends lock it, so chains never fork, and it shows
    when entries were cut off the end of the log."""

    __tablename__ = "audit_head"

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    seq: int = 0
    hash: str = Field(max_length=64)


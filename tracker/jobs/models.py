"""The job table, and the workers' sign of life."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, VocabularyCode, utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class Job(SQLModel, table=True):
    """One piece of long work: what it is, who started it, how far it got and how it ended."""

    __table_args__ = (Index("ix_job_started_by_created", "started_by_id", "created_at"),
                      Index("ix_job_state_heartbeat", "state", "heartbeat_at"))

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=60)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    state: JobState = Field(default=JobState.QUEUED, sa_type=VocabularyCode(JobState, 12))
    started_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    #: Progress: ``done`` of ``total`` steps (total unknown: None) and what is happening now.
    done: int = 0
    total: Optional[int] = None
    message: Optional[str] = Field(default=None, max_length=300)
    #: What came of it: counts and figures (``summary``), a file in the job files folder, or a link.
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    result_file: Optional[str] = Field(default=None, max_length=255)
    result_name: Optional[str] = Field(default=None, max_length=255)
    result_url: Optional[str] = Field(default=None, max_length=500)
    #: Why it failed: a sentence, and for imports each problem by row and column.
    error: Optional[str] = Field(default=None, sa_type=Text)
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    attempts: int = 0
    max_attempts: int = 2
    cancel_requested: bool = False
    worker: Optional[str] = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    started_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    heartbeat_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    finished_at: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.state == JobState.DONE else None
        return max(0, min(100, round(100 * self.done / self.total)))


class JobWorker(SQLModel, table=True):
    """A worker process's last sign of life: the health check and ``vidnova jobs`` report it."""

    __tablename__ = "job_worker"

    name: str = Field(primary_key=True, max_length=120)
    started_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    seen_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP, index=True)


class JobUndo(SQLModel, table=True):
    """One step that a job committing as it goes has written, and how to take it back (its kind reads it).

    Written in the step's own transaction, so after any crash the journal names exactly what was kept; the
    runner takes the steps back, newest first, when the job fails, is cancelled or its worker died.
    """

    __tablename__ = "job_undo"

    id: Optional[int] = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)

"""The change history of projects: one row per changed field, written by the session listener in
``tracker.planning.history`` so that every path (web, CLI, CSV import) is covered."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, utcnow


class ChangeRecord(SQLModel, table=True):
    """Who changed which field of what, when, from which value to which."""

    __tablename__ = "change_record"
    __table_args__ = (Index("ix_change_record_project_time", "project_id", "changed_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    actor_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    entity: str = Field(max_length=40, description="The table: project, contract, funding_line, …")
    entity_id: Optional[int] = None
    action: str = Field(max_length=10, description="create, update or delete")
    field: Optional[str] = Field(default=None, max_length=60)
    old_value: Optional[str] = Field(default=None, sa_type=Text)
    new_value: Optional[str] = Field(default=None, sa_type=Text)

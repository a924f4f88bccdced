"""Evidence files attached to a project, typed with the OC4IDS / DREAM document types."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, utcnow


class Document(SQLModel, table=True):
    """An uploaded file: stored outside the web root under ``storage_name`` (generated, never the
    client's name), identified by its sha256, public or restricted to signed-in editors and auditors."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    document_type: str = Field(max_length=40)
    title: str = Field(max_length=300)
    original_name: str = Field(max_length=255, description="The uploader's file name, for display only")
    storage_name: str = Field(max_length=80, unique=True)
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64, index=True)
    is_public: bool = Field(default=False)
    observation_id: Optional[int] = Field(default=None, foreign_key="progress_observation.id", ondelete="SET NULL",
                                          index=True)
    contract_id: Optional[int] = Field(default=None, foreign_key="contract.id", ondelete="SET NULL", index=True)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    uploaded_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")

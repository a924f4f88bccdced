"""People who sign in, their role, and the authorities their role reaches."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tracker.core.columns import TIMESTAMP, utcnow


class User(SQLModel, table=True):
    """A signed-in person: admin, planner (scoped to authorities) or auditor."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=255, unique=True, index=True)
    name: str = Field(max_length=255)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    locale: str = Field(default="uk", max_length=5)
    is_active: bool = True
    #: No longer used (the sign-in brake slows a client instead of locking the account); kept for old rows.
    failed_logins: int = 0
    locked_until: Optional[datetime] = Field(default=None, sa_type=TIMESTAMP)
    #: Raised on sign-out, password change and deactivation: a session cookie carrying an older number no
    #: longer signs in (``get_id`` puts it in the session; ``accounts.views`` refuses an older one).
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    #: Set when an administrator gave a temporary password: until the user chooses their own, every page they
    #: open leads to the password form (``accounts.views``).
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)

    # Flask-Login's protocol, kept here so the web layer needs no wrapper class.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session version, ``"7:3"``."""
        return f"{self.id}:{self.session_version}"


class UserAuthority(SQLModel, table=True):
    """A planner's scope: this authority and everything beneath it."""

    __tablename__ = "user_authority"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    authority_id: int = Field(foreign_key="authority.id", primary_key=True)

"""Errors services raise; the web and CLI layers turn them into messages for people."""
from __future__ import annotations


class ServiceError(Exception):
    """A request the domain refuses; ``field`` names the input at fault when there is one."""

    #: The HTTP status a view answers with when it shows this error on its form.
    http_status = 422

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    pass


class PermissionDenied(ServiceError):
    pass


class Conflict(ServiceError):
    """Someone saved a newer version first; nothing was overwritten."""

    def __init__(self, message: str, *, current_version: int, changes: dict | None = None):
        super().__init__(message)
        self.current_version = current_version
        self.changes = changes or {}


class StateConflict(ServiceError):
    """A decision someone else took first (an offer already accepted, a finding already resolved).

    Raised after the row was read under a lock (``core.locking.lock_for_decision``), so exactly one of any
    number of concurrent decisions wins; the message names what happened instead.
    """

    http_status = 409

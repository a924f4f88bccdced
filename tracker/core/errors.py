"""Errors services raise; the web and CLI layers turn them into messages for people."""
from __future__ import annotations


class ServiceError(Exception):
    """A request the domain refuses; ``field`` names the input at fault when there is one."""

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

"""The kinds of job: each feature declares its own (``@job_kind``) with the handler a worker runs."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its name (stored on the row), a translated label, its handler and how often to try it."""

    name: str
    label: Any  # a lazy translated string
    handler: Callable[..., None]
    #: Attempts before a job whose worker died is given up (the handler's writes are one transaction, so a
    #: retried attempt starts from nothing written).
    max_attempts: int = 2
    #: For a job that commits step by step (``JobContext.commit_step``): ``undo(session, payload)`` takes one
    #: step back inside the session's transaction and returns notes on what it had to leave as it was.
    undo: Callable[..., list[str]] | None = None


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, label: Any, *, max_attempts: int = 2,
             undo: Callable[..., list[str]] | None = None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare ``handler(context)`` as the job kind ``name``; ``context`` is a ``runner.JobContext``."""
    def declare(handler: Callable[..., None]) -> Callable[..., None]:
        KINDS[name] = JobKind(name, label, handler, max_attempts, undo)
        return handler
    return declare


def label_of(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found.label) if found is not None else kind

"""Where manual checks get their verdicts: a feature above governance (the auditor's workspace) registers a provider.

Governance evaluates rules with ``manual: true`` from these verdicts but does not know who gives them; without a
provider, every manual check stays pending, which is what a deployment without auditors should show.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlmodel import Session

#: (session, project ids) -> {project id: {rule id: passed}}
VerdictProvider = Callable[..., dict[int, dict[str, bool]]]

_providers: list[VerdictProvider] = []


def register(provider: VerdictProvider) -> VerdictProvider:
    """Add a provider (idempotent); usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def verdicts_for(*, session: Session, project_ids: Sequence[int]) -> dict[int, dict[str, bool]]:
    """Every provider's verdicts merged, later providers winning on the same (project, rule)."""
    merged: dict[int, dict[str, bool]] = {}
    for provider in _providers:
        for project_id, verdicts in provider(session=session, project_ids=project_ids).items():
            merged.setdefault(project_id, {}).update(verdicts)
    return merged

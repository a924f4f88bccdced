"""The rule sets in use: reloaded from a directory, keeping the last good sets when a reload fails."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .errors import RuleError, RuleLoadError
from .loader import load_rule_sets
from .model import RuleSet


class RuleRegistry:
    """Holds the current good rule sets of ``directory``; ``reload()`` swaps them only on full success."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._rule_sets: Mapping[str, RuleSet] = MappingProxyType({})
        self.errors: tuple[RuleError, ...] = ()

    @property
    def rule_sets(self) -> Mapping[str, RuleSet]:
        return self._rule_sets

    def get(self, rule_set_id: str) -> RuleSet | None:
        return self._rule_sets.get(rule_set_id)

    def reload(self) -> tuple[RuleError, ...]:
        """Load the directory again; on any error keep the sets in use and return (and keep) the errors."""
        try:
            loaded = load_rule_sets(self.directory)
        except RuleLoadError as exc:
            self.errors = tuple(exc.errors)
            return self.errors
        # one assignment, so a reader in another thread sees either the old sets or the new ones
        self._rule_sets = MappingProxyType(loaded)
        self.errors = ()
        return self.errors

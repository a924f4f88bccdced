"""Errors of the rules engine: load errors name the file, the line and the rule."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleError:
    """One problem found while loading a rule set."""

    file: str
    line: int | None
    rule_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        rule = f" [{self.rule_id}]" if self.rule_id else ""
        return f"{where}{rule}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "rule_id": self.rule_id, "message": self.message}


class RuleLoadError(Exception):
    """Loading refused: nothing of the rule set(s) is used; ``errors`` lists every problem."""

    def __init__(self, errors: list[RuleError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


class CompileError(Exception):
    """A problem in one rule, raised while compiling it; the loader adds the file and rule id."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(message)


class ParameterError(ValueError):
    """A parameter value from settings or an authority's override does not fit the rule."""

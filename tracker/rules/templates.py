"""Explanation strings with ``{fact:name}`` and ``{param:name}`` placeholders.

Deliberately tiny: placeholders are checked at load time and filled from the facts and parameters
only; ``{{`` and ``}}`` write literal braces. No attribute access, no format specs, no eval.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .errors import CompileError
from .model import Parameter
from .types import ValueType
from .vocabulary import VOCABULARY, NormalisedFacts

_TOKEN = re.compile(r"\{\{|\}\}|\{(fact|param):([A-Za-z0-9_.]+)\}|[{}]")
_MISSING = "—"
_YES_NO = {"uk": ("так", "ні"), "en": ("yes", "no")}

#: A code's label for readers: (fact name, code, language) -> the label, or None to show the code. The engine
#: knows no labels (they are the application's, translated): whoever renders explanations passes this in.
ValueLabel = Callable[[str, str, str], "str | None"]


@dataclass(frozen=True)
class Template:
    """Literal text and (kind, name, is_money) placeholders, in order."""

    source: str
    parts: tuple[str | tuple[str, str, bool], ...]
    # Set by __post_init__: the rendered text when no part is a placeholder, else None.
    _static: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Most explanations quote nothing: render those once, not for every project.
        texts = [part for part in self.parts if isinstance(part, str)]
        static = "".join(texts) if len(texts) == len(self.parts) else None
        object.__setattr__(self, "_static", static)

    def render(self, facts: NormalisedFacts, parameters: Mapping[str, Any], lang: str,
               label: ValueLabel | None = None) -> str:
        """The text with each placeholder's value as a reader reads it: a fact's code by its ``label``.

        A quoted value that ends a sentence itself ("школа № 1.") takes the template's own full stop."""
        if self._static is not None:
            return self._static
        values = facts.values
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                if part.startswith(".") and not part.startswith("..") and out and out[-1].endswith("."):
                    part = part[1:]
                out.append(part)
                continue
            kind, name, money = part
            value = values.get(name) if kind == "fact" else parameters.get(name)
            worded = label(name, value, lang) if kind == "fact" and label and isinstance(value, str) else None
            out.append(worded if worded is not None else format_value(value, lang, money=money))
        return "".join(out)


def compile_template(text: Any, parameters: Mapping[str, Parameter], line: int | None) -> Template:
    """Parse ``text``; an unknown fact or parameter, a list fact or a stray brace is a CompileError."""
    if not isinstance(text, str) or not text.strip():
        raise CompileError("an explanation must be non-empty text", line)
    parts: list[str | tuple[str, str, bool]] = []
    position = 0
    for match in _TOKEN.finditer(text):
        parts.append(text[position:match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif match.group(1) is None:
            raise CompileError(f"stray {token!r} in {text!r}: placeholders are {{fact:name}} or {{param:name}}; "
                               "write {{ or }} for a literal brace", line)
        else:
            parts.append(_placeholder(match.group(1), match.group(2), parameters, line))
    parts.append(text[position:])
    return Template(text, tuple(part for part in parts if part != ""))


def _placeholder(kind: str, name: str, parameters: Mapping[str, Parameter],
                 line: int | None) -> tuple[str, str, bool]:
    if kind == "param" and name not in parameters:
        raise CompileError(f"explanation names unknown parameter {name!r}", line)
    if kind == "fact":
        fact = VOCABULARY.get(name)
        if fact is None:
            raise CompileError(f"explanation names unknown fact {name!r}", line)
        if fact.type is ValueType.LIST:
            raise CompileError(f"explanation cannot quote the list {name!r}", line)
        return kind, name, fact.type is ValueType.MONEY
    return kind, name, False


def format_value(value: Any, lang: str, *, money: bool = False) -> str:
    """A value as a person reads it: grouped digits, ISO dates, yes/no in the reader's language."""
    if value is None:
        return _MISSING
    if isinstance(value, bool):
        yes, no = _YES_NO.get(lang, _YES_NO["en"])
        return yes if value else no
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)):
        return _format_number(value, lang, money)
    return str(value)


def _format_number(value: int | Decimal, lang: str, money: bool) -> str:
    text = f"{value:,.2f}" if money else f"{value:,}"
    if lang == "uk":  # Ukrainian groups digits with a (narrow) space and uses a decimal comma
        text = text.replace(",", "\u202f").replace(".", ",")
        return f"{text} грн" if money else text
    return f"UAH {text}" if money else text

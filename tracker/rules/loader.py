"""Reading rule set files: size limit, YAML with line numbers, validation, compilation, caching.

A file compiles once: the result is cached under the sha256 of its bytes, so an unchanged file
costs one hash on reload. Loading a directory gives every rule set or raises with every error.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import CompileError, RuleError, RuleLoadError
from .limits import MAX_FILE_BYTES
from .model import Rule, RuleSet
from .schema import build_rule, check_rule_set_header, line_of, rule_id_of
from .yaml_lines import load_yaml

_CACHE: dict[tuple[str, str], RuleSet] = {}
_CACHE_SIZE = 64
_ID_LINE = re.compile(r"^\s*(?:-\s*)?id:\s*['\"]?([A-Z][A-Z0-9-]*)")


def load_rule_set(path: str | Path) -> RuleSet:
    """One rule set file, compiled; RuleLoadError lists every problem found."""
    path = Path(path)
    name = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RuleLoadError([RuleError(name, None, None, f"cannot read: {exc.strerror}")]) from exc
    return parse_rule_set(data, name)


def parse_rule_set(data: bytes, name: str) -> RuleSet:
    """Rule set from a file's bytes; ``name`` is what error messages call the file."""
    if len(data) > MAX_FILE_BYTES:
        raise RuleLoadError([RuleError(name, None, None,
                                       f"file is larger than the limit of {MAX_FILE_BYTES // 1024} KiB")])
    digest = hashlib.sha256(data).hexdigest()
    cached = _CACHE.get((digest, name))
    if cached is not None:
        return cached
    rule_set = _compile(data, name, digest)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))  # oldest first: dicts keep insertion order
    _CACHE[(digest, name)] = rule_set
    return rule_set


def _compile(data: bytes, name: str, digest: str) -> RuleSet:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleLoadError([RuleError(name, None, None, f"not UTF-8 text: {exc.reason}")]) from exc
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as exc:
        raise RuleLoadError([_yaml_error(exc, text, name)]) from exc
    try:
        check_rule_set_header(doc)
    except CompileError as exc:
        raise RuleLoadError([RuleError(name, exc.line, None, exc.message)]) from exc
    rules: list[Rule] = []
    errors: list[RuleError] = []
    seen: dict[str | None, int | None] = {}  # rule id -> the line it was first defined on
    defaults = dict(doc.get("defaults", {}))
    for node in doc["rules"]:
        rule_id = rule_id_of(node)
        if rule_id in seen:
            errors.append(RuleError(name, line_of(node), rule_id,
                                    f"duplicate rule id (first defined on line {seen[rule_id]})"))
            continue
        try:
            rule = build_rule(node, defaults)
        except CompileError as exc:
            errors.append(RuleError(name, exc.line or line_of(node), rule_id, exc.message))
            continue
        seen[rule.id] = rule.line
        rules.append(rule)
    if errors:
        raise RuleLoadError(errors)
    return RuleSet(id=doc["id"], version=doc["version"], title_uk=doc["title_uk"], title_en=doc["title_en"],
                   source=doc["source"], description_uk=doc.get("description_uk"),
                   description_en=doc.get("description_en"), rules=tuple(rules), path=name, sha256=digest,
                   text=data)


def _yaml_error(exc: yaml.YAMLError, text: str, name: str) -> RuleError:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    return RuleError(name, line, _nearest_rule_id(text, line), f"invalid YAML: {problem}")


def _nearest_rule_id(text: str, line: int | None) -> str | None:
    """The id of the rule a broken line probably belongs to: the last ``id:`` above it."""
    if line is None:
        return None
    for row in reversed(text.splitlines()[:line]):
        match = _ID_LINE.match(row)
        if match:
            return match.group(1)
    return None


def load_rule_sets(directory: str | Path) -> dict[str, RuleSet]:
    """Every ``*.yaml`` rule set of ``directory`` by id, or RuleLoadError with the errors of all files."""
    directory = Path(directory)
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]) if directory.is_dir() else []
    if not paths:
        raise RuleLoadError([RuleError(str(directory), None, None, "no rule set files (*.yaml) found")])
    return load_rule_set_files(paths)


def load_rule_set_files(paths: list[Path]) -> dict[str, RuleSet]:
    """The given rule set files by id; rule set ids and rule ids must be unique across all of them."""
    rule_sets: dict[str, RuleSet] = {}
    errors: list[RuleError] = []
    rule_owner: dict[str, str] = {}
    for path in paths:
        try:
            rule_set = load_rule_set(path)
        except RuleLoadError as exc:
            errors.extend(exc.errors)
            continue
        if rule_set.id in rule_sets:
            errors.append(RuleError(str(path), 1, None,
                                    f"rule set id {rule_set.id!r} is also used by {rule_sets[rule_set.id].path}"))
            continue
        for rule in rule_set.rules:
            if rule.id in rule_owner:
                errors.append(RuleError(str(path), rule.line, rule.id,
                                        f"rule id also defined in {rule_owner[rule.id]}"))
            rule_owner.setdefault(rule.id, str(path))
        rule_sets[rule_set.id] = rule_set
    if errors:
        raise RuleLoadError(errors)
    return rule_sets


def load_settings_file(path: str | Path) -> dict[str, dict[str, Any]]:
    """Deployment settings: ``{rule_set_id or rule_id: {parameter: value, enabled: bool}}``."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RuleLoadError([RuleError(name, None, None, f"cannot read: {exc.strerror}")]) from exc
    if len(data) > MAX_FILE_BYTES:
        raise RuleLoadError([RuleError(name, None, None, "settings file is too large")])
    try:
        doc = load_yaml(data.decode("utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise RuleLoadError([RuleError(name, line + 1 if line is not None else None, None,
                                       f"invalid YAML: {exc}")]) from exc
    if not isinstance(doc, dict) or not all(isinstance(value, dict) for value in doc.values()):
        raise RuleLoadError([RuleError(name, line_of(doc, 1), None,
                                       "settings must map rule set or rule ids to {parameter: value}")])
    return {str(key): dict(value) for key, value in doc.items()}


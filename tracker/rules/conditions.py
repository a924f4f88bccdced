"""Condition trees: compiled once from YAML, evaluated with three-valued (Kleene) logic.

Every node is evaluated, even when its siblings already decide the outcome, so the result tree
explains every leaf; the outcome itself follows Kleene's rules (unknown = ``None``):
``all`` is False if any child is False, else unknown if any is unknown; ``any`` is True if any
child is True, else unknown if any is unknown; ``not`` keeps unknown unknown.

``truth`` gives the same truth value without the tree, stopping where Kleene's rules already decide (a False
child of ``all``, a True one of ``any``): for storing and counting outcomes, where no tree is shown. The tests
check that it agrees with ``evaluate`` on every shipped rule.
"""
from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import CompileError
from .expressions import (
    Context,
    Operand,
    Scope,
    compile_literal,
    compile_operand,
    fact_operand,
    field_operand,
    list_fact,
)
from .limits import MAX_CONDITION_DEPTH, MAX_REGEX_LENGTH
from .model import Parameter
from .types import ORDERED, ValueType, family, jsonable

Truth = bool | None


def kleene_all(values: Iterable[Truth]) -> Truth:
    values = list(values)
    if False in values:
        return False
    return None if None in values else True


def kleene_any(values: Iterable[Truth]) -> Truth:
    values = list(values)
    if True in values:
        return True
    return None if None in values else False


def kleene_not(value: Truth) -> Truth:
    return None if value is None else not value


@dataclass(slots=True)
class NodeResult:
    """One evaluated node; leaves carry the operator, the expected and the actual value.

    Not frozen: a frozen dataclass sets each field through object.__setattr__, and the evaluator
    builds one of these for every node of every rule of every project. Treat it as read-only.
    """

    kind: str
    text: str
    passed: Truth
    children: tuple[NodeResult, ...] = ()
    op: str | None = None
    expected: Any = None
    actual: Any = None
    missing: tuple[str, ...] = ()

    def missing_facts(self) -> list[str]:
        """Every missing input below this node, once each, in order of appearance."""
        found = dict.fromkeys(self.missing)
        for child in self.children:
            found.update(dict.fromkeys(child.missing_facts()))
        return list(found)

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"kind": self.kind, "text": self.text, "passed": self.passed}
        if self.kind == "leaf":
            data.update(op=self.op, expected=jsonable(self.expected), actual=jsonable(self.actual))
        if self.missing:
            data["missing"] = list(self.missing)
        if self.children:
            data["children"] = [child.to_dict() for child in self.children]
        return data


class Condition:
    text: str

    def evaluate(self, ctx: Context) -> NodeResult:
        raise NotImplementedError

    def truth(self, ctx: Context) -> Truth:
        """``evaluate(ctx).passed``, without building the tree."""
        raise NotImplementedError


def _is_set(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list):
        return len(value) > 0
    return value is not None


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge,
    "in": lambda left, right: left in right,
    "not_in": lambda left, right: left not in right,
    "matches": lambda left, right: right.fullmatch(left) is not None,
}


@dataclass(frozen=True)
class Leaf(Condition):
    left: Operand
    op: str
    right: Any  # an Operand, a tuple of literal values (in / not_in), a compiled regex, or a bool (is_set)
    text: str
    # Set by __post_init__, not by the caller. _compare is None only for is_set, which never compares;
    # _shown_right (the pattern, or the literal values as a list) is left unset when right is an Operand
    # or a bool, where evaluate() does not read it.
    _compare: Callable[[Any, Any], bool] = field(init=False, repr=False, compare=False)
    _right_is_operand: bool = field(init=False, repr=False, compare=False)
    _shown_right: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Decided once at compile time rather than for every project: how to read the right side.
        object.__setattr__(self, "_compare", _COMPARISONS.get(self.op))
        object.__setattr__(self, "_right_is_operand", isinstance(self.right, Operand))
        if isinstance(self.right, re.Pattern):
            object.__setattr__(self, "_shown_right", self.right.pattern)
        elif not isinstance(self.right, (Operand, bool)):
            object.__setattr__(self, "_shown_right", list(self.right))

    def evaluate(self, ctx: Context) -> NodeResult:
        actual, missing = self.left.resolve(ctx)
        shown = len(actual) if actual.__class__ is list else actual  # a list shows its length
        if self.op == "is_set":  # the one test that is never unknown
            return NodeResult("leaf", self.text, _is_set(actual) == self.right, (), self.op, self.right, shown)
        if self._right_is_operand:
            expected, missing_right = self.right.resolve(ctx)
            missing += missing_right
        else:
            expected = self._shown_right
        if actual is None or expected is None:
            return NodeResult("leaf", self.text, None, (), self.op, expected, shown, missing)
        compared = self.right if self.op == "matches" else expected
        return NodeResult("leaf", self.text, self._compare(actual, compared), (), self.op, expected, shown)

    def truth(self, ctx: Context) -> Truth:
        actual, _missing = self.left.resolve(ctx)
        if self.op == "is_set":
            return _is_set(actual) == self.right
        expected = self.right.resolve(ctx)[0] if self._right_is_operand else self._shown_right
        if actual is None or expected is None:
            return None
        return self._compare(actual, self.right if self.op == "matches" else expected)


_COMBINE = {"all": kleene_all, "any": kleene_any}


@dataclass(frozen=True)
class Group(Condition):
    """all / any / not."""

    kind: str
    children: tuple[Condition, ...]
    text: str

    def evaluate(self, ctx: Context) -> NodeResult:
        results = tuple(child.evaluate(ctx) for child in self.children)  # all of them: see module doc
        truths = [result.passed for result in results]
        combined = _COMBINE.get(self.kind)
        passed = combined(truths) if combined else kleene_not(truths[0])
        return NodeResult(self.kind, self.text, passed, results)

    def truth(self, ctx: Context) -> Truth:
        if self.kind == "not":
            return kleene_not(self.children[0].truth(ctx))
        deciding = self.kind == "any"  # True decides "any", False decides "all"
        unknown = False
        for child in self.children:
            value = child.truth(ctx)
            if value is deciding:
                return deciding
            unknown = unknown or value is None
        return None if unknown else not deciding


@dataclass(frozen=True)
class Quantifier(Condition):
    """every / some record of a list fact (optionally only those matching ``where``) meets ``check``.

    ``every`` over no records is True and ``some`` is False, as in logic; a list that is not given at
    all is unknown.
    """

    kind: str
    list_name: str
    where: Condition | None
    check: Condition
    text: str

    def evaluate(self, ctx: Context) -> NodeResult:
        records = ctx.facts.get(self.list_name)
        if records is None:
            return NodeResult(self.kind, self.text, None, missing=(self.list_name,))
        items = tuple(self._item(ctx, index, record) for index, record in enumerate(records))
        combine = kleene_all if self.kind == "every" else kleene_any
        return NodeResult(self.kind, self.text, combine(item.passed for item in items), items)

    def _item(self, ctx: Context, index: int, record: dict) -> NodeResult:
        label = f"{self.list_name}[{index}]"
        item_ctx = ctx.with_item(record, label)
        check = self.check.evaluate(item_ctx)
        if self.where is None:
            return NodeResult("item", label, check.passed, (check,))
        where = self.where.evaluate(item_ctx)
        if self.kind == "every":  # a record outside the filter cannot break "every"
            passed = kleene_any([kleene_not(where.passed), check.passed])
        else:
            passed = kleene_all([where.passed, check.passed])
        return NodeResult("item", label, passed, (where, check))

    def truth(self, ctx: Context) -> Truth:
        records = ctx.facts.get(self.list_name)
        if records is None:
            return None
        every = self.kind == "every"  # False decides "every", True decides "some"
        unknown = False
        for record in records:
            item_ctx = ctx.with_item(record, "")  # labels only name missing facts, which no one reads here
            if self.where is None:
                value = self.check.truth(item_ctx)
            else:
                where = self.where.truth(item_ctx)
                if where is False:  # outside the filter: cannot break "every", cannot satisfy "some"
                    value = every
                else:
                    check = self.check.truth(item_ctx)
                    value = (kleene_any([kleene_not(where), check]) if every else kleene_all([where, check]))
            if value is (not every):
                return not every
            unknown = unknown or value is None
        return None if unknown else every


LEFT_KEYS = ("fact", "field", "value")
OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "matches", "is_set")
GROUPS = ("all", "any", "not")
QUANTIFIERS = ("every", "some")


def compile_condition(node: Any, scope: Scope, depth: int = 1) -> Condition:
    """A YAML condition tree as a Condition; CompileError names the line of the offending node."""
    line = getattr(node, "line", None)
    if depth > MAX_CONDITION_DEPTH:
        raise CompileError(f"condition nested deeper than {MAX_CONDITION_DEPTH} levels", line)
    if not isinstance(node, dict):
        raise CompileError(f"a condition must be a mapping, not {node!r}", line)
    kinds = [key for key in node if key in GROUPS or key in QUANTIFIERS]
    if kinds:
        if len(node) != 1:
            raise CompileError(f"'{kinds[0]}' must stand alone in its mapping; found {', '.join(node)}", line)
        if kinds[0] in GROUPS:
            return _group(kinds[0], node[kinds[0]], scope, depth, line)
        return _quantifier(kinds[0], node[kinds[0]], scope, depth, line)
    return _leaf(node, scope, depth, line)


def new_scope(parameters: dict[str, Parameter]) -> Scope:
    return Scope(parameters=parameters, compile_condition=compile_condition)


def _group(kind: str, body: Any, scope: Scope, depth: int, line: int | None) -> Group:
    if kind == "not":
        child = compile_condition(body, scope, depth + 1)
        return Group(kind, (child,), f"not ({child.text})")
    if not isinstance(body, list) or not body:
        raise CompileError(f"'{kind}' needs a non-empty list of conditions", line)
    children = tuple(compile_condition(child, scope, depth + 1) for child in body)
    return Group(kind, children, f"{kind} of {len(children)}")


def _quantifier(kind: str, body: Any, scope: Scope, depth: int, line: int | None) -> Quantifier:
    line = getattr(body, "line", line)
    if not isinstance(body, dict) or set(body) - {"list", "where", "check"} or not {"list", "check"} <= set(body):
        raise CompileError(f"'{kind}' takes a mapping with 'list', 'check' and optionally 'where'", line)
    fact = list_fact(body["list"], line)
    inner = Scope(scope.parameters, scope.compile_condition, item=fact)
    where = compile_condition(body["where"], inner, depth + 1) if "where" in body else None
    check = compile_condition(body["check"], inner, depth + 1)
    return Quantifier(kind, fact.name, where, check, f"{kind} record of {fact.name}")


def _leaf(node: dict, scope: Scope, depth: int, line: int | None) -> Leaf:
    lefts = [key for key in LEFT_KEYS if key in node]
    ops = [key for key in OPERATORS if key in node]
    unknown = [str(key) for key in node if key not in LEFT_KEYS and key not in OPERATORS]
    if unknown:
        raise CompileError(f"unknown key(s) {', '.join(unknown)} in a condition; "
                           f"use all/any/not/every/some or one of {', '.join(LEFT_KEYS)} with an operator "
                           f"({', '.join(OPERATORS)})", line)
    if len(lefts) != 1 or len(ops) != 1:
        raise CompileError(f"a comparison needs exactly one of {', '.join(LEFT_KEYS)} and exactly one operator "
                           f"({', '.join(OPERATORS)})", line)
    left_key, op = lefts[0], ops[0]
    if left_key == "fact":
        left: Operand = fact_operand(node["fact"], line)
    elif left_key == "field":
        left = field_operand(node["field"], scope, line)
    else:
        left = compile_operand(node["value"], scope, depth + 1, line)
    right = _right(left, op, node[op], scope, depth, line)
    return Leaf(left, op, right, f"{left.text} {op} {_shown(right)}")


def _shown(right: Any) -> str:
    """The right-hand side as an author wrote it: true/false, [a, b], the pattern, the operand."""
    if isinstance(right, Operand):
        return right.text
    if isinstance(right, re.Pattern):
        return right.pattern
    if isinstance(right, bool):
        return str(right).lower()
    return "[" + ", ".join(map(str, jsonable(list(right)))) + "]"


def _right(left: Operand, op: str, raw: Any, scope: Scope, depth: int, line: int | None) -> Any:
    if left.type is ValueType.LIST and op != "is_set":
        raise CompileError(f"{left.text} is a list: test it with is_set, or use count/sum/every/some", line)
    if op == "is_set":
        if not isinstance(raw, bool):
            raise CompileError("is_set takes true or false", line)
        return raw
    if op == "matches":
        return _regex(left, raw, line)
    if op in ("in", "not_in"):
        if not isinstance(raw, list) or not raw:
            raise CompileError(f"{op} takes a non-empty list of values", line)
        return tuple(_check_comparable(left, compile_literal(value, line), op, line).value for value in raw)
    right = compile_operand(raw, scope, depth + 1, line)
    if op in ("lt", "le", "gt", "ge") and (left.type not in ORDERED or right.type not in ORDERED):
        raise CompileError(f"{op} needs numbers, money or dates; {left.text} is {left.type} and "
                           f"{right.text} is {right.type}", line)
    return _check_comparable(left, right, op, line)


def _check_comparable(left: Operand, right: Operand, op: str, line: int | None) -> Any:
    if family(left.type) != family(right.type):
        raise CompileError(f"cannot compare {left.text} ({left.type}) with {right.text} ({right.type}) "
                           f"using {op}", line)
    # A misspelt enumeration value would silently never match: refuse it now.
    for one, other in ((left, right), (right, left)):
        if one.values and other.type is ValueType.TEXT and hasattr(other, "value") \
                and other.value not in one.values:
            raise CompileError(f"{other.value!r} is not a value of {one.text} "
                               f"(allowed: {', '.join(one.values)})", line)
    return right


def _regex(left: Operand, raw: Any, line: int | None) -> re.Pattern:
    if left.type is not ValueType.TEXT:
        raise CompileError(f"matches needs a text fact; {left.text} is {left.type}", line)
    if not isinstance(raw, str) or len(raw) > MAX_REGEX_LENGTH:
        raise CompileError(f"matches takes a regular expression of at most {MAX_REGEX_LENGTH} characters", line)
    try:
        return re.compile(raw)
    except re.error as exc:
        raise CompileError(f"bad regular expression {raw!r}: {exc}", line) from exc


"""Operands of conditions: facts, record fields, parameters, literals, aggregates and date arithmetic.

Each operand is compiled once with a static type (checked against the vocabulary) and later resolved
against one project's facts to ``(value, missing)``; ``value`` is None when it cannot be known and
``missing`` then says what was missing.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .errors import CompileError
from .limits import MAX_CONDITION_DEPTH
from .model import Parameter
from .types import NUMERIC, ORDERED, ValueType, to_decimal
from .vocabulary import VOCABULARY, Fact, NormalisedFacts

if TYPE_CHECKING:
    from .conditions import Condition

Resolved = tuple[Any, tuple[str, ...]]


@dataclass(frozen=True)
class Scope:
    """What names mean while compiling: the rule's parameters and the list whose records ``field:`` reads."""

    parameters: Mapping[str, Parameter]
    compile_condition: Callable[[Any, Scope, int], Condition]
    item: Fact | None = None


@dataclass(slots=True)
class Context:
    """What names mean while evaluating: one project's facts, the parameters, the current list record.

    Built for every rule and list record evaluated, hence slots and no frozen-init overhead; read-only.
    """

    facts: NormalisedFacts
    parameters: Mapping[str, Any]
    item: Mapping[str, Any] | None = None
    item_label: str = ""

    def with_item(self, record: Mapping[str, Any], label: str) -> Context:
        # direct construction: dataclasses.replace is several times slower, and this runs per record
        return Context(self.facts, self.parameters, record, label)


@dataclass(frozen=True)
class Operand:
    type: ValueType
    text: str
    values: tuple[str, ...] = field(default=(), kw_only=True)  # allowed values of an enumeration

    def resolve(self, ctx: Context) -> Resolved:
        raise NotImplementedError


@dataclass(frozen=True)
class FactRef(Operand):
    def resolve(self, ctx: Context) -> Resolved:
        value = ctx.facts.get(self.text)
        return value, (() if value is not None else (self.text,))


@dataclass(frozen=True)
class FieldRef(Operand):
    name: str

    def resolve(self, ctx: Context) -> Resolved:
        value = (ctx.item or {}).get(self.name)
        return value, (() if value is not None else (f"{ctx.item_label}.{self.name}",))


@dataclass(frozen=True)
class ParamRef(Operand):
    name: str

    def resolve(self, ctx: Context) -> Resolved:
        return ctx.parameters[self.name], ()


@dataclass(frozen=True)
class Literal(Operand):
    value: Any

    def resolve(self, ctx: Context) -> Resolved:
        return self.value, ()


@dataclass(frozen=True)
class Aggregate(Operand):
    """sum / min / max / count / distinct over a list fact's records, optionally filtered by ``where``."""

    function: str
    list_name: str
    field_name: str | None
    where: Condition | None

    def resolve(self, ctx: Context) -> Resolved:
        records = ctx.facts.get(self.list_name)
        if records is None:
            return None, (self.list_name,)
        chosen, missing = [], []
        for index, record in enumerate(records):
            label = f"{self.list_name}[{index}]"
            keep = True if self.where is None else self.where.evaluate(ctx.with_item(record, label)).passed
            if keep is None:  # an unknown filter makes the whole aggregate unknown
                missing.append(f"{label} ({self.where.text})")  # type: ignore[union-attr]
            elif keep:
                chosen.append((label, record))
        if missing:
            return None, tuple(missing)
        return self._combine(chosen)

    def _combine(self, chosen: list[tuple[str, Mapping]]) -> Resolved:
        if self.function == "count":
            return len(chosen), ()
        values: list[Any] = [record.get(self.field_name) for _, record in chosen]
        if self.function == "distinct":
            return len({value for value in values if value is not None}), ()
        absent = tuple(f"{label}.{self.field_name}"
                       for (label, _), value in zip(chosen, values, strict=True) if value is None)
        if absent:
            return None, absent
        if self.function == "sum":
            return sum(values, Decimal(0)), ()
        if not values:
            return None, (f"{self.text}: no records",)
        return (min(values) if self.function == "min" else max(values)), ()


@dataclass(frozen=True)
class Arithmetic(Operand):
    """days_between(a, b) = b - a in days; ratio(a, b) = a / b; percent_change(a, b) = (b - a) / a * 100."""

    function: str
    left: Operand
    right: Operand

    def resolve(self, ctx: Context) -> Resolved:
        a, missing_a = self.left.resolve(ctx)
        b, missing_b = self.right.resolve(ctx)
        if a is None or b is None:
            return None, missing_a + missing_b
        if self.function == "days_between":
            return (b - a).days, ()
        divisor = b if self.function == "ratio" else a
        if divisor == 0:
            return None, (f"{self.text}: division by zero",)
        if self.function == "ratio":
            return to_decimal(a) / to_decimal(b), ()
        return (to_decimal(b) - to_decimal(a)) * 100 / to_decimal(a), ()


AGGREGATES = ("sum", "count", "min", "max", "distinct")
ARITHMETIC = ("days_between", "ratio", "percent_change")
OPERAND_KEYS = frozenset({"fact", "field", "param", *AGGREGATES, *ARITHMETIC})


def compile_operand(node: Any, scope: Scope, depth: int, line: int | None) -> Operand:
    """A YAML value as an operand: a mapping with one operand key, or a literal."""
    if not isinstance(node, dict):
        return compile_literal(node, line)
    line = getattr(node, "line", line)
    if depth > MAX_CONDITION_DEPTH:
        raise CompileError(f"condition nested deeper than {MAX_CONDITION_DEPTH} levels", line)
    keys = set(node) - {"where"}
    if len(keys) != 1 or not keys <= OPERAND_KEYS:
        raise CompileError(f"an operand needs exactly one of {', '.join(sorted(OPERAND_KEYS))}; "
                           f"found {', '.join(map(str, node)) or 'nothing'}", line)
    (key,) = keys
    if "where" in node and key not in AGGREGATES:
        raise CompileError(f"'where' belongs to an aggregate ({', '.join(AGGREGATES)}), not to {key}", line)
    if key == "fact":
        return fact_operand(node[key], line)
    if key == "field":
        return field_operand(node[key], scope, line)
    if key == "param":
        return param_operand(node[key], scope, line)
    if key in AGGREGATES:
        return _aggregate(key, node[key], node.get("where"), scope, depth, line)
    return _arithmetic(key, node[key], scope, depth, line)


def compile_literal(value: Any, line: int | None) -> Literal:
    if isinstance(value, bool):
        return Literal(ValueType.BOOLEAN, repr(value).lower(), value)
    if isinstance(value, int):
        return Literal(ValueType.INTEGER, str(value), value)
    if isinstance(value, float):
        return Literal(ValueType.NUMBER, str(value), to_decimal(value))
    if isinstance(value, str):
        return Literal(ValueType.TEXT, repr(value), value)
    if isinstance(value, date):
        return Literal(ValueType.DATE, value.isoformat(), value)
    raise CompileError(f"{value!r} is not a value a condition can use (text, number, yes/no or date)", line)


def fact_operand(name: Any, line: int | None) -> FactRef:
    fact = VOCABULARY.get(name) if isinstance(name, str) else None
    if fact is None:
        raise CompileError(f"unknown fact {name!r} (see `vidnova rules facts`)", line)
    return FactRef(fact.type, fact.name, values=fact.values)


def field_operand(name: Any, scope: Scope, line: int | None) -> FieldRef:
    if scope.item is None:
        raise CompileError(f"'field: {name}' is only meaningful inside every/some/where over a list", line)
    item = scope.item.field(name) if isinstance(name, str) else None
    if item is None:
        known = ", ".join(f.name for f in scope.item.fields)
        raise CompileError(f"{scope.item.name} records have no field {name!r} (fields: {known})", line)
    return FieldRef(item.type, f"{scope.item.name}[].{name}", name, values=item.values)


def param_operand(name: Any, scope: Scope, line: int | None) -> ParamRef:
    parameter = scope.parameters.get(name) if isinstance(name, str) else None
    if parameter is None:
        raise CompileError(f"unknown parameter {name!r}; declare it under the rule's 'parameters'", line)
    return ParamRef(parameter.type, f"{{param:{name}}}", name)


def list_fact(name: Any, line: int | None) -> Fact:
    fact = VOCABULARY.get(name) if isinstance(name, str) else None
    if fact is None or fact.type is not ValueType.LIST:
        raise CompileError(f"{name!r} is not a list fact", line)
    return fact


def _aggregate(function: str, path: Any, where: Any, scope: Scope, depth: int, line: int | None) -> Aggregate:
    if not isinstance(path, str):
        raise CompileError(f"{function} needs a list fact or list.field path", line)
    if function == "count":
        fact, item = list_fact(path, line), None
    else:
        list_name, _, field_name = path.rpartition(".")
        fact = list_fact(list_name, line)
        item = fact.field(field_name)
        if item is None:
            raise CompileError(f"{list_name} records have no field {field_name!r}", line)
        wanted = NUMERIC if function == "sum" else ORDERED if function in ("min", "max") else None
        if wanted is not None and item.type not in wanted:
            raise CompileError(f"{function} needs a field of type {'/'.join(sorted(wanted))}; "
                               f"{path} is {item.type}", line)
    where_condition = None
    if where is not None:
        where_condition = scope.compile_condition(where, replace(scope, item=fact), depth + 1)
    result_type = item.type if function in ("sum", "min", "max") and item else ValueType.INTEGER
    text = f"{function}({path}{' where …' if where is not None else ''})"
    return Aggregate(result_type, text, function, fact.name, item.name if item else None, where_condition)


def _arithmetic(function: str, args: Any, scope: Scope, depth: int, line: int | None) -> Arithmetic:
    if not isinstance(args, list) or len(args) != 2:
        raise CompileError(f"{function} takes a list of two operands: [a, b]", line)
    left, right = (compile_operand(arg, scope, depth + 1, line) for arg in args)
    wanted = {ValueType.DATE} if function == "days_between" else NUMERIC
    for operand in (left, right):
        if operand.type not in wanted:
            raise CompileError(f"{function} needs {'dates' if function == 'days_between' else 'numbers'}; "
                               f"{operand.text} is {operand.type}", line)
    result = ValueType.INTEGER if function == "days_between" else ValueType.NUMBER
    return Arithmetic(result, f"{function}({left.text}, {right.text})", function, left, right)

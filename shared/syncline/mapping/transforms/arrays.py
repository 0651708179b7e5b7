"""Array functions (kind "list"): first, last, count, sum, filter, unique."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from syncline.mapping.filters import RowError, compile_condition
from syncline.mapping.transforms.core import ArgError, Args, Context, NoArgs, Op, function
from syncline.mapping.transforms.numeric import to_decimal
from syncline.mapping.values import MISSING, to_json


@function("first", "array", "The first element.", kind="list", reduces=True)
def _first(args: NoArgs, ctx: Context) -> Op:
    return lambda values, record: values[0] if values else MISSING


@function("last", "array", "The last element.", kind="list", reduces=True)
def _last(args: NoArgs, ctx: Context) -> Op:
    return lambda values, record: values[-1] if values else MISSING


@function("count", "array", "The number of elements.", kind="list", reduces=True)
def _count(args: NoArgs, ctx: Context) -> Op:
    return lambda values, record: len(values)


@function(
    "sum",
    "array",
    "The total of the elements (missing and null count as nothing).",
    kind="list",
    reduces=True,
)
def _sum(args: NoArgs, ctx: Context) -> Op:
    def run(values: list[Any], record: Any) -> Any:
        present = [v for v in values if v is not None and v is not MISSING]
        if all(type(v) is int for v in present):
            return sum(present)
        return sum((to_decimal(v) for v in present), Decimal(0))

    return run


class FilterArgs(Args):
    operator: str
    field: str | None = None
    value: Any = None
    unit: str | None = None
    calendar: bool = False
    ignore_case: bool = False


@function(
    "filter",
    "array",
    "Keep the elements that match a filter row; 'field' is read from each element.",
    FilterArgs,
    kind="list",
)
def _filter(args: FilterArgs, ctx: Context) -> Op:
    row = args.model_dump(include=args.model_fields_set | {"operator"})
    try:
        test = compile_condition(row, ctx.tz, ctx.clock, field_required=False)
    except RowError as exc:
        raise ArgError(exc.key, exc.reason) from None
    return lambda values, record: [v for v in values if test(v)]


_HASHABLE = frozenset({str, int, float, bool, type(None)})


@function("unique", "array", "Drop repeated elements, keeping the first.", kind="list")
def _unique(args: NoArgs, ctx: Context) -> Op:
    def run(values: list[Any], record: Any) -> Any:
        seen: set[Any] = set()
        kept = []
        for value in values:
            kind = type(value)
            if kind in _HASHABLE:
                key: Any = (kind, value)
            else:
                key = json.dumps(to_json(value), sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                kept.append(value)
        return kept

    return run

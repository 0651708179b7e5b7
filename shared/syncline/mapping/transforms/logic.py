"""Logic functions: default, if."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from syncline.mapping.filters import RowError, compile_condition
from syncline.mapping.transforms.core import ArgError, Args, Context, Op, function
from syncline.mapping.values import is_empty


class DefaultArgs(Args):
    value: Any


@function(
    "default",
    "logic",
    "Use this value when the value is missing, null, blank or empty.",
    DefaultArgs,
    handles_empty=True,
)
def _default(args: DefaultArgs, ctx: Context) -> Op:
    fallback = args.value
    return lambda value, record: fallback if is_empty(value) else value


class IfArgs(Args):
    condition: dict[str, Any]
    then: Any = None
    else_: Any = Field(default=None, alias="else")


@function(
    "if",
    "logic",
    "If the condition holds use 'then', else 'else' (either, when left out, keeps the value). The "
    "condition is a filter row; with 'field' it tests the source record, without it the value.",
    IfArgs,
    handles_empty=True,
)
def _if(args: IfArgs, ctx: Context) -> Op:
    try:
        test = compile_condition(args.condition, ctx.tz, ctx.clock, field_required=False)
    except RowError as exc:
        raise ArgError(f"condition.{exc.key}" if exc.key else "condition", exc.reason) from None
    on_record = args.condition.get("field") is not None
    keep_then = "then" not in args.model_fields_set
    keep_else = "else_" not in args.model_fields_set
    then, otherwise = args.then, args.else_

    def run(value: Any, record: Any) -> Any:
        if test(record if on_record else value):
            return value if keep_then else then
        return value if keep_else else otherwise

    return run

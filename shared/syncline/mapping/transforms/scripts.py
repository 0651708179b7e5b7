"""The script function: a JSONata expression on the value, with the source record as $source."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from syncline.mapping.sandbox import Script, ScriptError, ScriptSyntaxError
from syncline.mapping.transforms.core import ArgError, Args, Context, Op, function
from syncline.mapping.values import MISSING, to_json


class ScriptArgs(Args):
    expression: str = Field(min_length=1)


@function(
    "script",
    "script",
    "A JSONata expression: $ is the value, $source the whole source record.",
    ScriptArgs,
    handles_empty=True,
)
def _script(args: ScriptArgs, ctx: Context) -> Op:
    try:
        script = Script(args.expression, bindings=frozenset({"source"}))
    except ScriptSyntaxError as exc:
        raise ArgError("expression", str(exc)) from None
    budget = ctx.budget

    def run(value: Any, record: Any) -> Any:
        try:
            result = script.evaluate(to_json(value), {"source": record}, budget.deadline)
        except ScriptError as exc:
            raise ValueError(str(exc)) from None
        return MISSING if result is None else result

    return run

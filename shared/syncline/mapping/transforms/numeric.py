"""Number functions: arithmetic, rounding, absolute, format."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pydantic import Field

from syncline.mapping.transforms.core import ArgError, Args, Context, NoArgs, Op, function
from syncline.mapping.values import describe, type_name


def to_decimal(value: Any) -> Decimal:
    """A finite Decimal from a number or numeric text.

    Numbers are Decimals inside a chain (written out as JSON numbers), so there is no float noise
    (9.99 * 3 = 29.97) and a result keeps how its inputs were written: 5 * 2 = 10, "5.0" * 2 = 10.0.
    """
    kind = type(value)
    if kind is str or kind is int:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"expected a number, got {describe(value)}") from None
    elif kind is Decimal:
        number = value
    elif kind is float:
        number = Decimal(repr(value))
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(int(value))
    else:
        raise ValueError(f"expected a number, got {type_name(value)} {describe(value)}")
    if not number.is_finite():
        raise ValueError(f"expected a finite number, got {describe(value)}")
    return number


class OperandArgs(Args):
    value: int | float


def _arithmetic(name: str, summary: str, apply: Callable[[Decimal, Decimal], Decimal]) -> None:
    def build(args: OperandArgs, ctx: Context) -> Op:
        operand = to_decimal(args.value)
        if name == "divide" and operand == 0:
            raise ArgError("value", "cannot divide by zero")
        return lambda value, record: apply(to_decimal(value), operand)

    function(name, "number", summary, OperandArgs)(build)


_arithmetic("add", "Add a number.", operator.add)
_arithmetic("subtract", "Subtract a number.", operator.sub)
_arithmetic("multiply", "Multiply by a number.", operator.mul)
_arithmetic("divide", "Divide by a number.", operator.truediv)


class RoundArgs(Args):
    decimals: int = Field(default=0, ge=0, le=12)


@function("round", "number", "Round half up to a number of decimals.", RoundArgs)
def _round(args: RoundArgs, ctx: Context) -> Op:
    step = Decimal(1).scaleb(-args.decimals)
    return lambda value, record: to_decimal(value).quantize(step, ROUND_HALF_UP)


def _rounding(name: str, summary: str, mode: str) -> None:
    def build(args: NoArgs, ctx: Context) -> Op:
        return lambda value, record: int(to_decimal(value).to_integral_value(mode))

    function(name, "number", summary)(build)


_rounding("ceil", "Round up to a whole number.", ROUND_CEILING)
_rounding("floor", "Round down to a whole number.", ROUND_FLOOR)


@function("absolute", "number", "The number without its sign.")
def _absolute(args: NoArgs, ctx: Context) -> Op:
    return lambda value, record: abs(to_decimal(value))


class FormatNumberArgs(Args):
    decimals: int = Field(default=2, ge=0, le=12)
    thousands_separator: str = Field(default="", max_length=1)
    decimal_separator: str = Field(default=".", min_length=1, max_length=1)


@function("format", "number", "Number as text with fixed decimals and separators.", FormatNumberArgs)
def _format(args: FormatNumberArgs, ctx: Context) -> Op:
    step = Decimal(1).scaleb(-args.decimals)
    table = str.maketrans({",": args.thousands_separator, ".": args.decimal_separator})

    def run(value: Any, record: Any) -> Any:
        return f"{to_decimal(value).quantize(step, ROUND_HALF_UP):,f}".translate(table)

    return run

"""Type functions: to_string, to_integer, to_float, to_boolean."""

from __future__ import annotations

import json
import math
from typing import Any

from syncline.mapping.transforms.core import Context, NoArgs, Op, function
from syncline.mapping.transforms.numeric import to_decimal
from syncline.mapping.values import as_bool, as_text, describe, to_json


@function("to_string", "type", "Convert to text (arrays and objects as JSON).")
def _to_string(args: NoArgs, ctx: Context) -> Op:
    def run(value: Any, record: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(to_json(value), separators=(",", ":"), ensure_ascii=False)
        return as_text(value)

    return run


@function("to_integer", "type", "Convert to a whole number (text like '12' or '12.0'; true is 1).")
def _to_integer(args: NoArgs, ctx: Context) -> Op:
    def run(value: Any, record: Any) -> Any:
        if type(value) is int:
            return value
        if type(value) is str:
            try:
                return int(value)
            except ValueError:
                pass
        if isinstance(value, bool):
            return int(value)
        number = to_decimal(value)
        if number != number.to_integral_value():
            raise ValueError(f"{describe(value)} is not a whole number")
        return int(number)

    return run


@function("to_float", "type", "Convert to a number with decimals.")
def _to_float(args: NoArgs, ctx: Context) -> Op:
    def run(value: Any, record: Any) -> Any:
        if isinstance(value, float):
            return value
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"expected a number, got {describe(value)}") from None
            if math.isfinite(number) and "_" not in value:
                return number
        return float(value) if isinstance(value, bool) else float(to_decimal(value))

    return run


@function("to_boolean", "type", "Convert to true/false: yes/no, y/n, true/false, 1/0, on/off, t/f.")
def _to_boolean(args: NoArgs, ctx: Context) -> Op:
    def run(value: Any, record: Any) -> Any:
        result = as_bool(value)
        if result is None:
            raise ValueError(f"cannot read {describe(value)} as a boolean")
        return result

    return run

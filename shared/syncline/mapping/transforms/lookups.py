"""The lookup function: translate a value through one of the company group's lookup tables."""

from __future__ import annotations

from typing import Any

from syncline.mapping.lookup import Direction
from syncline.mapping.transforms.core import ArgError, Args, Context, Op, function
from syncline.mapping.values import as_text, describe


class LookupArgs(Args):
    table: str
    direction: Direction = "left_to_right"
    default: str | None = None
    keep_unmatched: bool = False


@function(
    "lookup",
    "lookup",
    "Translate through a lookup table. On a miss: 'default', else the table's default, else the value "
    "itself when keep_unmatched, else the record fails.",
    LookupArgs,
)
def _lookup(args: LookupArgs, ctx: Context) -> Op:
    table = ctx.lookups.get(args.table)
    if table is None:
        known = ", ".join(sorted(ctx.lookups)) or "none"
        raise ArgError("table", f"unknown lookup table {args.table!r} (known: {known})")
    direction = args.direction
    index = table.index(direction)
    fallback = args.default
    if fallback is None:
        fallback = table.default_right if direction == "left_to_right" else table.default_left
    keep = args.keep_unmatched
    name = args.table

    def run(value: Any, record: Any) -> Any:
        found = index.get(value if isinstance(value, str) else as_text(value))
        if found is not None:
            return found
        if fallback is not None:
            return fallback
        if keep:
            return value
        raise ValueError(f"no match for {describe(value)} in lookup table {name!r} ({direction})")

    return run

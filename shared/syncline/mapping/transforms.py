"""Transform functions: a registry of named functions with typed arguments.

A transform is ``{"function": "pad", "args": {"length": 6, "character": "0"}}``. Arguments are
checked when rules are saved (unknown function, unknown or missing argument, wrong type, bad pattern,
unknown lookup table), so a chain that compiles only fails at run time on the data itself.

Most functions work on one value at a time ("each"): applied to a ``[*]`` source they run for every
element, and missing or null values pass through untouched (except default, if, now and script,
which are made for them). Array functions ("list": first, last, count, sum, filter, unique, join,
concatenate) work on a whole array: the innermost ``[*]`` level of the source, the list of sources of
a multi-source rule, or an array field read without ``[*]``.
"""

from __future__ import annotations

import json
import math
import operator
import re
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from syncline.mapping import dates
from syncline.mapping.filters import Clock, RowError, compile_condition
from syncline.mapping.lookup import Direction, LookupTable
from syncline.mapping.sandbox import Script, ScriptError, ScriptSyntaxError, check_regex
from syncline.mapping.values import MISSING, as_bool, as_text, describe, is_empty, to_json, type_name

Op = Callable[[Any, Any], Any]
"""A compiled transform: (value, source record) -> new value; ValueError with a readable reason."""


class RecordBudget(threading.local):
    """When the scripts of the record being mapped on this thread must stop (time.perf_counter())."""

    deadline: float | None = None


@dataclass(frozen=True)
class Context:
    """What transforms may depend on besides their arguments."""

    tz: tzinfo
    lookups: Mapping[str, LookupTable]
    clock: Clock
    budget: RecordBudget = field(default_factory=RecordBudget)


class ArgError(ValueError):
    """An argument that is well typed but cannot work (bad pattern, unknown table...)."""

    def __init__(self, arg: str | None, reason: str) -> None:
        self.arg = arg
        self.reason = reason
        super().__init__(reason)


class Args(BaseModel):
    """Base of every argument model: strict types, no unknown arguments."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, populate_by_name=True, defer_build=True
    )


class NoArgs(Args):
    pass


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    category: str
    summary: str
    args: type[Args]
    build: Callable[[Any, Context], Op]
    kind: Literal["each", "list"] = "each"
    reduces: bool = False
    handles_empty: bool = False
    expands: Callable[[Any], bool] | None = None

    def catalog(self) -> dict[str, Any]:
        """A JSON description of the function (for the API and UI)."""
        return {
            "name": self.name,
            "category": self.category,
            "summary": self.summary,
            "kind": self.kind,
            "args": self.args.model_json_schema(by_alias=True),
        }


REGISTRY: dict[str, FunctionSpec] = {}


def function(
    name: str,
    category: str,
    summary: str,
    args: type[Args] = NoArgs,
    *,
    kind: Literal["each", "list"] = "each",
    reduces: bool = False,
    handles_empty: bool = False,
    expands: Callable[[Any], bool] | None = None,
) -> Callable[[Callable[[Any, Context], Op]], Callable[[Any, Context], Op]]:
    def register(build: Callable[[Any, Context], Op]) -> Callable[[Any, Context], Op]:
        REGISTRY[name] = FunctionSpec(
            name, category, summary, args, build, kind, reduces, handles_empty, expands
        )
        return build

    return register


def catalog() -> list[dict[str, Any]]:
    return [spec.catalog() for spec in REGISTRY.values()]


def _zone(name: str | None, ctx: Context, arg: str) -> tzinfo:
    if name is None:
        return ctx.tz
    try:
        return dates.zone(name)
    except ValueError as exc:
        raise ArgError(arg, str(exc)) from None


def _pattern(pattern: str, arg: str) -> str:
    try:
        dates.check_pattern(pattern)
    except ValueError as exc:
        raise ArgError(arg, str(exc)) from None
    return pattern


# ---------------------------------------------------------------- string


TEXT_FUNCTIONS: weakref.WeakKeyDictionary[Op, Callable[[str], Any]] = weakref.WeakKeyDictionary()
"""op -> its plain text function, so the engine can call it directly on text elements of an array
(weak: entries go away with the compiled mapping that holds the op)."""


def _text_op(transform: Callable[[str], Any]) -> Op:
    def run(value: Any, record: Any) -> Any:
        return transform(value if isinstance(value, str) else as_text(value))

    TEXT_FUNCTIONS[run] = transform
    return run


class TrimArgs(Args):
    characters: str | None = Field(default=None, min_length=1)


@function("trim", "string", "Remove spaces (or the given characters) from both ends.", TrimArgs)
def _trim(args: TrimArgs, ctx: Context) -> Op:
    chars = args.characters
    return _text_op(str.strip if chars is None else lambda s: s.strip(chars))


@function("upper", "string", "UPPER CASE.")
def _upper(args: NoArgs, ctx: Context) -> Op:
    return _text_op(str.upper)


@function("lower", "string", "lower case.")
def _lower(args: NoArgs, ctx: Context) -> Op:
    return _text_op(str.lower)


@function("title", "string", "Title Case Each Word.")
def _title(args: NoArgs, ctx: Context) -> Op:
    return _text_op(lambda s: " ".join(word[:1].upper() + word[1:].lower() for word in s.split(" ")))


class AffixArgs(Args):
    value: str


@function("prefix", "string", "Put text before the value.", AffixArgs)
def _prefix(args: AffixArgs, ctx: Context) -> Op:
    text = args.value
    return _text_op(lambda s: text + s)


@function("suffix", "string", "Put text after the value.", AffixArgs)
def _suffix(args: AffixArgs, ctx: Context) -> Op:
    text = args.value
    return _text_op(lambda s: s + text)


class ReplaceArgs(Args):
    old: str = Field(min_length=1)
    new: str = ""


@function("replace", "string", "Replace every occurrence of old with new.", ReplaceArgs)
def _replace(args: ReplaceArgs, ctx: Context) -> Op:
    old, new = args.old, args.new
    return _text_op(lambda s: s.replace(old, new))


class RegexReplaceArgs(Args):
    pattern: str = Field(min_length=1, max_length=1000)
    replacement: str = ""
    ignore_case: bool = False


@function(
    "regex_replace", "string", "Replace regex matches (Python syntax; \\1 for groups).", RegexReplaceArgs
)
def _regex_replace(args: RegexReplaceArgs, ctx: Context) -> Op:
    try:
        regex = check_regex(args.pattern, re.IGNORECASE if args.ignore_case else 0)
        regex.sub(args.replacement, "")
    except (ValueError, re.error) as exc:
        raise ArgError("pattern" if isinstance(exc, ValueError) else "replacement", str(exc)) from None
    replacement = args.replacement
    return _text_op(lambda s: regex.sub(replacement, s))


class SplitArgs(Args):
    separator: str = Field(default=",", min_length=1)
    index: int | None = None
    trim: bool = True


@function(
    "split",
    "string",
    "Split text into an array (or pick one part with index; negative counts from the end).",
    SplitArgs,
    expands=lambda args: args.index is None,
)
def _split(args: SplitArgs, ctx: Context) -> Op:
    separator, index, trim = args.separator, args.index, args.trim

    def run(value: Any, record: Any) -> Any:
        parts = as_text(value).split(separator)
        if trim:
            parts = [part.strip() for part in parts]
        if index is None:
            return parts
        return parts[index] if -len(parts) <= index < len(parts) else MISSING

    return run


class JoinArgs(Args):
    separator: str = ","


@function(
    "join",
    "string",
    "Join an array into text with a separator (an empty array: missing).",
    JoinArgs,
    kind="list",
    reduces=True,
)
def _join(args: JoinArgs, ctx: Context) -> Op:
    separator = args.separator

    def run(values: list[Any], record: Any) -> Any:
        parts = [as_text(v) for v in values if v is not None and v is not MISSING]
        return separator.join(parts) if parts else MISSING

    return run


class ConcatenateArgs(Args):
    separator: str = ""


@function(
    "concatenate",
    "string",
    "Join several sources into one text, skipping empty ones (none left: missing).",
    ConcatenateArgs,
    kind="list",
    reduces=True,
)
def _concatenate(args: ConcatenateArgs, ctx: Context) -> Op:
    separator = args.separator

    def run(values: list[Any], record: Any) -> Any:
        parts = [as_text(v) for v in values if not is_empty(v)]
        return separator.join(parts) if parts else MISSING

    return run


class SubstringArgs(Args):
    start: int = 0
    length: int | None = Field(default=None, ge=0)


@function(
    "substring",
    "string",
    "Part of the text from start (0-based; negative counts from the end).",
    SubstringArgs,
)
def _substring(args: SubstringArgs, ctx: Context) -> Op:
    start, length = args.start, args.length
    if length is None:
        return _text_op(lambda s: s[start:])
    return _text_op(lambda s: s[start:][:length])


class PadArgs(Args):
    length: int = Field(ge=0, le=10_000)
    character: str = Field(default=" ", min_length=1, max_length=1)
    side: Literal["left", "right"] = "left"


@function("pad", "string", "Pad to a length with a character, on the left (default) or right.", PadArgs)
def _pad(args: PadArgs, ctx: Context) -> Op:
    length, char = args.length, args.character
    if args.side == "left":
        return _text_op(lambda s: s.rjust(length, char))
    return _text_op(lambda s: s.ljust(length, char))


class TruncateArgs(Args):
    length: int = Field(ge=0)
    ellipsis: str = ""


@function("truncate", "string", "Cut text to at most length characters (ellipsis included).", TruncateArgs)
def _truncate(args: TruncateArgs, ctx: Context) -> Op:
    length, ellipsis = args.length, args.ellipsis
    if len(ellipsis) > length:
        raise ArgError("ellipsis", "is longer than length")
    keep = length - len(ellipsis)
    return _text_op(lambda s: s if len(s) <= length else s[:keep] + ellipsis)


# ---------------------------------------------------------------- number


def _decimal(value: Any) -> Decimal:
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
        operand = _decimal(args.value)
        if name == "divide" and operand == 0:
            raise ArgError("value", "cannot divide by zero")
        return lambda value, record: apply(_decimal(value), operand)

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
    return lambda value, record: _decimal(value).quantize(step, ROUND_HALF_UP)


def _rounding(name: str, summary: str, mode: str) -> None:
    def build(args: NoArgs, ctx: Context) -> Op:
        return lambda value, record: int(_decimal(value).to_integral_value(mode))

    function(name, "number", summary)(build)


_rounding("ceil", "Round up to a whole number.", ROUND_CEILING)
_rounding("floor", "Round down to a whole number.", ROUND_FLOOR)


@function("absolute", "number", "The number without its sign.")
def _absolute(args: NoArgs, ctx: Context) -> Op:
    return lambda value, record: abs(_decimal(value))


class FormatNumberArgs(Args):
    decimals: int = Field(default=2, ge=0, le=12)
    thousands_separator: str = Field(default="", max_length=1)
    decimal_separator: str = Field(default=".", min_length=1, max_length=1)


@function("format", "number", "Number as text with fixed decimals and separators.", FormatNumberArgs)
def _format(args: FormatNumberArgs, ctx: Context) -> Op:
    step = Decimal(1).scaleb(-args.decimals)
    table = str.maketrans({",": args.thousands_separator, ".": args.decimal_separator})

    def run(value: Any, record: Any) -> Any:
        return f"{_decimal(value).quantize(step, ROUND_HALF_UP):,f}".translate(table)

    return run


# ---------------------------------------------------------------- date


class ParseDateArgs(Args):
    format: str = "iso"
    timezone: str | None = None


@function(
    "parse_date",
    "date",
    "Read a date with a pattern (iso, date, unix, unix_ms or strftime like %d/%m/%Y); times without an "
    "offset are in the given time zone, else the service's.",
    ParseDateArgs,
)
def _parse_date(args: ParseDateArgs, ctx: Context) -> Op:
    pattern = _pattern(args.format, "format")
    tz = _zone(args.timezone, ctx, "timezone")
    read = dates.parser(pattern, tz)
    return lambda value, record: read(value)


class FormatDateArgs(Args):
    format: str = "iso"
    input_format: str = "iso"
    timezone: str | None = None


@function(
    "format_date",
    "date",
    "Write a date with a pattern, optionally converting it to a time zone first.",
    FormatDateArgs,
)
def _format_date(args: FormatDateArgs, ctx: Context) -> Op:
    pattern = _pattern(args.format, "format")
    input_pattern = _pattern(args.input_format, "input_format")
    target = _zone(args.timezone, ctx, "timezone") if args.timezone else None
    read = dates.parser(input_pattern, ctx.tz)

    def run(value: Any, record: Any) -> Any:
        moment = read(value)
        return dates.render(moment.astimezone(target) if target else moment, pattern)

    return run


class ConvertZoneArgs(Args):
    to: str
    from_: str | None = Field(default=None, alias="from")


@function(
    "convert_timezone",
    "date",
    "Convert a date to another time zone (times without an offset are read in 'from', else the service's).",
    ConvertZoneArgs,
)
def _convert_timezone(args: ConvertZoneArgs, ctx: Context) -> Op:
    target = _zone(args.to, ctx, "to")
    source = _zone(args.from_, ctx, "from")
    read = dates.parser("iso", source)
    return lambda value, record: read(value).astimezone(target)


class DurationArgs(Args):
    amount: float
    unit: str


def _duration(name: str, summary: str, sign: int) -> None:
    def build(args: DurationArgs, ctx: Context) -> Op:
        try:
            unit = dates.check_unit(args.unit)
        except ValueError as exc:
            raise ArgError("unit", str(exc)) from None
        amount = sign * args.amount
        if unit in ("months", "years") and amount != int(amount):
            raise ArgError("amount", f"{unit} must be a whole number")
        read = dates.parser("iso", ctx.tz)
        return lambda value, record: dates.shift(read(value), amount, unit)

    function(name, "date", summary, DurationArgs)(build)


_duration("add_duration", "Add an amount of seconds, minutes, hours, days, weeks, months or years.", 1)
_duration("subtract_duration", "Subtract an amount of seconds ... years.", -1)


class NowArgs(Args):
    timezone: str | None = None


@function(
    "now",
    "date",
    "The current time (in the given time zone, else the service's).",
    NowArgs,
    handles_empty=True,
)
def _now(args: NowArgs, ctx: Context) -> Op:
    tz = _zone(args.timezone, ctx, "timezone")
    clock = ctx.clock
    return lambda value, record: clock().astimezone(tz)


# ---------------------------------------------------------------- type


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
        number = _decimal(value)
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
        return float(value) if isinstance(value, bool) else float(_decimal(value))

    return run


@function("to_boolean", "type", "Convert to true/false: yes/no, y/n, true/false, 1/0, on/off, t/f.")
def _to_boolean(args: NoArgs, ctx: Context) -> Op:
    def run(value: Any, record: Any) -> Any:
        result = as_bool(value)
        if result is None:
            raise ValueError(f"cannot read {describe(value)} as a boolean")
        return result

    return run


# ---------------------------------------------------------------- logic


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


# ---------------------------------------------------------------- array


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
        return sum((_decimal(v) for v in present), Decimal(0))

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


# ---------------------------------------------------------------- lookup


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


# ---------------------------------------------------------------- script


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

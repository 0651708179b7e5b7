"""Date functions: parse, format, convert time zone, add/subtract a duration, now."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from pydantic import Field

from syncline.mapping import dates
from syncline.mapping.transforms.core import ArgError, Args, Context, Op, function


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

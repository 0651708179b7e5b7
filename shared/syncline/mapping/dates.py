"""Dates: parse and format with patterns, time zones and calendar-aware durations.

A pattern is either a named format (``iso``, ``date``, ``unix``, ``unix_ms``) or a strftime pattern
such as ``%d/%m/%Y %H:%M``. Times without an offset are read in the service's time zone.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from syncline.mapping.values import describe

NAMED_FORMATS = ("iso", "date", "unix", "unix_ms")
UNITS = ("seconds", "minutes", "hours", "days", "weeks", "months", "years")
_DIRECTIVE = re.compile(r"%(.)")
_ALLOWED_DIRECTIVES = set("aAwdbBmyYHIpMSfzZjUWcxX%GuV")


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; ValueError naming it when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def check_pattern(pattern: str) -> None:
    """ValueError when a pattern is neither a named format nor a usable strftime pattern."""
    if pattern in NAMED_FORMATS:
        return
    directives = _DIRECTIVE.findall(pattern)
    if not directives:
        raise ValueError(
            f"bad date pattern {pattern!r}: use one of {', '.join(NAMED_FORMATS)} "
            "or strftime directives such as %Y-%m-%d"
        )
    unknown = [d for d in directives if d not in _ALLOWED_DIRECTIVES]
    if unknown:
        raise ValueError(f"bad date pattern {pattern!r}: unknown directive %{unknown[0]}")
    if "%" in _DIRECTIVE.sub("", pattern):
        raise ValueError(f"bad date pattern {pattern!r}: a lone % at the end")


def check_unit(unit: str) -> str:
    """The plural unit name ('hour' -> 'hours'); ValueError when unknown."""
    plural = unit if unit.endswith("s") else unit + "s"
    if plural not in UNITS:
        raise ValueError(f"unknown unit {unit!r}: use one of {', '.join(UNITS)}")
    return plural


def parse(value: Any, pattern: str, tz: tzinfo) -> datetime:
    """An aware datetime from text, an epoch number or a date; ValueError naming value and pattern."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    try:
        if pattern in ("unix", "unix_ms") or (
            isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        ):
            if isinstance(value, bool):
                raise TypeError
            seconds = float(value)
            if pattern == "unix_ms" or (pattern != "unix" and seconds > 1e11):
                seconds /= 1000
            return datetime.fromtimestamp(seconds, UTC).astimezone(tz)
        if not isinstance(value, str):
            raise TypeError
        text = value.strip()
        if pattern in ("iso", "date"):
            parsed = datetime.fromisoformat(text)
        else:
            parsed = datetime.strptime(text, pattern)
    except (ValueError, TypeError, OverflowError, OSError):
        raise ValueError(f"cannot parse {describe(value)} as a date with pattern {pattern!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def parser(pattern: str, tz: tzinfo) -> Callable[[Any], datetime]:
    """`parse` bound to a pattern and zone, with a fast path for ISO 8601 text."""
    if pattern not in ("iso", "date"):
        return lambda value: parse(value, pattern, tz)
    from_iso = datetime.fromisoformat

    def parse_iso(value: Any) -> datetime:
        if type(value) is str:
            try:
                parsed = from_iso(value)
            except ValueError:
                return parse(value, pattern, tz)
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
        return parse(value, pattern, tz)

    return parse_iso


def render(value: datetime, pattern: str) -> str | int:
    """Text (or an epoch number for unix / unix_ms) for a datetime."""
    if pattern == "iso":
        return value.isoformat()
    if pattern == "date":
        return value.date().isoformat()
    if pattern == "unix":
        return int(value.timestamp())
    if pattern == "unix_ms":
        return int(value.timestamp() * 1000)
    return value.strftime(pattern)


def shift(value: datetime, amount: float, unit: str) -> datetime:
    """value plus amount units. Seconds to hours are elapsed time; days and longer keep the wall clock
    (so "+1 day" across a DST change lands on the same local time), months and years clamp the day."""
    if unit in ("seconds", "minutes", "hours"):
        moved = value.astimezone(UTC) + timedelta(**{unit: amount})
        return moved.astimezone(value.tzinfo)
    if unit in ("days", "weeks"):
        return _normalise(value + timedelta(**{unit: amount}))
    months = amount * 12 if unit == "years" else amount
    if months != int(months):
        raise ValueError(f"{unit} must be a whole number, got {amount}")
    return _normalise(add_months(value, int(months)))


def add_months(value: datetime, months: int) -> datetime:
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError("date out of range")
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def start_of(value: datetime, unit: str) -> datetime:
    """The start of the calendar unit (local time) that contains value; weeks start on Monday."""
    if unit == "seconds":
        value = value.replace(microsecond=0)
    elif unit == "minutes":
        value = value.replace(second=0, microsecond=0)
    elif unit == "hours":
        value = value.replace(minute=0, second=0, microsecond=0)
    else:
        value = value.replace(hour=0, minute=0, second=0, microsecond=0)
        if unit == "weeks":
            value -= timedelta(days=value.weekday())
        elif unit == "months":
            value = value.replace(day=1)
        elif unit == "years":
            value = value.replace(month=1, day=1)
    return _normalise(value)


def _normalise(value: datetime) -> datetime:
    """Resolve a wall-clock time that a DST change skipped or repeated (ZoneInfo keeps it as written)."""
    if not isinstance(value.tzinfo, ZoneInfo):  # fixed offsets have no gaps or repeats
        return value
    return value.astimezone(UTC).astimezone(value.tzinfo)

"""Timestamps: source values in, ISO 8601 UTC out.

Versions and cursors are stored as `YYYY-MM-DDTHH:MM:SS.fffZ` (the format `syncline.models.iso`
uses), so they compare correctly as text. A naive source time is read in the connector's time
zone; a value with an offset keeps it.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from syncline.connectors.base import ConfigurationError


def zone(name: str) -> tzinfo:
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            "timezone", "unknown time zone (use an IANA name such as Europe/Berlin)"
        ) from None


def check_date_format(value: str) -> None:
    if "%" not in value:
        raise ConfigurationError("date_format", "must be a strftime format such as %Y-%m-%d %H:%M:%S")
    try:
        datetime(2024, 1, 31, 13, 45, 6, tzinfo=UTC).strftime(value)
    except ValueError:
        raise ConfigurationError("date_format", "invalid strftime format") from None


def parse_timestamp(value: Any, tz: tzinfo = UTC, date_format: str | None = None) -> datetime | None:
    """Read a source timestamp (ISO 8601, RFC 2822, `date_format`, or epoch seconds/ms).

    Returns an aware datetime, or None when the value is empty or not a timestamp.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, int | float):
        seconds = float(value) / 1000.0 if abs(value) > 100_000_000_000 else float(value)
        return datetime.fromtimestamp(seconds, UTC)
    elif isinstance(value, str):
        text = value.strip()
        parsed = _parse_text(text, date_format)
        if parsed is None and text.replace(".", "", 1).isdigit():
            return parse_timestamp(float(text), tz)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def _parse_text(text: str, date_format: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        pass
    if "," in text or text[:3].isalpha():
        try:
            return email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            pass
    if date_format:
        try:
            return datetime.strptime(text, date_format)
        except ValueError:
            pass
    return None


def to_iso(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a Z suffix."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def normalize(value: Any, tz: tzinfo = UTC, date_format: str | None = None) -> str | None:
    """`value` as ISO 8601 UTC, or None when it is not a timestamp."""
    parsed = parse_timestamp(value, tz, date_format)
    return to_iso(parsed) if parsed is not None else None


def parse_cursor(since: str | None) -> datetime | None:
    """The datetime a stored cursor stands for (cursors are ISO 8601 UTC; naive means UTC)."""
    if not since:
        return None
    return parse_timestamp(since, UTC)


def later(a: str | None, b: str | None) -> str | None:
    """The later of two ISO 8601 UTC watermarks (either may be None)."""
    if a is None:
        return b
    if b is None:
        return a
    pa, pb = parse_cursor(a), parse_cursor(b)
    if pa is None or pb is None:
        return max(a, b)
    return a if pa >= pb else b

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from syncline.connectors.base import ConfigurationError
from syncline.connectors.timeutil import check_date_format, later, normalize, parse_cursor, to_iso, zone

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("value", "tz", "fmt", "expected"),
    [
        ("2024-03-01T08:00:00Z", UTC, None, "2024-03-01T08:00:00.000Z"),
        ("2024-03-01T09:00:00+01:00", UTC, None, "2024-03-01T08:00:00.000Z"),
        ("2024-03-01T09:00:00", BERLIN, None, "2024-03-01T08:00:00.000Z"),  # naive: connector zone
        ("2024-07-01 10:00:00", BERLIN, None, "2024-07-01T08:00:00.000Z"),  # summer time
        ("2024-03-01T08:00:00.123456Z", UTC, None, "2024-03-01T08:00:00.123Z"),
        ("Fri, 01 Mar 2024 08:00:00 +0000", UTC, None, "2024-03-01T08:00:00.000Z"),  # RFC 2822
        ("01/03/2024 09:00", BERLIN, "%d/%m/%Y %H:%M", "2024-03-01T08:00:00.000Z"),  # date_format
        (1709280000, UTC, None, "2024-03-01T08:00:00.000Z"),  # epoch seconds
        (1709280000000, UTC, None, "2024-03-01T08:00:00.000Z"),  # epoch milliseconds
        ("1709280000", UTC, None, "2024-03-01T08:00:00.000Z"),
    ],
)
def test_normalizes_source_timestamps(value: object, tz: object, fmt: str | None, expected: str) -> None:
    assert normalize(value, tz, fmt) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, "", "soon", True, "v5"])
def test_non_timestamps_are_none(value: object) -> None:
    assert normalize(value) is None


def test_iso_output_sorts_as_text() -> None:
    a = to_iso(datetime(2024, 3, 1, 8, 0, 0, tzinfo=UTC))
    b = to_iso(datetime(2024, 3, 1, 8, 0, 0, 500000, tzinfo=UTC))
    assert a < b


def test_cursor_and_later() -> None:
    assert parse_cursor("2024-03-01T08:00:00.000Z") == datetime(2024, 3, 1, 8, tzinfo=UTC)
    assert parse_cursor(None) is None
    assert later("2024-03-01T08:00:00.000Z", "2024-03-01T09:00:00+01:00") == "2024-03-01T08:00:00.000Z"
    assert later(None, "2024-03-01T08:00:00.000Z") == "2024-03-01T08:00:00.000Z"
    assert later("2024-03-02T00:00:00.000Z", None) == "2024-03-02T00:00:00.000Z"


def test_zone_and_format_checks_name_the_field() -> None:
    assert zone("UTC") is UTC
    with pytest.raises(ConfigurationError) as caught:
        zone("Mars/Olympus")
    assert caught.value.field == "timezone"
    with pytest.raises(ConfigurationError) as caught:
        check_date_format("yyyy-mm-dd")
    assert caught.value.field == "date_format"
    check_date_format("%Y-%m-%d %H:%M:%S")

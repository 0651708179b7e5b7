"""Filters: every operator, groups, wildcards, time windows in a service's time zone, validation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from syncline.mapping import RuleError, compile_filters, validate_rules
from syncline.mapping.filters import OPERATORS

RECORD: dict[str, Any] = {
    "status": "Paid",
    "total": "120.50",
    "count": 3,
    "vip": "yes",
    "email": "Ada@Example.com",
    "tags": ["vip", "wholesale"],
    "note": "  ",
    "gift": None,
    "created_at": "2024-03-31T10:30:00Z",
    "line_items": [{"sku": "AB-1", "qty": 1}, {"sku": "CD-2", "qty": 5}],
}


def keep(row: dict[str, Any], record: dict[str, Any] = RECORD, **kwargs: Any) -> bool:
    return compile_filters([row], **kwargs)(record)


CASES: list[tuple[str, Any, bool, dict[str, Any]]] = [
    # operator, value, expected, extra keys (field defaults to "status")
    ("equals", "Paid", True, {}),
    ("equals", "paid", False, {}),
    ("equals", "paid", True, {"ignore_case": True}),
    ("equals", 120.5, True, {"field": "total"}),
    ("equals", "3", True, {"field": "count"}),
    ("equals", True, True, {"field": "vip"}),
    ("equals", None, True, {"field": "gift"}),
    ("equals", None, True, {"field": "nope"}),
    ("not_equals", "Paid", False, {}),
    ("not_equals", "Refunded", True, {}),
    ("not_equals", "x", True, {"field": "nope"}),
    ("contains", "ai", True, {}),
    ("contains", "vip", True, {"field": "tags"}),
    ("contains", "vi", False, {"field": "tags"}),
    ("contains", "EXAMPLE", True, {"field": "email", "ignore_case": True}),
    ("not_contains", "retail", True, {"field": "tags"}),
    ("not_contains", "ai", False, {}),
    ("starts_with", "Pa", True, {}),
    ("starts_with", "ai", False, {}),
    ("ends_with", "@example.com", False, {"field": "email"}),
    ("ends_with", "@example.com", True, {"field": "email", "ignore_case": True}),
    ("in", ["Paid", "Partially paid"], True, {}),
    ("in", "Pending, Paid", True, {}),
    ("in", [1, 2, 3], True, {"field": "count"}),
    ("in_list", ["Pending"], False, {}),
    ("not_in", ["Refunded", "Voided"], True, {}),
    ("not_in_list", ["Paid"], False, {}),
    ("greater_than", 100, True, {"field": "total"}),
    ("greater_than", 120.5, False, {"field": "total"}),
    ("greater_than_or_equal", 120.5, True, {"field": "total"}),
    ("less_than", "4", True, {"field": "count"}),
    ("less_than", 3, False, {"field": "count"}),
    ("less_than_or_equal", 3, True, {"field": "count"}),
    ("greater_than", 1, False, {"field": "email"}),
    ("greater_than", "2024-03-31T10:00:00+00:00", True, {"field": "created_at"}),
    ("less_than", "2024-03-31", False, {"field": "created_at"}),
    ("greater_than", "M", True, {}),
    ("is_empty", None, True, {"field": "note"}),
    ("is_empty", None, True, {"field": "gift"}),
    ("is_empty", None, True, {"field": "nope"}),
    ("is_empty", None, False, {}),
    ("is_not_empty", None, True, {}),
    ("is_not_empty", None, False, {"field": "note"}),
    ("exists", None, True, {"field": "gift"}),
    ("exists", None, False, {"field": "nope"}),
    ("not_exists", None, True, {"field": "nope"}),
    ("not_exists", None, False, {"field": "gift"}),
    ("equals", "CD-2", True, {"field": "line_items[*].sku"}),
    ("not_equals", "CD-2", False, {"field": "line_items[*].sku"}),
    ("greater_than", 4, True, {"field": "line_items[*].qty"}),
    ("starts_with", "ZZ", False, {"field": "line_items[*].sku"}),
    ("is_not_empty", None, True, {"field": "line_items[*].sku"}),
    ("is_empty", None, True, {"field": "line_items[*].colour"}),
    ("is_empty", None, True, {"field": "missing[*].sku"}),
    ("not_equals", "x", True, {"field": "missing[*].sku"}),
]


@pytest.mark.parametrize(("operator", "value", "expected", "extra"), CASES)
def test_operator(operator: str, value: Any, expected: bool, extra: dict[str, Any]) -> None:
    row = {"field": "status", "operator": operator, **extra}
    if value is not None or operator in ("equals",):
        row["value"] = value
    assert keep(row) is expected


def test_every_operator_is_tested() -> None:
    tested = {case[0] for case in CASES} | {"within_last", "not_within_last"}
    assert tested == set(OPERATORS)


def test_rows_are_anded_and_groups_are_ored() -> None:
    rules: list[dict[str, Any]] = [
        {"field": "status", "operator": "equals", "value": "Paid"},
        {
            "any": [
                [
                    {"field": "country", "operator": "equals", "value": "GB"},
                    {"field": "total", "operator": "greater_than", "value": 100},
                ],
                [{"field": "tags", "operator": "contains", "value": "vip"}],
            ]
        },
    ]
    check = compile_filters(rules)
    assert check({"status": "Paid", "country": "GB", "total": 150})
    assert not check({"status": "Paid", "country": "GB", "total": 50})
    assert check({"status": "Paid", "country": "FR", "total": 50, "tags": ["vip"]})
    assert not check({"status": "Pending", "country": "GB", "total": 150})


def test_groups_nest() -> None:
    inner = {
        "any": [
            [{"field": "a", "operator": "equals", "value": 1}],
            [{"field": "b", "operator": "equals", "value": 1}],
        ]
    }
    check = compile_filters([{"any": [[inner, {"field": "c", "operator": "exists"}]]}])
    assert check({"b": 1, "c": 0})
    assert not check({"b": 1})
    assert not check({"c": 0})


def test_empty_filters_keep_everything() -> None:
    assert compile_filters([])({}) is True


NOW = datetime(2024, 3, 31, 12, 0, tzinfo=UTC)  # the day British Summer Time starts (01:00 UTC)


def window(value: Any, amount: float, unit: str, timezone: str = "UTC", **extra: Any) -> bool:
    row = {"field": "created_at", "operator": "within_last", "value": amount, "unit": unit, **extra}
    return compile_filters([row], timezone=timezone, now=lambda: NOW)({"created_at": value})


@pytest.mark.parametrize(
    ("created", "amount", "unit", "expected"),
    [
        ("2024-03-31T10:30:00Z", 2, "hours", True),
        ("2024-03-31T09:59:59Z", 2, "hours", False),
        ("2024-03-31T11:59:30Z", 45, "seconds", True),
        ("2024-03-31T11:58:00Z", 90, "seconds", False),
        ("2024-03-31T11:45:00+00:00", 15, "minutes", True),
        ("2024-03-25T12:00:00Z", 1, "week", True),
        ("2024-03-24T11:59:00Z", 1, "weeks", False),
        ("2024-02-29T12:00:00Z", 1, "months", True),
        ("2024-02-29T11:59:59Z", 1, "months", False),
        ("2023-03-31T12:00:00Z", 1, "year", True),
        ("2023-03-30T12:00:00Z", 1, "years", False),
        (1711879200, 2, "hours", True),  # epoch seconds: 2024-03-31T10:00:00Z
        (1711879200000, 1, "hours", False),  # epoch milliseconds
        ("not a date", 100, "years", False),
        (None, 100, "years", False),
    ],
)
def test_within_last(created: Any, amount: float, unit: str, expected: bool) -> None:
    assert window(created, amount, unit) is expected


def test_times_without_offset_are_read_in_the_service_time_zone() -> None:
    # 11:00 in Kolkata (+05:30) is 05:30 UTC: 6.5 hours before NOW; 11:00 UTC is 1 hour before.
    assert window("2024-03-31T11:00:00", 2, "hours", timezone="Asia/Kolkata") is False
    assert window("2024-03-31T11:00:00", 2, "hours", timezone="UTC") is True


def test_calendar_windows_start_at_local_midnight() -> None:
    # NOW is 08:00 in New York; "today" there began at 04:00 UTC.
    today = {"calendar": True}
    assert window("2024-03-31T03:30:00Z", 1, "days", "America/New_York", **today) is False
    assert window("2024-03-31T04:00:00Z", 1, "days", "America/New_York", **today) is True
    assert window("2024-03-31T03:30:00Z", 1, "days", "UTC", **today) is True
    assert window("2024-03-30T04:00:00Z", 2, "days", "America/New_York", **today) is True
    assert window("2024-03-01T00:00:00-05:00", 1, "months", "America/New_York", **today) is True
    assert window("2024-02-29T23:59:00-05:00", 1, "months", "America/New_York", **today) is False


def test_a_day_across_the_clock_change_is_a_local_day() -> None:
    # In London the day before 13:00 BST on 31 March is 13:00 GMT on the 30th: 23 hours.
    assert window("2024-03-30T12:30:00Z", 1, "days", "Europe/London") is False
    assert window("2024-03-30T12:30:00Z", 1, "days", "UTC") is True


def test_not_within_last() -> None:
    row = {"field": "created_at", "operator": "not_within_last", "value": 2, "unit": "hours"}
    check = compile_filters([row], now=lambda: NOW)
    assert check({"created_at": "2024-03-31T08:00:00Z"}) is True
    assert check({"created_at": "2024-03-31T11:00:00Z"}) is False
    assert check({}) is True


@pytest.mark.parametrize(
    ("filters", "location", "reason"),
    [
        ([{"field": "a", "operator": "eq", "value": 1}], "filters[0].operator", "unknown operator 'eq'"),
        ([{"operator": "equals", "value": 1}], "filters[0].field", "is required"),
        ([{"field": "a[", "operator": "equals", "value": 1}], "filters[0].field", "bad path"),
        ([{"field": "a", "operator": "equals"}], "filters[0].value", "is required for equals"),
        ([{"field": "a", "operator": "in", "value": []}], "filters[0].value", "non-empty list"),
        ([{"field": "a", "operator": "is_empty", "value": 1}], "filters[0].value", "takes no value"),
        ([{"field": "a", "operator": "equals", "value": [1]}], "filters[0].value", "must be text, a number"),
        ([{"field": "a", "operator": "within_last", "value": 2}], "filters[0].unit", "is required"),
        (
            [{"field": "a", "operator": "within_last", "value": 2, "unit": "fortnights"}],
            "filters[0].unit",
            "unknown unit",
        ),
        (
            [{"field": "a", "operator": "within_last", "value": -1, "unit": "days"}],
            "filters[0].value",
            "positive",
        ),
        (
            [{"field": "a", "operator": "within_last", "value": 1.5, "unit": "months"}],
            "filters[0].unit",
            "whole number",
        ),
        ([{"field": "a", "operator": "exists", "colour": 1}], "filters[0].colour", "not a known key"),
        ([{"any": []}], "filters[0].any", "non-empty list"),
        (
            [{"field": "a", "operator": "exists"}, {"any": [[{"field": "b", "operator": "nope"}]]}],
            "filters[1].any[0][0].operator",
            "unknown operator",
        ),
        ("status = paid", "filters", "must be a list"),
    ],
)
def test_bad_filters_are_rejected_with_the_row(filters: Any, location: str, reason: str) -> None:
    with pytest.raises(RuleError) as caught:
        compile_filters(filters)
    assert caught.value.location == location
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{location}: ")


def test_unknown_time_zone_is_rejected() -> None:
    with pytest.raises(RuleError, match="unknown time zone 'Mars/Olympus'"):
        compile_filters([], timezone="Mars/Olympus")


def test_validate_lists_every_filter_problem() -> None:
    errors = validate_rules(
        [
            {"field": "a", "operator": "nope"},
            {"field": "b", "operator": "equals", "value": 1},
            {"operator": "exists"},
        ],
        [],
        None,
    )
    assert [(e.section, e.index, e.field) for e in errors] == [
        ("filters", 0, "operator"),
        ("filters", 2, "field"),
    ]

"""Every transform function: what it does, and how it fails at compile and at run time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from syncline.mapping import REGISTRY, RecordError, RuleError, catalog, compile_mapping
from syncline.mapping.values import MISSING

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def apply(function: str, args: dict[str, Any] | None, value: Any, timezone: str = "UTC") -> Any:
    transform: dict[str, Any] = {"function": function}
    if args is not None:
        transform["args"] = args
    record = {} if value is MISSING else {"v": value, "id": 7}
    rules = [{"source": "v", "target": "out", "transforms": [transform]}]
    return compile_mapping(rules, timezone=timezone, now=lambda: NOW).apply(record).get("out", MISSING)


CASES: list[tuple[str, dict[str, Any] | None, Any, Any]] = [
    # string
    ("trim", None, "  a b \t", "a b"),
    ("trim", {"characters": "-*"}, "-*x-", "x"),
    ("upper", None, "abc", "ABC"),
    ("upper", None, 12, "12"),
    ("lower", None, "ÀBC", "àbc"),
    ("title", None, "hello  wORLD", "Hello  World"),
    ("prefix", {"value": "SKU-"}, "1", "SKU-1"),
    ("suffix", {"value": "-GB"}, "x", "x-GB"),
    ("replace", {"old": "-", "new": ""}, "a-b-c", "abc"),
    ("regex_replace", {"pattern": r"(\d+)-(\d+)", "replacement": r"\2-\1"}, "12-34", "34-12"),
    ("regex_replace", {"pattern": "abc", "replacement": "x", "ignore_case": True}, "ABCabc", "xx"),
    ("split", None, "a, b,c", ["a", "b", "c"]),
    ("split", {"separator": "|", "trim": False}, "a | b", ["a ", " b"]),
    ("split", {"separator": " ", "index": -1}, "Ada King Lovelace", "Lovelace"),
    ("split", {"index": 5}, "a,b", MISSING),
    ("join", {"separator": "|"}, ["a", 1, None], "a|1"),
    ("join", None, [], MISSING),
    ("substring", {"start": 1, "length": 3}, "abcdef", "bcd"),
    ("substring", {"start": -2}, "abcdef", "ef"),
    ("pad", {"length": 5, "character": "0"}, "42", "00042"),
    ("pad", {"length": 5, "character": "0", "side": "right"}, 42, "42000"),
    ("pad", {"length": 2}, "long", "long"),
    ("truncate", {"length": 5, "ellipsis": "…"}, "abcdefgh", "abcd…"),
    ("truncate", {"length": 5}, "abc", "abc"),
    ("concatenate", {"separator": "-"}, ["a", "", None, 3], "a-3"),
    # number
    ("add", {"value": 1}, "9.99", 10.99),
    ("add", {"value": 1}, 2, 3),
    ("subtract", {"value": 0.1}, 0.3, 0.2),
    ("multiply", {"value": 3}, "9.99", 29.97),
    ("multiply", {"value": 1.5}, 4, 6.0),
    ("divide", {"value": 4}, 10, 2.5),
    ("divide", {"value": 2}, 10, 5),
    ("round", {"decimals": 2}, 2.675, 2.68),
    ("round", None, "2.5", 3),
    ("round", {"decimals": 1}, -1.25, -1.3),
    ("ceil", None, 1.2, 2),
    ("floor", None, "-1.2", -2),
    ("absolute", None, "-5.00", 5.0),
    ("absolute", None, -3, 3),
    ("format", {"thousands_separator": ","}, 1234567.891, "1,234,567.89"),
    ("format", {"decimals": 1, "thousands_separator": ".", "decimal_separator": ","}, "1234.56", "1.234,6"),
    ("format", {"decimals": 0}, 2.5, "3"),
    # date
    ("parse_date", {"format": "%d/%m/%Y %H:%M"}, "01/07/2024 09:30", "2024-07-01T09:30:00+00:00"),
    (
        "parse_date",
        {"format": "%d/%m/%Y", "timezone": "Europe/Paris"},
        "01/07/2024",
        "2024-07-01T00:00:00+02:00",
    ),
    ("parse_date", {"format": "unix"}, 1700000000, "2023-11-14T22:13:20+00:00"),
    ("parse_date", {"format": "unix_ms"}, "1700000000500", "2023-11-14T22:13:20.500000+00:00"),
    ("parse_date", None, "2024-02-29", "2024-02-29T00:00:00+00:00"),
    ("format_date", {"format": "%Y-%m-%d", "timezone": "UTC"}, "2024-01-31T23:30:00-05:00", "2024-02-01"),
    ("format_date", {"input_format": "%d/%m/%Y", "format": "date"}, "31/12/2024", "2024-12-31"),
    ("format_date", {"format": "unix"}, "2023-11-14T22:13:20Z", 1700000000),
    ("format_date", {"format": "%d %b %Y %H:%M"}, "2024-07-01T09:30:00Z", "01 Jul 2024 09:30"),
    ("convert_timezone", {"to": "Asia/Tokyo"}, "2024-01-01T00:00:00Z", "2024-01-01T09:00:00+09:00"),
    (
        "convert_timezone",
        {"to": "UTC", "from": "America/New_York"},
        "2024-07-01T12:00:00",
        "2024-07-01T16:00:00+00:00",
    ),
    (
        "add_duration",
        {"amount": 1, "unit": "months"},
        "2024-01-31T10:00:00+00:00",
        "2024-02-29T10:00:00+00:00",
    ),
    ("add_duration", {"amount": 90, "unit": "minutes"}, "2024-01-01T23:00:00Z", "2024-01-02T00:30:00+00:00"),
    ("add_duration", {"amount": 2, "unit": "weeks"}, "2024-01-01", "2024-01-15T00:00:00+00:00"),
    (
        "subtract_duration",
        {"amount": 2, "unit": "years"},
        "2024-02-29T00:00:00Z",
        "2022-02-28T00:00:00+00:00",
    ),
    (
        "subtract_duration",
        {"amount": 30, "unit": "seconds"},
        "2024-01-01T00:00:00Z",
        "2023-12-31T23:59:30+00:00",
    ),
    ("now", None, MISSING, "2024-05-01T12:00:00+00:00"),
    ("now", {"timezone": "Europe/London"}, "ignored", "2024-05-01T13:00:00+01:00"),
    # type
    ("to_string", None, 12.5, "12.5"),
    ("to_string", None, True, "true"),
    ("to_string", None, {"a": [1, "é"]}, '{"a":[1,"é"]}'),
    ("to_integer", None, "12", 12),
    ("to_integer", None, "12.0", 12),
    ("to_integer", None, 7.0, 7),
    ("to_integer", None, True, 1),
    ("to_float", None, "3.5", 3.5),
    ("to_float", None, 2, 2.0),
    ("to_float", None, False, 0.0),
    ("to_boolean", None, "yes", True),
    ("to_boolean", None, "1", True),
    ("to_boolean", None, "TRUE", True),
    ("to_boolean", None, "No", False),
    ("to_boolean", None, 0, False),
    ("to_boolean", None, "off", False),
    # logic
    ("default", {"value": "n/a"}, None, "n/a"),
    ("default", {"value": "n/a"}, "  ", "n/a"),
    ("default", {"value": 0}, MISSING, 0),
    ("default", {"value": "n/a"}, "x", "x"),
    ("if", {"condition": {"operator": "equals", "value": "paid"}, "then": "P", "else": "U"}, "paid", "P"),
    ("if", {"condition": {"operator": "equals", "value": "paid"}, "then": "P", "else": "U"}, "refunded", "U"),
    ("if", {"condition": {"operator": "is_empty"}, "then": "none"}, "kept", "kept"),
    ("if", {"condition": {"operator": "is_empty"}, "then": "none"}, MISSING, "none"),
    ("if", {"condition": {"field": "id", "operator": "greater_than", "value": 5}, "then": "big"}, "x", "big"),
    ("if", {"condition": {"operator": "greater_than", "value": 5}, "else": None}, 3, None),
    # array
    ("first", None, ["a", "b"], "a"),
    ("first", None, [], MISSING),
    ("last", None, ["a", "b"], "b"),
    ("count", None, ["a", None, "b"], 3),
    ("count", None, "single", 1),
    ("sum", None, ["1.5", 2, None], 3.5),
    ("sum", None, [1, 2, 3], 6),
    (
        "filter",
        {"field": "type", "operator": "equals", "value": "product"},
        [{"type": "product", "n": 1}, {"type": "shipping"}, {"type": "product", "n": 2}],
        [{"type": "product", "n": 1}, {"type": "product", "n": 2}],
    ),
    ("filter", {"operator": "starts_with", "value": "a"}, ["ab", "ba", "ac"], ["ab", "ac"]),
    ("unique", None, [1, 1, "1", 2, {"a": 1}, {"a": 1}], [1, "1", 2, {"a": 1}]),
    # script
    ("script", {"expression": "$uppercase($) & '-' & $source.id"}, "abc", "ABC-7"),
    ("script", {"expression": "$exists($) ? $ : 'none'"}, MISSING, "none"),
    ("script", {"expression": "$sum($.qty)"}, [{"qty": 1}, {"qty": 2}], 3),
]


@pytest.mark.parametrize(("function", "args", "value", "expected"), CASES)
def test_function(function: str, args: dict[str, Any] | None, value: Any, expected: Any) -> None:
    result = apply(function, args, value)
    assert result == expected
    assert type(result) is type(expected)


def test_every_registered_function_is_tested() -> None:
    assert {case[0] for case in CASES} | {"lookup"} == set(REGISTRY)  # lookup: see test_lookup.py


def test_date_durations_respect_the_service_time_zone() -> None:
    # London clocks go forward at 01:00 UTC on 31 March 2024.
    assert apply("add_duration", {"amount": 1, "unit": "days"}, "2024-03-30T12:00:00", "Europe/London") == (
        "2024-03-31T12:00:00+01:00"
    )
    assert apply("add_duration", {"amount": 24, "unit": "hours"}, "2024-03-30T12:00:00", "Europe/London") == (
        "2024-03-31T13:00:00+01:00"
    )
    # 01:30 on 31 March does not exist in London: the clock reads 02:30 BST.
    assert apply("add_duration", {"amount": 1, "unit": "days"}, "2024-03-30T01:30:00", "Europe/London") == (
        "2024-03-31T02:30:00+01:00"
    )
    assert apply("parse_date", {"format": "%Y-%m-%d %H:%M"}, "2024-07-01 09:30", "America/New_York") == (
        "2024-07-01T09:30:00-04:00"
    )


def test_catalog_describes_every_function_with_typed_arguments() -> None:
    entries = {entry["name"]: entry for entry in catalog()}
    assert set(entries) == set(REGISTRY)
    pad = entries["pad"]["args"]["properties"]
    assert pad["length"]["type"] == "integer"
    assert pad["side"]["enum"] == ["left", "right"]
    assert "else" in entries["if"]["args"]["properties"]
    assert entries["convert_timezone"]["args"]["required"] == ["to"]


@pytest.mark.parametrize(
    ("transform", "field", "reason"),
    [
        ({"function": "uper"}, "transforms[0]", "unknown function 'uper' (did you mean 'upper'?)"),
        ({"function": "pad"}, "transforms[0].args.length", "pad needs the argument 'length'"),
        ({"function": "pad", "args": {"length": "5"}}, "transforms[0].args.length", "valid integer"),
        (
            {"function": "pad", "args": {"length": 5, "side": "middle"}},
            "transforms[0].args.side",
            "'left' or 'right'",
        ),
        ({"function": "prefix", "args": {"value": 1}}, "transforms[0].args.value", "valid string"),
        ({"function": "upper", "args": {"x": 1}}, "transforms[0].args.x", "upper has no argument 'x'"),
        ({"function": "upper", "args": "loud"}, "transforms[0].args", "args must be an object"),
        ({"function": "to_boolean", "arg": {}}, "transforms[0].arg", "unknown key 'arg'"),
        ({"fn": "upper"}, "transforms[0]", 'must be an object like {"function": "upper"}'),
        ({"function": "multiply", "args": {"value": True}}, "transforms[0].args.value", "valid"),
        ({"function": "divide", "args": {"value": 0}}, "transforms[0].args.value", "cannot divide by zero"),
        ({"function": "regex_replace", "args": {"pattern": "(a"}}, "transforms[0].args.pattern", "bad regex"),
        (
            {"function": "regex_replace", "args": {"pattern": "(a+)+"}},
            "transforms[0].args.pattern",
            "nests repeats",
        ),
        (
            {"function": "regex_replace", "args": {"pattern": "a", "replacement": r"\9"}},
            "transforms[0].args.replacement",
            "invalid group",
        ),
        (
            {"function": "parse_date", "args": {"format": "YYYY-MM-DD"}},
            "transforms[0].args.format",
            "strftime",
        ),
        (
            {"function": "format_date", "args": {"format": "%Y-%Q"}},
            "transforms[0].args.format",
            "unknown directive %Q",
        ),
        (
            {"function": "format_date", "args": {"timezone": "Nowhere/City"}},
            "transforms[0].args.timezone",
            "unknown time zone",
        ),
        (
            {"function": "convert_timezone", "args": {"to": "UTC", "from": "Bad/Zone"}},
            "transforms[0].args.from",
            "unknown time zone",
        ),
        (
            {"function": "add_duration", "args": {"amount": 1, "unit": "fortnight"}},
            "transforms[0].args.unit",
            "unknown unit",
        ),
        (
            {"function": "add_duration", "args": {"amount": 0.5, "unit": "months"}},
            "transforms[0].args.amount",
            "whole number",
        ),
        (
            {"function": "truncate", "args": {"length": 2, "ellipsis": "..."}},
            "transforms[0].args.ellipsis",
            "longer than",
        ),
        (
            {"function": "if", "args": {"condition": {"operator": "equal"}}},
            "transforms[0].args.condition.operator",
            "unknown operator",
        ),
        (
            {"function": "filter", "args": {"operator": "in", "value": []}},
            "transforms[0].args.value",
            "non-empty list",
        ),
        (
            {"function": "script", "args": {"expression": "$uppercase("}},
            "transforms[0].args.expression",
            "syntax error",
        ),
        (
            {"function": "script", "args": {"expression": "$shout($)"}},
            "transforms[0].args.expression",
            "not a known function",
        ),
    ],
)
def test_bad_transforms_are_rejected_at_compile(transform: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(RuleError) as caught:
        compile_mapping(
            [{"source": "v", "target": "out"}, {"source": "v", "target": "x", "transforms": [transform]}]
        )
    error = caught.value
    assert (error.section, error.index, error.field) == ("mappings", 1, field)
    assert reason in error.reason
    assert str(error).startswith(f"mappings[1].{field}: ")


@pytest.mark.parametrize(
    ("function", "args", "value", "reason"),
    [
        ("upper", None, {"a": 1}, "upper: expected text, got object"),
        ("add", {"value": 1}, "abc", "add: expected a number, got 'abc'"),
        ("round", None, True, "round: expected a number, got boolean"),
        ("to_integer", None, "12.5", "to_integer: '12.5' is not a whole number"),
        ("to_float", None, "twelve", "to_float: expected a number, got 'twelve'"),
        ("to_boolean", None, "maybe", "to_boolean: cannot read 'maybe' as a boolean"),
        (
            "parse_date",
            {"format": "%d/%m/%Y"},
            "31/31/2024",
            "parse_date: cannot parse '31/31/2024' as a date",
        ),
        ("format_date", None, "yesterday", "format_date: cannot parse 'yesterday'"),
        ("sum", None, [1, "x"], "sum: expected a number, got 'x'"),
        ("script", {"expression": "$number($)"}, "abc", "script: "),
    ],
)
def test_runtime_failures_name_the_rule_and_transform(
    function: str, args: dict[str, Any] | None, value: Any, reason: str
) -> None:
    with pytest.raises(RecordError) as caught:
        apply(function, args, value)
    assert caught.value.rule == "mappings[0]"
    assert caught.value.reason.startswith(f"transforms[0] {reason}")
    assert str(caught.value).startswith("mappings[0] (-> out): transforms[0] ")

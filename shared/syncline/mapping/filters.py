"""Filters: which pulled records a service syncs.

A filter list holds rows and groups; every item must hold (AND). A row::

    {"field": "financial_status", "operator": "equals", "value": "paid"}
    {"field": "email", "operator": "ends_with", "value": "@example.com", "ignore_case": true}
    {"field": "created_at", "operator": "within_last", "value": 2, "unit": "hours"}
    {"field": "created_at", "operator": "within_last", "value": 1, "unit": "days", "calendar": true}

A group holds alternatives; at least one alternative must hold (OR), and each alternative is a list of
items that must all hold (AND), so ``(country = GB and total > 100) or tag contains vip`` is::

    {"any": [[{"field": "country", "operator": "equals", "value": "GB"},
              {"field": "total", "operator": "greater_than", "value": 100}],
             [{"field": "tags", "operator": "contains", "value": "vip"}]]}

Operators: equals, not_equals, contains, not_contains, starts_with, ends_with, in, not_in (also
in_list, not_in_list), greater_than, greater_than_or_equal, less_than, less_than_or_equal, is_empty,
is_not_empty, exists, not_exists, within_last, not_within_last.

- equals / in compare numbers as numbers ("10.0" equals 10), booleans loosely ("yes" equals true) and
  everything else as text (1001 equals "1001"); ``ignore_case`` applies to text operators.
- contains on an array field tests membership; on text, a substring.
- greater/less than compare numbers when the value is a number (or numeric text), dates when it is
  an ISO 8601 date, text otherwise. A field that cannot be compared does not match.
- is_empty: missing, null, blank text, [] or {}. exists: the key is present (even if null).
- within_last: the field's date is at or after now minus value units (seconds, minutes, hours, days,
  weeks, months, years). Days and longer count in the service's time zone (so a day across a DST change
  is 23 or 25 hours); with ``"calendar": true`` the window starts at the beginning of the unit, so
  ``1 day`` means "today" and ``2 days`` "since yesterday's midnight", in the service's time zone.
  Dates without an offset are read in the service's time zone; numbers are Unix epoch seconds
  (or milliseconds when large).
- A field path with ``[*]`` matches when any element matches; the negated operators (not_equals,
  not_contains, not_in, is_not_empty, not_exists, not_within_last) match when no element matches
  the positive operator.
- Negated operators match a missing field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

from syncline.mapping import dates
from syncline.mapping.errors import RuleError
from syncline.mapping.paths import Path
from syncline.mapping.values import MISSING, as_bool, as_number, as_text, is_empty

Predicate = Callable[[Any], bool]
Clock = Callable[[], datetime]

NEGATIONS = {
    "not_equals": "equals",
    "not_contains": "contains",
    "not_in": "in",
    "is_not_empty": "is_empty",
    "not_exists": "exists",
    "not_within_last": "within_last",
}
ALIASES = {"in_list": "in", "not_in_list": "not_in"}
POSITIVE = (
    "equals",
    "contains",
    "starts_with",
    "ends_with",
    "in",
    "greater_than",
    "greater_than_or_equal",
    "less_than",
    "less_than_or_equal",
    "is_empty",
    "exists",
    "within_last",
)
OPERATORS = (*POSITIVE, *NEGATIONS, *ALIASES)
_NO_VALUE = ("is_empty", "exists")
_ROW_KEYS = frozenset({"field", "operator", "value", "unit", "calendar", "ignore_case"})


class RowError(ValueError):
    """A bad filter row or condition: the key at fault and the reason."""

    def __init__(self, key: str | None, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(reason)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _text(value: Any, fold: bool) -> str | None:
    if isinstance(value, str):
        return value.casefold() if fold else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return as_text(value)
    return None


def _equals(expected: Any, fold: bool) -> Predicate:
    if expected is None:
        return lambda v: v is None or v is MISSING
    if isinstance(expected, bool):
        return lambda v: as_bool(v) is expected
    if isinstance(expected, int | float):
        number = float(expected)
        return lambda v: as_number(v) == number
    if not isinstance(expected, str):
        raise RowError("value", "must be text, a number, a boolean or null")
    text = expected.casefold() if fold else expected
    return lambda v: _text(v, fold) == text


def _text_test(expected: Any, fold: bool, test: Callable[[str, str], bool]) -> Predicate:
    wanted = _text(expected, fold)
    if wanted is None:
        raise RowError("value", "must be text")

    def check(value: Any) -> bool:
        text = _text(value, fold)
        return text is not None and test(text, wanted)

    return check


def _contains(expected: Any, fold: bool) -> Predicate:
    member = _equals(expected, fold)
    substring = _text_test(expected, fold, lambda text, wanted: wanted in text)

    def check(value: Any) -> bool:
        if isinstance(value, list):
            return any(member(item) for item in value)
        return substring(value)

    return check


def _in(expected: Any, fold: bool) -> Predicate:
    if isinstance(expected, str):
        expected = [part.strip() for part in expected.split(",")]
    if not isinstance(expected, list) or not expected:
        raise RowError("value", "must be a non-empty list (or comma-separated text)")
    tests = [_equals(item, fold) for item in expected]
    return lambda v: any(test(v) for test in tests)


def _compare(expected: Any, operator: str, tz: tzinfo) -> Predicate:
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "greater_than": lambda a, b: a > b,
        "greater_than_or_equal": lambda a, b: a >= b,
        "less_than": lambda a, b: a < b,
        "less_than_or_equal": lambda a, b: a <= b,
    }
    op = ops[operator]
    number = as_number(expected)
    if number is not None:

        def by_number(value: Any) -> bool:
            got = as_number(value)
            return got is not None and op(got, number)

        return by_number
    if not isinstance(expected, str):
        raise RowError("value", "must be a number, a date or text")
    try:
        moment = dates.parse(expected, "iso", tz)
    except ValueError:

        def by_text(value: Any) -> bool:
            text = _text(value, False)
            return text is not None and op(text, expected)

        return by_text

    def by_date(value: Any) -> bool:
        try:
            return op(dates.parse(value, "iso", tz), moment)
        except ValueError:
            return False

    return by_date


def _within_last(row: dict[str, Any], tz: tzinfo, clock: Clock) -> Predicate:
    amount = row.get("value")
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
        raise RowError("value", "must be a positive number of units")
    unit = row.get("unit")
    if not isinstance(unit, str):
        raise RowError("unit", f"is required: one of {', '.join(dates.UNITS)}")
    try:
        unit = dates.check_unit(unit)
        if unit in ("months", "years") and amount != int(amount):
            raise ValueError(f"{unit} must be a whole number")
    except ValueError as exc:
        raise RowError("unit", str(exc)) from None
    calendar = row.get("calendar", False)
    if not isinstance(calendar, bool):
        raise RowError("calendar", "must be true or false")

    def window_start() -> datetime:
        now = clock().astimezone(tz)
        if calendar:
            return dates.start_of(dates.shift(now, -(amount - 1), unit), unit)
        return dates.shift(now, -amount, unit)

    def check(value: Any) -> bool:
        try:
            moment = dates.parse(value, "iso", tz)
        except ValueError:
            return False
        return moment >= window_start()

    return check


def _positive(operator: str, row: dict[str, Any], tz: tzinfo, clock: Clock) -> Predicate:
    fold = row.get("ignore_case", False)
    if not isinstance(fold, bool):
        raise RowError("ignore_case", "must be true or false")
    expected = row.get("value")
    if operator in _NO_VALUE:
        if expected is not None:
            raise RowError("value", f"{operator} takes no value")
        return is_empty if operator == "is_empty" else (lambda v: v is not MISSING)
    if operator == "within_last":
        return _within_last(row, tz, clock)
    if "value" not in row:
        raise RowError("value", f"is required for {operator}")
    if operator == "equals":
        return _equals(expected, fold)
    if operator == "contains":
        return _contains(expected, fold)
    if operator == "starts_with":
        return _text_test(expected, fold, str.startswith)
    if operator == "ends_with":
        return _text_test(expected, fold, str.endswith)
    if operator == "in":
        return _in(expected, fold)
    return _compare(expected, operator, tz)


def _leaves(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return [value]
    return [leaf for item in value for leaf in _leaves(item)]


def compile_condition(
    row: Any, tz: tzinfo, clock: Clock = utc_now, field_required: bool = True
) -> Callable[[Any], bool]:
    """A predicate for one row, tested against a record (or, without `field`, against the value itself).

    RowError names the key of the row at fault.
    """
    if not isinstance(row, dict):
        raise RowError(None, "must be an object with field, operator and value")
    unknown = sorted(set(row) - _ROW_KEYS)
    if unknown:
        raise RowError(unknown[0], "is not a known key (field, operator, value, unit, calendar, ignore_case)")
    operator = row.get("operator")
    if not isinstance(operator, str) or operator not in OPERATORS:
        raise RowError("operator", f"unknown operator {operator!r}; use one of {', '.join(OPERATORS)}")
    operator = ALIASES.get(operator, operator)
    negated = operator in NEGATIONS
    test = _positive(NEGATIONS.get(operator, operator), row, tz, clock)
    field = row.get("field")
    if field is None and not field_required:
        return (lambda v: not test(v)) if negated else test
    if not isinstance(field, str):
        raise RowError("field", "is required: a field path such as status or line_items[*].sku")
    try:
        path = Path(field)
    except ValueError as exc:
        raise RowError("field", str(exc)) from None
    get = path.get
    if not path.wildcards:
        if negated:
            return lambda record: not test(get(record))
        return lambda record: test(get(record))

    def any_element(record: Any) -> bool:
        value = get(record)
        if value is MISSING:
            return test(value)
        return any(test(leaf) for leaf in _leaves(value))

    return (lambda record: not any_element(record)) if negated else any_element


def _compile_items(
    items: Any, where: str, index: int, tz: tzinfo, clock: Clock, errors: list[RuleError]
) -> list[Predicate]:
    predicates: list[Predicate] = []
    if not isinstance(items, list) or not items:
        errors.append(RuleError("filters", index, "must be a non-empty list of rows", where or None))
        return predicates
    for position, item in enumerate(items):
        here = f"{where}[{position}]" if where else None
        if isinstance(item, dict) and "any" in item:
            predicates.append(_compile_group(item, here, index, tz, clock, errors))
            continue
        try:
            predicates.append(compile_condition(item, tz, clock))
        except RowError as exc:
            field = ".".join(part for part in (here, exc.key) if part) or None
            errors.append(RuleError("filters", index, exc.reason, field))
    return predicates


def _compile_group(
    group: dict[str, Any], where: str | None, index: int, tz: tzinfo, clock: Clock, errors: list[RuleError]
) -> Predicate:
    prefix = f"{where}.any" if where else "any"
    extra = sorted(set(group) - {"any"})
    if extra:
        errors.append(RuleError("filters", index, f"{extra[0]!r} is not a known key of a group", where))
    options = group["any"]
    if not isinstance(options, list) or not options:
        errors.append(RuleError("filters", index, "must be a non-empty list of alternatives", prefix))
        return lambda record: False
    alternatives = [
        _all(_compile_items(option, f"{prefix}[{n}]", index, tz, clock, errors))
        for n, option in enumerate(options)
    ]
    return lambda record: any(alternative(record) for alternative in alternatives)


def _all(predicates: Sequence[Predicate]) -> Predicate:
    if len(predicates) == 1:
        return predicates[0]
    return lambda record: all(predicate(record) for predicate in predicates)


def filter_errors(
    filters: Any, timezone: str = "UTC", now: Clock | None = None
) -> tuple[Predicate, list[RuleError]]:
    """The compiled filter and every problem found (the predicate is only usable when there are none)."""
    errors: list[RuleError] = []
    try:
        tz = dates.zone(timezone)
    except ValueError as exc:
        return (lambda record: False), [RuleError("filters", None, str(exc), "timezone")]
    if filters is None or filters == []:
        return (lambda record: True), errors
    if not isinstance(filters, list):
        return (lambda record: False), [RuleError("filters", None, "must be a list of rows and groups")]
    clock = now or utc_now
    predicates: list[Predicate] = []
    for index, item in enumerate(filters):
        if isinstance(item, dict) and "any" in item:
            predicates.append(_compile_group(item, None, index, tz, clock, errors))
            continue
        try:
            predicates.append(compile_condition(item, tz, clock))
        except RowError as exc:
            errors.append(RuleError("filters", index, exc.reason, exc.key))
    return _all(predicates), errors


def first_dropping(
    filters: list[dict[str, Any]], record: Any, timezone: str = "UTC", now: Clock | None = None
) -> int | None:
    """The index of the first filter item (a row or a group) that does not hold for `record`: the
    one that drops it. None when every item holds."""
    for index, item in enumerate(filters or []):
        if not compile_filters([item], timezone, now)(record):
            return index
    return None


def compile_filters(
    filters: list[dict[str, Any]], timezone: str = "UTC", now: Clock | None = None
) -> Predicate:
    """A predicate that is True for records to sync. An empty list keeps every record. RuleError on a bad row.

    `now` is the clock for time windows (for tests); it defaults to the real UTC time.
    """
    predicate, errors = filter_errors(filters, timezone, now)
    if errors:
        raise errors[0]
    return predicate

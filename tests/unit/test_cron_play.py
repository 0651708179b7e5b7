"""The local stack plays cron(...) schedules by EventBridge Scheduler's rules: each minute the
expression names, and no other."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from syncline.schedules import check_expression, cron_fires


def minutes(expression: str, start: datetime, count: int) -> list[datetime]:
    assert check_expression(expression) is None, expression
    at = [start + timedelta(minutes=n) for n in range(count)]
    return [m for m in at if cron_fires(expression, m)]


def test_a_daily_time_fires_once_a_day() -> None:
    day = datetime(2026, 11, 30, 0, 0)  # a Monday
    assert minutes("cron(30 9 * * ? *)", day, 2 * 24 * 60) == [
        datetime(2026, 11, 30, 9, 30),
        datetime(2026, 12, 1, 9, 30),
    ]


def test_steps_lists_and_ranges() -> None:
    hour = datetime(2026, 11, 30, 10, 0)
    assert [m.minute for m in minutes("cron(*/15 * * * ? *)", hour, 60)] == [0, 15, 30, 45]
    assert [m.minute for m in minutes("cron(5/20 * * * ? *)", hour, 60)] == [5, 25, 45]
    assert [m.minute for m in minutes("cron(1,2,10-12 * * * ? *)", hour, 60)] == [1, 2, 10, 11, 12]


def test_days_of_the_week_count_from_sunday_and_take_names() -> None:
    week = datetime(2026, 11, 29, 8, 0)  # a Sunday
    days = [m.strftime("%a") for m in minutes("cron(0 8 ? * MON-FRI *)", week, 7 * 24 * 60)]
    assert days == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert [m.strftime("%a") for m in minutes("cron(0 8 ? * 1,7 *)", week, 7 * 24 * 60)] == ["Sun", "Sat"]


def test_months_years_and_days_of_the_month() -> None:
    assert cron_fires("cron(0 0 1 JAN ? 2027)", datetime(2027, 1, 1, 0, 0))
    assert not cron_fires("cron(0 0 1 JAN ? 2027)", datetime(2028, 1, 1, 0, 0))
    assert not cron_fires("cron(0 0 1 JAN ? 2027)", datetime(2027, 2, 1, 0, 0))
    assert cron_fires("cron(0 12 15 * ? *)", datetime(2026, 12, 15, 12, 0))


@pytest.mark.parametrize(
    "expression", ["cron(0 0 L * ? *)", "cron(0 0 15W * ? *)", "cron(0 0 ? * 6#3 *)", "cron(0 0 ? * 6L *)"]
)
def test_last_weekday_and_nth_are_not_played_locally(expression: str) -> None:
    assert check_expression(expression) is None  # valid for EventBridge Scheduler
    assert cron_fires(expression, datetime(2026, 11, 30, 0, 0)) is None


def test_a_rate_is_not_a_cron() -> None:
    assert cron_fires("rate(5 minutes)", datetime(2026, 11, 30, 0, 0)) is None

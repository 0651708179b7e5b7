"""EventBridge Scheduler: one schedule per active service, kept in step by the management API.

Each schedule lives in the stack's schedule group (settings().schedule_group), invokes the
trigger function (settings().trigger_function_arn) with the role the stack made for it
(settings().scheduler_role_arn), and carries the trigger's input
``{"tenant_id", "service_id", "trigger": "schedule"}``. Without those settings (the local stack,
where the driver plays the schedules) every call is a no-op with a log line.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from syncline import aws
from syncline.models import Service
from syncline.observability import logger
from syncline.settings import Settings, settings

# EventBridge Scheduler expressions: rate(N unit) or cron(six fields). Services do not take at():
# a service runs again and again, and a one-off run is "run now".
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names for low, low + 1, ...
    specials: str = ""  # what beyond , - * / the field takes: ? L W #


# cron(minutes hours day-of-month month day-of-week year), the rules EventBridge Scheduler applies.
_FIELDS = (
    _Field("minutes", 0, 59),
    _Field("hours", 0, 23),
    _Field("day-of-month", 1, 31, specials="?LW"),
    _Field("month", 1, 12, names=_MONTHS),
    _Field("day-of-week", 1, 7, names=_DAYS, specials="?L#"),
    _Field("year", 1970, 2199),
)


def check_expression(expression: str) -> str | None:
    """The problem with a service schedule expression, or None when it is fine."""
    rate = _RATE.match(expression)
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2)
        if amount < 1:
            return "a rate must be at least 1"
        if amount == 1 and unit.endswith("s"):
            return f"write rate(1 {unit[:-1]})"
        if amount > 1 and not unit.endswith("s"):
            return f"write rate({amount} {unit}s)"
        return None
    cron = _CRON.match(expression)
    if cron:
        return _check_cron(cron.group(1))
    return "use rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year)"


def _check_cron(body: str) -> str | None:
    fields = body.split(" ")
    if len(fields) != len(_FIELDS) or not all(fields):
        return (
            f"a cron expression has {len(_FIELDS)} fields separated by single spaces "
            "(minutes hours day-of-month month day-of-week year)"
        )
    for field, text in zip(_FIELDS, fields, strict=True):
        problem = _check_cron_field(field, text)
        if problem:
            return f"cron {field.name} {text!r}: {problem}"
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        return "cron takes ? in exactly one of day-of-month and day-of-week"
    return None


def _check_cron_field(field: _Field, text: str) -> str | None:
    if text.upper() in ("L", "LW") and field.name == "day-of-month":
        return None
    if text in ("*", "?"):
        return None if text == "*" or "?" in field.specials else "? is only for day-of-month or day-of-week"
    if field.name == "day-of-month" and re.fullmatch(r"[Ll]-\d{1,2}", text):
        return None if 1 <= int(text[2:]) <= 30 else "L-n takes n from 1 to 30"
    for item in text.split(","):
        problem = _check_cron_item(field, item)
        if problem:
            return problem
    return None


def _check_cron_item(field: _Field, item: str) -> str | None:
    if field.name == "day-of-month" and item.upper().endswith("W"):
        return _check_value(field, item[:-1]) if len(item) > 1 else "W follows a day (15W)"
    if field.name == "day-of-week" and "#" in item:
        day, _, nth = item.partition("#")
        return _check_value(field, day) or (
            None if nth in ("1", "2", "3", "4", "5") else "#n takes n from 1 to 5"
        )
    if field.name == "day-of-week" and item.upper().endswith("L"):  # L: the week's last day; 6L
        return _check_value(field, item[:-1]) if len(item) > 1 else None
    start, slash, step = item.partition("/")
    if slash and not (step.isdigit() and int(step) >= 1):
        return f"the step after / must be a whole number of 1 or more, not {step!r}"
    if start == "*" and slash:
        return None
    low, dash, high = start.partition("-")
    return _check_value(field, low) or (_check_value(field, high) if dash else None)


def _check_value(field: _Field, text: str) -> str | None:
    if text.isdigit():
        if field.low <= int(text) <= field.high:
            return None
        return f"{text} is out of range ({field.low}-{field.high})"
    if text.upper() in field.names:
        return None
    allowed = f"{field.low}-{field.high}" + (f" or {field.names[0]}-{field.names[-1]}" if field.names else "")
    return f"{text or 'an empty value'!r} is not a value here ({allowed})"


def schedule_name(tenant_id: str, service_id: str) -> str:
    """A stable name within Scheduler's 64 characters: readable ids plus a hash that keeps it unique."""
    digest = hashlib.sha256(f"{tenant_id}\x1f{service_id}".encode()).hexdigest()[:12]
    return f"{tenant_id[:24]}.{service_id[:24]}.{digest}"


def _configured(cfg: Settings) -> bool:
    return bool(cfg.schedule_group and cfg.trigger_function_arn and cfg.scheduler_role_arn)


def schedule_input(service: Service) -> str:
    return json.dumps(
        {"tenant_id": service.tenant_id, "service_id": service.service_id, "trigger": "schedule"}
    )


def _request(cfg: Settings, service: Service, timezone: str) -> dict[str, Any]:
    assert service.schedule is not None
    return {
        "Name": schedule_name(service.tenant_id, service.service_id),
        "GroupName": cfg.schedule_group,
        "Description": f"Syncline service {service.tenant_id}/{service.service_id}"[:512],
        "ScheduleExpression": service.schedule,
        "ScheduleExpressionTimezone": timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Target": {
            "Arn": cfg.trigger_function_arn,
            "RoleArn": cfg.scheduler_role_arn,
            "Input": schedule_input(service),
            # The next run picks up from the same cursor: retry only failed invocations, briefly.
            "RetryPolicy": {"MaximumEventAgeInSeconds": 300, "MaximumRetryAttempts": 2},
        },
    }


def apply(service: Service, *, timezone: str = "UTC") -> str:
    """Create, update or delete the service's schedule to match it: a schedule exists exactly when
    the service is active and has a schedule expression. Returns what was done."""
    if not service.active or not service.schedule:
        return delete(service.tenant_id, service.service_id)
    cfg = settings()
    name = schedule_name(service.tenant_id, service.service_id)
    if not _configured(cfg):
        logger.info("schedules not configured: not creating a schedule", extra={"schedule": name})
        return "skipped"
    scheduler = aws.client("scheduler")
    request = _request(cfg, service, timezone)
    try:
        scheduler.update_schedule(**request)
        return "updated"
    except scheduler.exceptions.ResourceNotFoundException:
        pass
    try:
        scheduler.create_schedule(**request)
    except scheduler.exceptions.ConflictException:  # created meanwhile: make it match
        scheduler.update_schedule(**request)
        return "updated"
    return "created"


def delete(tenant_id: str, service_id: str) -> str:
    cfg = settings()
    name = schedule_name(tenant_id, service_id)
    if not _configured(cfg):
        logger.info("schedules not configured: nothing to delete", extra={"schedule": name})
        return "skipped"
    scheduler = aws.client("scheduler")
    try:
        scheduler.delete_schedule(Name=name, GroupName=cfg.schedule_group)
    except scheduler.exceptions.ResourceNotFoundException:
        return "absent"
    return "deleted"


# ---------------------------------------------------------------- playing a schedule locally


def cron_fires(expression: str, at: datetime) -> bool | None:
    """Whether `cron(...)` fires in the minute of `at` (a time in the schedule's time zone), by
    EventBridge Scheduler's rules for `*`, `?`, lists, ranges, steps and names. None when the
    expression is not a cron or uses L, W or # (the local stack does not play those)."""
    cron = _CRON.match(expression)
    if not cron:
        return None
    fields = cron.group(1).split(" ")
    if len(fields) != len(_FIELDS):
        return None
    day_of_month, day_of_week = fields[2].upper(), fields[4].upper()
    if "L" in day_of_month or "W" in day_of_month or "#" in day_of_week:
        return None
    if any(item.endswith("L") for item in day_of_week.split(",")):
        return None
    # EventBridge counts the days of the week from 1 = SUN; Python's weekday() from 0 = Monday.
    values = (at.minute, at.hour, at.day, at.month, (at.weekday() + 1) % 7 + 1, at.year)
    return all(
        text in ("*", "?") or _cron_field_has(field, text, value)
        for field, text, value in zip(_FIELDS, fields, values, strict=True)
    )


def _cron_field_has(field: _Field, text: str, value: int) -> bool:
    for item in text.split(","):
        start, slash, step = item.partition("/")
        every = int(step) if slash else 1
        if start == "*":
            low, high = field.low, field.high
        else:
            first, dash, last = start.partition("-")
            low = _cron_value(field, first)
            high = _cron_value(field, last) if dash else (field.high if slash else low)
        if low <= value <= high and (value - low) % every == 0:
            return True
    return False


def _cron_value(field: _Field, text: str) -> int:
    return int(text) if text.isdigit() else field.low + field.names.index(text.upper())

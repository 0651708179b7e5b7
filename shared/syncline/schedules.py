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
from typing import Any

from syncline import aws
from syncline.models import Service
from syncline.observability import logger
from syncline.settings import Settings, settings

# EventBridge Scheduler expressions: rate(N unit) or cron(six fields). Services do not take at().
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\(\S+( \S+){5}\)$")


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
    if _CRON.match(expression):
        return None
    return "use rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year)"


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

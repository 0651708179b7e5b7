"""Notification groups (who gets alert emails) and a service's alert history behind the API.
A group a service still names cannot be deleted (409 naming the services)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from syncline.api.models import NotificationGroupCreate, NotificationGroupUpdate
from syncline.deps import Deps
from syncline.errors import Conflict, Invalid
from syncline.models import NotificationGroup, utcnow
from syncline.reports import validation_fields


def notification_group_view(group: NotificationGroup) -> dict[str, Any]:
    return group.model_dump(mode="json", exclude={"tenant_id"})


def _notification_group(tenant_id: str, values: Mapping[str, Any]) -> NotificationGroup:
    try:
        return NotificationGroup.model_validate({**values, "tenant_id": tenant_id})
    except ValidationError as exc:
        raise Invalid("the notification group is not valid", fields=validation_fields(exc)) from None


def create_notification_group(deps: Deps, tenant_id: str, body: NotificationGroupCreate) -> NotificationGroup:
    group = _notification_group(tenant_id, body.model_dump())
    deps.config.put_notification_group(group, create=True)  # 409 when the id is taken
    return group


def update_notification_group(
    deps: Deps, tenant_id: str, group_id: str, body: NotificationGroupUpdate
) -> NotificationGroup:
    current = deps.config.require_notification_group(tenant_id, group_id)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    group = _notification_group(tenant_id, current.model_dump() | changes | {"updated_at": utcnow()})
    deps.config.put_notification_group(group)
    return group


def delete_notification_group(deps: Deps, tenant_id: str, group_id: str) -> None:
    deps.config.require_notification_group(tenant_id, group_id)
    users = [s for s in deps.config.list_services(tenant_id) if group_id in s.alerts.groups]
    if users:
        names = ", ".join(s.service_id for s in users)
        raise Conflict(
            f"notification group {group_id!r} is used by {len(users)} service(s): {names}",
            fields=[{"field": "group_id", "message": f"used by service {s.service_id}"} for s in users],
        )
    deps.config.delete_notification_group(tenant_id, group_id)


def alert_history(deps: Deps, tenant_id: str, service_id: str, limit: int) -> dict[str, Any]:
    deps.config.require_service(tenant_id, service_id)
    return {"items": deps.config.alert_history(tenant_id, service_id, limit)}

"""Notification groups (who gets alert emails) and a service's alert history."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from syncline.api import alerting
from syncline.api.context import deps, tenant
from syncline.api.models import AlertHistoryParams, NotificationGroupCreate, NotificationGroupUpdate
from syncline.models import ID_PATTERN

router = Router()
TAGS = ["alerts"]
GroupIdPath = Annotated[str, Path(pattern=ID_PATTERN, description="a notification group id")]
ServiceIdPath = Annotated[str, Path(pattern=ID_PATTERN, description="a service id")]
JSON = "application/json"


@router.get("/notification-groups", summary="List notification groups", tags=TAGS)
def list_groups() -> dict[str, Any]:
    groups = deps().config.list_notification_groups(tenant())
    return {"items": [alerting.notification_group_view(g) for g in sorted(groups, key=lambda g: g.group_id)]}


@router.post(
    "/notification-groups",
    summary="Create a notification group",
    description="A name and 1 to 50 recipients (email addresses; each checked, 422 naming it).",
    tags=TAGS,
    status_code=201,
)
def create_group(body: Annotated[NotificationGroupCreate, Body()]) -> Response[dict[str, Any]]:
    group = alerting.create_notification_group(deps(), tenant(), body)
    return Response(
        status_code=201,
        content_type=JSON,
        body=alerting.notification_group_view(group),
        headers={"Location": f"/notification-groups/{group.group_id}"},
    )


@router.get("/notification-groups/<group_id>", summary="One notification group", tags=TAGS)
def get_group(group_id: GroupIdPath) -> dict[str, Any]:
    return alerting.notification_group_view(deps().config.require_notification_group(tenant(), group_id))


@router.patch(
    "/notification-groups/<group_id>", summary="Rename a group or replace its recipients", tags=TAGS
)
def update_group(group_id: GroupIdPath, body: Annotated[NotificationGroupUpdate, Body()]) -> dict[str, Any]:
    return alerting.notification_group_view(
        alerting.update_notification_group(deps(), tenant(), group_id, body)
    )


@router.delete(
    "/notification-groups/<group_id>",
    summary="Delete a notification group (409 naming the services that use it)",
    tags=TAGS,
    status_code=204,
)
def delete_group(group_id: GroupIdPath) -> Response[str]:
    alerting.delete_notification_group(deps(), tenant(), group_id)
    return Response(status_code=204, body="")


@router.get(
    "/services/<service_id>/alerts/history",
    summary="A service's alert emails: when, what kind, to whom, with counts (no bodies), newest first",
    tags=TAGS,
)
def alert_history(
    service_id: ServiceIdPath, params: Annotated[AlertHistoryParams, Query()]
) -> dict[str, Any]:
    return alerting.alert_history(deps(), tenant(), service_id, params.limit)

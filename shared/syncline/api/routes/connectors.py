"""Connectors: create, read, list, update, delete, status and history, summary; the systems."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from syncline.api import management
from syncline.api.context import deps, tenant
from syncline.api.models import ConnectorCreate, ConnectorUpdate, DashboardParams, HistoryParams
from syncline.errors import NotFound
from syncline.models import ID_PATTERN

router = Router()
TAGS = ["connectors"]
ConnectorIdPath = Annotated[str, Path(pattern=ID_PATTERN, description="a connector id")]
SystemPath = Annotated[str, Path(pattern=r"^[a-z0-9_]{1,40}$", description="a system name")]


@router.get(
    "/systems", summary="The systems connectors can be made for, with their settings schema", tags=TAGS
)
def list_systems() -> dict[str, Any]:
    return {"items": management.systems_catalog()}


@router.get(
    "/systems/<system>", summary="One system: entities, credential fields, settings schema", tags=TAGS
)
def get_system(system: SystemPath) -> dict[str, Any]:
    for described in management.systems_catalog():
        if described.get("system") == system:
            return described
    raise NotFound(f"system {system!r} not found")


@router.get("/connectors", summary="List connectors", tags=TAGS)
def list_connectors() -> dict[str, Any]:
    connectors = deps().config.list_connectors(tenant())
    return {"items": [management.connector_view(c) for c in sorted(connectors, key=lambda c: c.connector_id)]}


@router.post(
    "/connectors",
    summary="Create a connector",
    description="Credentials are write-only: they go to Secrets Manager and are never returned.",
    tags=TAGS,
    status_code=201,
)
def create_connector(body: Annotated[ConnectorCreate, Body()]) -> Response[dict[str, Any]]:
    connector = management.create_connector(deps(), tenant(), body)
    return Response(
        status_code=201,
        content_type="application/json",
        body=management.connector_view(connector),
        headers={"Location": f"/connectors/{connector.connector_id}"},
    )


@router.get("/connectors/<connector_id>", summary="One connector (never its credentials)", tags=TAGS)
def get_connector(connector_id: ConnectorIdPath) -> dict[str, Any]:
    return management.connector_view(management.get_connector(deps(), tenant(), connector_id))


@router.patch(
    "/connectors/<connector_id>",
    summary="Update a connector's name, base URL, settings, credentials, time zone or date format",
    tags=TAGS,
)
def update_connector(
    connector_id: ConnectorIdPath, body: Annotated[ConnectorUpdate, Body()]
) -> dict[str, Any]:
    return management.connector_view(management.update_connector(deps(), tenant(), connector_id, body))


@router.delete(
    "/connectors/<connector_id>",
    summary="Delete a connector (refused with 409 while a service uses it)",
    tags=TAGS,
    status_code=204,
)
def delete_connector(connector_id: ConnectorIdPath) -> Response[str]:
    management.delete_connector(deps(), tenant(), connector_id)
    return Response(status_code=204, body="")


@router.get("/connectors/<connector_id>/status", summary="A connector's health status", tags=TAGS)
def connector_status(connector_id: ConnectorIdPath) -> dict[str, Any]:
    return management.connector_status(management.get_connector(deps(), tenant(), connector_id))


@router.post(
    "/connectors/<connector_id>/check",
    summary="Check a connector now",
    description="Runs the health check for this connector (one cheap authenticated call), records the "
    "result as the scheduled check does, and returns the status (200). A connector whose check can "
    "take longer than the API waits (its timeouts) is checked by the health function instead: 202 "
    "with `status_url`, whose `health_checked_at` is after `check_requested_at` once it is done. "
    "Inbound connectors are not called: their status is what their pushes say.",
    tags=TAGS,
    responses={202: {"description": "the check is queued; follow status_url"}},
)
def check_connector(connector_id: ConnectorIdPath) -> Response[dict[str, Any]]:
    status, body = management.check_connector_now(deps(), tenant(), connector_id)
    headers = {"Location": body["status_url"]} if status == 202 else None
    return Response(status_code=status, content_type="application/json", body=body, headers=headers)


@router.get("/connectors/<connector_id>/status/history", summary="A connector's health changes", tags=TAGS)
def connector_history(
    connector_id: ConnectorIdPath, params: Annotated[HistoryParams, Query()]
) -> dict[str, Any]:
    management.get_connector(deps(), tenant(), connector_id)
    return {"items": deps().config.health_history(tenant(), connector_id, limit=params.limit)}


@router.get(
    "/connectors/<connector_id>/summary",
    summary="A connector's services, sync totals over a window and recent failed entries",
    tags=TAGS,
)
def connector_summary(
    connector_id: ConnectorIdPath, params: Annotated[DashboardParams, Query()]
) -> dict[str, Any]:
    start, end, _ = params.window()
    assert start is not None and end is not None
    return management.connector_summary(deps(), tenant(), connector_id, start, end)

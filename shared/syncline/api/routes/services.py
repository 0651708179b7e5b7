"""Services: create, read, update, delete, clone, activate/deactivate, run now, notes, preview."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from syncline.api import management
from syncline.api.context import deps, tenant
from syncline.api.models import (
    CloneBody,
    NotesBody,
    PreviewBody,
    RunNowBody,
    ServiceCreate,
    ServiceListParams,
    ServiceUpdate,
)
from syncline.models import ID_PATTERN

router = Router()
TAGS = ["services"]
ServiceIdPath = Annotated[str, Path(pattern=ID_PATTERN, description="a service id")]
JSON = "application/json"


def _created(service: management.Service) -> Response[dict[str, Any]]:
    return Response(
        status_code=201,
        content_type=JSON,
        body=management.service_view(service),
        headers={"Location": f"/services/{service.service_id}"},
    )


@router.get(
    "/services",
    summary="List services",
    description="`q` matches id, type and name (case insensitive); filters: status, type, systems, entities.",
    tags=TAGS,
)
def list_services(params: Annotated[ServiceListParams, Query()]) -> dict[str, Any]:
    services = management.list_services(deps(), tenant(), params)
    return {"items": management.service_views(deps(), tenant(), services)}


@router.post(
    "/services",
    summary="Create a service",
    description="Filters, mappings and payload script are validated (422 lists every problem with its rule "
    "index); both connectors must exist in this company group. An active service gets its schedule.",
    tags=TAGS,
    status_code=201,
)
def create_service(body: Annotated[ServiceCreate, Body()]) -> Response[dict[str, Any]]:
    return _created(management.create_service(deps(), tenant(), body))


@router.get("/services/<service_id>", summary="One service", tags=TAGS)
def get_service(service_id: ServiceIdPath) -> dict[str, Any]:
    service = management.get_service(deps(), tenant(), service_id)
    return management.service_views(deps(), tenant(), [service])[0]


@router.patch("/services/<service_id>", summary="Update a service (validated like a new one)", tags=TAGS)
def update_service(service_id: ServiceIdPath, body: Annotated[ServiceUpdate, Body()]) -> dict[str, Any]:
    return management.service_view(management.update_service(deps(), tenant(), service_id, body))


@router.delete(
    "/services/<service_id>", summary="Delete a service and its schedule", tags=TAGS, status_code=204
)
def delete_service(service_id: ServiceIdPath) -> Response[str]:
    management.delete_service(deps(), tenant(), service_id)
    return Response(status_code=204, body="")


@router.post(
    "/services/<service_id>/clone",
    summary="Copy a service under a new id (inactive until activated)",
    tags=TAGS,
    status_code=201,
)
def clone_service(service_id: ServiceIdPath, body: Annotated[CloneBody, Body()]) -> Response[dict[str, Any]]:
    return _created(management.clone_service(deps(), tenant(), service_id, body))


@router.post(
    "/services/<service_id>/activate", summary="Activate a service (creates its schedule)", tags=TAGS
)
def activate_service(service_id: ServiceIdPath) -> dict[str, Any]:
    return management.service_view(management.set_active(deps(), tenant(), service_id, True))


@router.post(
    "/services/<service_id>/deactivate", summary="Deactivate a service (deletes its schedule)", tags=TAGS
)
def deactivate_service(service_id: ServiceIdPath) -> dict[str, Any]:
    return management.service_view(management.set_active(deps(), tenant(), service_id, False))


@router.post(
    "/services/<service_id>/run",
    summary="Run now",
    description="Opens a manual run and queues it for the trigger; optional overrides: `since` (the start "
    "cursor) and `page_size`. 202 with the run id; follow it at GET /runs/{run_id}.",
    tags=TAGS,
    status_code=202,
)
def run_service(
    service_id: ServiceIdPath, body: Annotated[RunNowBody | None, Body()] = None
) -> Response[dict[str, Any]]:
    run = management.run_now(deps(), tenant(), service_id, body)
    return Response(
        status_code=202,
        content_type=JSON,
        body=management.run_started(run),
        headers={"Location": f"/runs/{run.run_id}"},
    )


@router.put("/services/<service_id>/notes", summary="Replace a service's notes", tags=TAGS)
def set_notes(service_id: ServiceIdPath, body: Annotated[NotesBody, Body()]) -> dict[str, Any]:
    return management.service_view(management.set_notes(deps(), tenant(), service_id, body.notes))


@router.post(
    "/services/<service_id>/preview",
    summary="Preview the service's rules on a sample record",
    description="Whether the filters keep the record, the mapped output and a per-rule trace. Unsaved "
    "filters, mappings or payload script in the body are tried instead of the saved ones.",
    tags=TAGS,
)
def preview_service(service_id: ServiceIdPath, body: Annotated[PreviewBody, Body()]) -> dict[str, Any]:
    return management.preview(deps(), tenant(), service_id, body)

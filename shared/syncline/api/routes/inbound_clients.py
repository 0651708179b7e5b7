"""Inbound API clients (OAuth 2.0 client credentials): create (the secret shown once), list,
revoke (kept, listed as revoked), rotate (a new secret, shown once). Admin keys only."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from syncline.api.context import deps, tenant
from syncline.api.models import InboundClientCreate
from syncline.errors import Invalid
from syncline.inbound import clients

router = Router()
TAGS = ["inbound"]
ClientIdPath = Annotated[str, Path(pattern=clients.CLIENT_ID_RE.pattern, description="a client id")]


@router.get("/inbound-clients", summary="List the inbound API clients (never their secrets)", tags=TAGS)
def list_clients() -> dict[str, Any]:
    rows = clients.list_clients(tenant(), store=deps().config)
    return {"items": sorted(rows, key=lambda r: str(r["created_at"]))}


@router.post(
    "/inbound-clients",
    summary="Create an inbound API client; the answer holds its secret, shown this once",
    tags=TAGS,
    status_code=201,
)
def create_client(body: Annotated[InboundClientCreate, Body()]) -> Response[dict[str, Any]]:
    config = deps().config
    known = {s.service_id for s in config.list_services(tenant())}
    unknown = [s for s in body.services or [] if s not in known]
    if unknown:
        raise Invalid(
            f"services: no service {unknown[0]!r}",
            fields=[{"field": "body.services", "message": f"no service {s!r}"} for s in unknown],
        )
    view, secret = clients.create_client(
        tenant(),
        name=body.name,
        services=body.services,
        rate=body.rate_per_second,
        burst=body.burst,
        store=config,
    )
    return Response(
        status_code=201,
        content_type="application/json",
        body={**view, "client_secret": secret},
        headers={"Location": f"/inbound-clients/{view['client_id']}", "Cache-Control": "no-store"},
    )


@router.get("/inbound-clients/<client_id>", summary="One inbound API client (never its secret)", tags=TAGS)
def get_client(client_id: ClientIdPath) -> dict[str, Any]:
    return clients.get_client(tenant(), client_id, store=deps().config)


@router.post(
    "/inbound-clients/<client_id>/revoke",
    summary="Revoke a client (its tokens stop within a minute)",
    tags=TAGS,
)
def revoke_client(client_id: ClientIdPath) -> dict[str, Any]:
    return clients.revoke_client(tenant(), client_id, store=deps().config)


@router.post(
    "/inbound-clients/<client_id>/rotate",
    summary="A new secret for a client, shown this once (the old secret and its tokens stop working)",
    tags=TAGS,
)
def rotate_client(client_id: ClientIdPath) -> Response[dict[str, Any]]:
    view, secret = clients.rotate_client(tenant(), client_id, store=deps().config)
    return Response(
        status_code=200,
        content_type="application/json",
        body={**view, "client_secret": secret},
        headers={"Cache-Control": "no-store"},
    )

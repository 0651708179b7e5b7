"""The company group of the key: its name and time zone."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from syncline.api.context import deps, tenant
from syncline.api.models import CompanyGroupUpdate
from syncline.errors import NotFound
from syncline.models import Tenant

router = Router()
TAGS = ["company group"]


def _group() -> Tenant:
    group = deps().config.get_tenant(tenant())
    if group is None:
        raise NotFound("company group not found")
    return group


def _view(group: Tenant) -> dict[str, Any]:
    return {"tenant_id": group.tenant_id, "name": group.name, "timezone": group.timezone}


@router.get("/company-group", summary="The key's company group: its name and time zone", tags=TAGS)
def get_company_group() -> dict[str, Any]:
    return _view(_group())


@router.patch(
    "/company-group",
    summary="Rename the company group or set its time zone",
    description="`timezone` (an IANA name) is where its days start: the periods today, yesterday, "
    "this_week and last_week of the report and the dashboard, and the dashboard's days.",
    tags=TAGS,
)
def update_company_group(body: Annotated[CompanyGroupUpdate, Body()]) -> dict[str, Any]:
    group = _group()
    changes = body.model_dump(exclude_none=True)
    if changes:
        group = group.model_copy(update=changes)
        deps().config.put_tenant(group)
    return _view(group)

"""Runs and the dashboard."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from syncline import reports
from syncline.api.context import deps, tenant
from syncline.api.models import DashboardFilterParams, RunsParams
from syncline.models import iso

router = Router()
RunIdPath = Annotated[str, Path(pattern=reports.RUN_ID_PATTERN, description="a run id")]


@router.get(
    "/runs",
    summary="List runs: by start (newest first), duration or failures",
    description=(
        "By service, status and trigger, over a window of start times (default the last 5 days); "
        "sorted by start, duration or failures (the newest 1,000 runs of the window)."
    ),
    tags=["runs"],
)
def list_runs(params: Annotated[RunsParams, Query()]) -> dict[str, Any]:
    start, end, window = params.window()
    query = reports.RunsQuery(
        service_id=params.service,
        statuses=tuple(params.status or ()),
        triggers=tuple(params.trigger or ()),
        start=start,
        end=end,
        window=window,
        sort=params.sort,
        order=params.order,
    )
    page = reports.list_runs(deps(), tenant(), query, limit=params.limit, cursor=params.cursor)
    return {
        "items": [reports.run_view(run) for run in page.runs],
        "next_cursor": page.next_cursor,
        "window": {
            "from": iso(page.start) if page.start else None,
            "to": iso(page.end) if page.end else None,
        },
        "sort": {"by": params.sort, "order": params.order, "complete": page.complete},
    }


@router.get(
    "/runs/<run_id>",
    summary="One run: start and end, trigger, pulled vs pushed, totals by status, first errors",
    tags=["runs"],
)
def get_run(run_id: RunIdPath) -> dict[str, Any]:
    run = reports.get_run(deps(), tenant(), run_id)
    return reports.run_view(run) | {"entries": f"/reports?run={run.run_id}"}


@router.get(
    "/dashboard",
    summary="Totals by status and by service over a window, failure rate, oldest Pending entry",
    description="Filters: `status` (the totals of those entry statuses only) and `service` (those services' "
    "runs only; no oldest Pending entry then). Days are the company group's (its time zone), each with "
    "the `from`/`to` of a report search of that day.",
    tags=["runs"],
)
def get_dashboard(params: Annotated[DashboardFilterParams, Query()]) -> dict[str, Any]:
    start, end, _ = params.window()
    assert start is not None and end is not None
    group = deps().config.get_tenant(tenant())  # the console's header names the company group
    zone = group.timezone if group else "UTC"
    answer = reports.dashboard(
        deps(), tenant(), start, end, service_ids=params.service, statuses=params.status, zone=zone
    )
    answer["company_group"] = {"tenant_id": tenant(), "name": group.name if group else None, "timezone": zone}
    return answer

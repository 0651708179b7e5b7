"""The sync report: search, one entry, CSV export, resync."""

from __future__ import annotations

import json
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from syncline import reports
from syncline.api.context import deps, tenant, time_left
from syncline.api.errors import JSON, error_response
from syncline.api.models import (
    ExportParams,
    ExportStatus,
    FailuresParams,
    ReportEntry,
    ReportPageResponse,
    ReportParams,
    ResyncBody,
    ResyncResponse,
)
from syncline.models import iso

router = Router()
TAGS = ["report"]
SyncIdPath = Annotated[str, Path(pattern=reports.SYNC_ID_PATTERN, description="a sync id (24 hex digits)")]
ExportIdPath = Annotated[str, Path(pattern=reports.EXPORT_ID_PATTERN, description="an export id")]


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(status_code=status, content_type=JSON, body=json.dumps(body), headers=headers)


@router.get(
    "/reports",
    summary="Search the sync report",
    description="One entry per item synced, newest first, with cursor pagination. Window: the last 5 days "
    "by default, at most 15 (`days`, or `from`/`to`). The response header `X-Syncline-Reads` says what "
    "the search read.",
    tags=TAGS,
    responses={200: {"description": "a page of entries", "content": {JSON: {"model": ReportPageResponse}}}},
)
def search_report(params: Annotated[ReportParams, Query()]) -> Response[str]:
    page = reports.search(
        deps(), tenant(), params.to_query(params.sort, params.order), limit=params.limit, cursor=params.cursor
    )
    additional = params.fields == "additional"
    links = reports.Links(deps(), tenant()) if additional else None
    body = {
        "items": [reports.entry(item, additional, links) for item in page.items],
        "next_cursor": page.next_cursor,
        "window": {
            "from": iso(page.start) if page.start else None,
            "to": iso(page.end) if page.end else None,
        },
        "plan": page.plan,
    }
    return _json(200, body, {"X-Syncline-Reads": json.dumps(page.stats.as_dict(), separators=(",", ":"))})


@router.get(
    "/reports/export",
    summary="Download the report as CSV",
    description="The same filters as the search. Up to 5,000 rows: the CSV itself (RFC 4180, UTF-8, "
    "header row, ISO 8601 UTC times) as an attachment. Larger: written to S3 part by part; the answer is "
    "200 with a presigned link when done within the request, else 202 with an export id to poll at "
    "GET /reports/export/{export_id} (each poll continues the work).",
    tags=TAGS,
    responses={
        200: {
            "description": "the CSV (text/csv), or the link to it (JSON)",
            "content": {"text/csv": {"schema": {"type": "string"}}, JSON: {"model": ExportStatus}},
        },
        202: {"description": "export in progress: poll it", "content": {JSON: {"model": ExportStatus}}},
    },
)
def export_report(params: Annotated[ExportParams, Query()]) -> Response[str]:
    query = params.to_query(params.sort, params.order)
    result = reports.start_export(deps(), tenant(), query, time_left(router.lambda_context))
    if result.kind == "inline":
        assert result.body is not None
        filename = reports.export_filename(query.start, query.end)
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=result.body,
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "X-Syncline-Rows": str(result.rows),
            },
        )
    return _export_status(result)


@router.get(
    "/reports/export/<export_id>",
    summary="Poll (and continue) a large export",
    tags=TAGS,
    responses={
        200: {"description": "done: a presigned link", "content": {JSON: {"model": ExportStatus}}},
        202: {"description": "still running", "content": {JSON: {"model": ExportStatus}}},
    },
)
def poll_export(export_id: ExportIdPath) -> Response[str]:
    result = reports.continue_export(deps(), tenant(), export_id, time_left(router.lambda_context))
    return _export_status(result)


def _export_status(result: reports.ExportResult) -> Response[str]:
    assert result.export_id is not None
    poll = f"/reports/export/{result.export_id}"
    if result.kind == "failed":
        return error_response(500, "export_failed", "the export failed; start a new one")
    body: dict[str, Any] = {"export_id": result.export_id, "status": result.kind, "rows": result.rows}
    if result.kind == "running":
        body["poll"] = poll
        return _json(202, body, {"Location": poll, "Retry-After": "1"})
    body["url"] = result.url
    body["expires_at"] = iso(result.expires_at) if result.expires_at else None
    return _json(200, body)


@router.post(
    "/reports/resync",
    summary="Resync report entries",
    description="Selected entries (`sync_ids`, up to 1,000) or every entry matching `filter` (default status "
    "Failed; at most `limit`; call again while `more` is true). Only Failed, or Pending entries not updated "
    "for 30 minutes (stuck), qualify: each goes back to Pending in a new resync run and onto the queue "
    "with its stored payload, or, with `refetch`, with the record as its source has it now (fetched by "
    "its source id). The answer counts what was queued and lists what was refused and why.",
    tags=TAGS,
    responses={
        200: {"description": "what was queued and refused", "content": {JSON: {"model": ResyncResponse}}}
    },
)
def resync(body: Annotated[ResyncBody, Body()]) -> dict[str, Any]:
    result = reports.resync(
        deps(),
        tenant(),
        sync_ids=body.sync_ids,
        query=body.filter.to_query() if body.filter is not None else None,
        limit=body.limit,
        dry_run=body.dry_run,
        refetch=body.refetch,
    )
    out: dict[str, Any] = {
        "queued": result.queued,
        "run_ids": result.run_ids,
        "refused": result.refused,
        "refused_counts": dict(result.refused_counts),
        "more": result.more,
        "dry_run": result.dry_run,
    }
    if result.dry_run:
        out["would_queue"] = result.would_queue
    return out


@router.get(
    "/reports/errors",
    summary="Failed entries grouped by error",
    description="The Failed entries of the last `days` days (default 7; `service` narrows them) grouped by "
    "error: the catalog's meaning and next step, the count, the services, a few examples and the sync ids "
    "(up to 1,000: a POST /reports/resync of them resyncs the group). At most 5,000 entries are read "
    "(`complete` false when there were more).",
    tags=TAGS,
)
def failures_by_error(params: Annotated[FailuresParams, Query()]) -> dict[str, Any]:
    start, end, _ = reports.resolve_window(params.days, None, None)
    assert start is not None and end is not None
    return reports.failures_by_error(deps(), tenant(), start, end, params.service)


@router.get(
    "/errors",
    summary="The error catalog",
    description="Every error code Syncline records and the vendor errors it knows, each with what it means "
    "and what to do. Report entries, runs, the CSV and alert emails carry the same notes.",
    tags=TAGS,
)
def error_catalog() -> dict[str, Any]:
    from syncline import error_catalog

    return {"items": error_catalog.entries()}


@router.get(
    "/reports/<sync_id>",
    summary="One report entry, with its source and endpoint ids and latest attempt",
    tags=TAGS,
    responses={200: {"description": "the entry", "content": {JSON: {"model": ReportEntry}}}},
)
def get_entry(sync_id: SyncIdPath) -> dict[str, Any]:
    item = reports.get_entry(deps(), tenant(), sync_id)
    return reports.entry(item, additional=True, links=reports.Links(deps(), tenant()))

"""CSV export: small results inline, large ones to S3 as a multipart upload continued by polls."""

from __future__ import annotations

import io
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from syncline import aws
from syncline.deps import Deps
from syncline.errors import Invalid, NotFound, SynclineError
from syncline.models import utcnow
from syncline.reports.query import ReportQuery
from syncline.reports.search import search
from syncline.reports.views import CSV_COLUMNS, _csv_writer, csv_row
from syncline.store import (
    marshal,
    tenant_pk,
    unmarshal,
)

# Inline when the whole export fits these; otherwise an S3 multipart upload, one part at a time.
INLINE_MAX_ROWS = 5000
INLINE_MAX_BYTES = 4 * 1024 * 1024  # Lambda's response limit is 6 MB, API Gateway's 10 MB
PART_BYTES = 8 * 1024 * 1024  # S3 parts are at least 5 MiB (but the last); memory stays ~ one part
EXPORT_PAGE = 1000
URL_EXPIRES_SECONDS = 900
EXPORT_TTL = timedelta(days=1)
LEASE_SECONDS = 60.0
# Stop starting new work when less than this is left of the invocation's budget.
WORK_MARGIN_SECONDS = 6.0


class ExportJob(BaseModel):
    """The state of a large export between requests (config table, PK=T#<tenant>, SK=EXPORT#<id>)."""

    model_config = ConfigDict(extra="forbid")

    export_id: str
    query: ReportQuery
    cursor: str | None = None  # search position after the last uploaded part
    done_reading: bool = False
    key: str
    upload_id: str | None = None
    parts: list[tuple[int, str]] = []
    rows: int = 0
    bytes: int = 0
    status: Literal["running", "done", "failed"] = "running"
    error: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 0


@dataclass
class ExportResult:
    kind: Literal["inline", "running", "done", "failed"]
    rows: int
    export_id: str | None = None
    body: str | None = None
    url: str | None = None
    expires_at: datetime | None = None
    error: str | None = None


def export_filename(start: datetime | None, end: datetime | None) -> str:
    stamp = (end or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    return f"syncline-report-{stamp}.csv"


def start_export(
    deps: Deps, tenant_id: str, query: ReportQuery, time_left: Callable[[], float]
) -> ExportResult:
    """Small results come back inline; larger ones go to S3, continued by `continue_export`."""
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows = 0
    cursor: str | None = None
    while True:
        page = search(deps, tenant_id, query, limit=EXPORT_PAGE, cursor=cursor)
        for item in page.items:
            writer.writerow(csv_row(item))
        rows += len(page.items)
        cursor = page.next_cursor
        query = query.model_copy(update={"start": page.start, "end": page.end})
        if cursor is None and rows <= INLINE_MAX_ROWS and buffer.tell() <= INLINE_MAX_BYTES:
            return ExportResult(kind="inline", rows=rows, body=buffer.getvalue())
        if cursor is None or rows > INLINE_MAX_ROWS or buffer.tell() > INLINE_MAX_BYTES:
            break
    if not deps.bucket:
        raise Invalid(
            f"this export has more than {INLINE_MAX_ROWS} rows and no export bucket is configured; "
            "narrow the filters",
            fields=[{"field": "query", "message": "too many rows for an inline export"}],
        )
    now = utcnow()
    export_id = secrets.token_hex(12)
    # The job records what is committed to S3: nothing yet. The rows read so far are in the buffer.
    job = ExportJob(
        export_id=export_id,
        query=query,
        key=f"exports/{tenant_id}/{export_id}.csv",
        created_at=now,
        updated_at=now,
    )
    s3 = aws.client("s3")
    job.upload_id = s3.create_multipart_upload(
        Bucket=deps.bucket,
        Key=job.key,
        ContentType="text/csv; charset=utf-8",
        ContentDisposition=f'attachment; filename="{export_filename(query.start, query.end)}"',
    )["UploadId"]
    _save_job(deps, tenant_id, job, create=True, lease_until=time.time() + LEASE_SECONDS)
    working = _Working(cursor=cursor, rows=rows, done_reading=cursor is None)
    return _advance(deps, tenant_id, job, bytearray(buffer.getvalue().encode()), working, time_left)


def continue_export(
    deps: Deps, tenant_id: str, export_id: str, time_left: Callable[[], float]
) -> ExportResult:
    """Poll an export: do another slice of the work (under a lease) and say where it is."""
    job = _load_job(deps, tenant_id, export_id)
    if job.status != "running":
        return _result(deps, job)
    claimed = _claim(deps, tenant_id, job)
    if claimed is None:
        return ExportResult(kind="running", rows=job.rows, export_id=job.export_id)
    buffer = bytearray()
    if not claimed.parts:  # starting over: the header goes first
        buffer += (",".join(CSV_COLUMNS) + "\r\n").encode()
    working = _Working(cursor=claimed.cursor, rows=claimed.rows, done_reading=claimed.done_reading)
    return _advance(deps, tenant_id, claimed, buffer, working, time_left)


@dataclass
class _Working:
    cursor: str | None
    rows: int
    done_reading: bool


def _advance(
    deps: Deps,
    tenant_id: str,
    job: ExportJob,
    buffer: bytearray,
    working: _Working,
    time_left: Callable[[], float],
) -> ExportResult:
    """Read pages into the buffer and upload a part whenever it holds PART_BYTES; stop at a part
    boundary when time runs low: the job keeps the search cursor of the last uploaded part, so rows
    still in the buffer are read again by the next poll."""
    assert deps.bucket is not None and job.upload_id is not None
    s3 = aws.client("s3")
    try:
        while True:
            if len(buffer) >= PART_BYTES or (working.done_reading and (buffer or not job.parts)):
                number = len(job.parts) + 1
                etag = s3.upload_part(
                    Bucket=deps.bucket,
                    Key=job.key,
                    UploadId=job.upload_id,
                    PartNumber=number,
                    Body=bytes(buffer),
                )["ETag"]
                job.parts.append((number, etag))
                job.bytes += len(buffer)
                buffer.clear()
                job.cursor, job.rows, job.done_reading = working.cursor, working.rows, working.done_reading
            if working.done_reading and not buffer:
                s3.complete_multipart_upload(
                    Bucket=deps.bucket,
                    Key=job.key,
                    UploadId=job.upload_id,
                    MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in job.parts]},
                )
                job.cursor, job.status = None, "done"
                _save_job(deps, tenant_id, job)
                return _result(deps, job)
            if time_left() < WORK_MARGIN_SECONDS:
                _save_job(deps, tenant_id, job)
                return ExportResult(kind="running", rows=job.rows, export_id=job.export_id)
            page = search(deps, tenant_id, job.query, limit=EXPORT_PAGE, cursor=working.cursor)
            text = io.StringIO()
            writer = _csv_writer(text)
            for item in page.items:
                writer.writerow(csv_row(item))
            buffer += text.getvalue().encode()
            working.rows += len(page.items)
            working.cursor = page.next_cursor
            working.done_reading = page.next_cursor is None
    except SynclineError:
        _save_job(deps, tenant_id, job)
        raise
    except Exception as exc:
        job.status, job.error = "failed", type(exc).__name__
        _save_job(deps, tenant_id, job)
        try:
            s3.abort_multipart_upload(Bucket=deps.bucket, Key=job.key, UploadId=job.upload_id)
        except Exception:  # noqa: S110 - the bucket's lifecycle rule cleans up what this cannot
            pass
        raise


def _result(deps: Deps, job: ExportJob) -> ExportResult:
    if job.status == "failed":
        return ExportResult(kind="failed", rows=job.rows, export_id=job.export_id, error=job.error)
    if job.status == "running":
        return ExportResult(kind="running", rows=job.rows, export_id=job.export_id)
    filename = export_filename(job.query.start, job.query.end)
    url = aws.client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": deps.bucket,
            "Key": job.key,
            "ResponseContentType": "text/csv; charset=utf-8",
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=URL_EXPIRES_SECONDS,
    )
    return ExportResult(
        kind="done",
        rows=job.rows,
        export_id=job.export_id,
        url=url,
        expires_at=utcnow() + timedelta(seconds=URL_EXPIRES_SECONDS),
    )


def _job_key(tenant_id: str, export_id: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"EXPORT#{export_id}"}


def _load_job(deps: Deps, tenant_id: str, export_id: str) -> ExportJob:
    row = deps.config._get(_job_key(tenant_id, export_id), consistent=True)
    if row is None:
        raise NotFound(f"export {export_id!r} not found")
    body = {k: v for k, v in row.items() if k not in ("PK", "SK", "expires_at", "lease_until")}
    return ExportJob.model_validate(body)


def _save_job(
    deps: Deps, tenant_id: str, job: ExportJob, *, create: bool = False, lease_until: float = 0.0
) -> None:
    job.updated_at = utcnow()
    previous = job.version
    job.version = previous + 1
    row = {
        **_job_key(tenant_id, job.export_id),
        **job.model_dump(mode="json"),
        "lease_until": lease_until,
        "expires_at": int((job.created_at + EXPORT_TTL).timestamp()),
    }
    request: dict[str, Any] = {"TableName": deps.config.name, "Item": marshal(row)}
    if create:
        request["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        request["ConditionExpression"] = "version = :v"
        request["ExpressionAttributeValues"] = marshal({":v": previous})
    deps.config.ddb.put_item(**request)


def _claim(deps: Deps, tenant_id: str, job: ExportJob) -> ExportJob | None:
    """Take the job's lease so two polls never work on it at once; None when someone holds it."""
    now = time.time()
    try:
        got = deps.config.ddb.update_item(
            TableName=deps.config.name,
            Key=marshal(_job_key(tenant_id, job.export_id)),
            UpdateExpression="SET lease_until = :until, version = version + :one",
            ConditionExpression="version = :v AND lease_until < :now",
            ExpressionAttributeValues=marshal(
                {":until": now + LEASE_SECONDS, ":one": 1, ":v": job.version, ":now": now}
            ),
            ReturnValues="ALL_NEW",
        )
    except deps.config.ddb.exceptions.ConditionalCheckFailedException:
        return None
    row = unmarshal(got["Attributes"])
    return ExportJob.model_validate(
        {k: v for k, v in row.items() if k not in ("PK", "SK", "expires_at", "lease_until")}
    )

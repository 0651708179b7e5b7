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
from syncline.errors import Invalid, NotFound
from syncline.models import utcnow
from syncline.reports.links import Links
from syncline.reports.query import MAX_LIMIT, ReportQuery
from syncline.reports.search import search
from syncline.reports.views import CSV_COLUMNS, _csv_writer, csv_row

# Inline when the whole export fits these; otherwise an S3 multipart upload, one part at a time.
INLINE_MAX_ROWS = 5000
INLINE_MAX_BYTES = 4 * 1024 * 1024  # Lambda's response limit is 6 MB, API Gateway's 10 MB
PART_BYTES = 5 * 1024 * 1024  # S3's smallest part (but the last); memory stays ~ one part
EXPORT_PAGE = MAX_LIMIT  # the most rows one search page holds
URL_EXPIRES_SECONDS = 900
EXPORT_TTL = timedelta(days=1)
LEASE_SECONDS = 60.0
# Stop starting new work when less than this is left of the invocation's budget.
WORK_MARGIN_SECONDS = 6.0
MAX_FAILURES = 3  # requests in a row that fail before the export is given up


class ExportJob(BaseModel):
    """The state of a large export between requests (kept in the config store for a day)."""

    model_config = ConfigDict(extra="forbid")

    export_id: str
    query: ReportQuery
    cursor: str | None = None  # search position after the last row saved (in a part or the tail)
    done_reading: bool = False
    key: str
    upload_id: str | None = None
    parts: list[tuple[int, str]] = []
    tail: str | None = None  # S3 key of the rows read but in no part yet (a new key at every save)
    rows: int = 0
    bytes: int = 0
    status: Literal["running", "done", "failed"] = "running"
    error: str | None = None
    failures: int = 0
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
    """Small results come back inline; larger ones go to S3, continued by `continue_export`. Like
    every poll, this request stops reading when its time runs low and saves what it read."""
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    links = Links(deps, tenant_id)
    rows = 0
    cursor: str | None = None
    while True:
        page = search(deps, tenant_id, query, limit=EXPORT_PAGE, cursor=cursor)
        for item in page.items:
            writer.writerow(csv_row(item, links))
        rows += len(page.items)
        cursor = page.next_cursor
        query = query.model_copy(update={"start": page.start, "end": page.end})
        if cursor is None and rows <= INLINE_MAX_ROWS and buffer.tell() <= INLINE_MAX_BYTES:
            return ExportResult(kind="inline", rows=rows, body=buffer.getvalue())
        if cursor is None or rows > INLINE_MAX_ROWS or buffer.tell() > INLINE_MAX_BYTES:
            break
        if time_left() < WORK_MARGIN_SECONDS:  # the rows read so far are saved below
            break
    if not deps.bucket:
        raise Invalid(
            f"this export has more than {INLINE_MAX_ROWS} rows and no export bucket is configured; "
            "narrow the filters",
            fields=[{"field": "query", "message": "too many rows for an inline export"}],
        )
    now = utcnow()
    export_id = secrets.token_hex(12)
    # The job records what is saved: nothing yet. The rows read so far are in the buffer.
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
    work = job.model_copy(deep=True, update={"cursor": cursor, "rows": rows, "done_reading": cursor is None})
    buffered = bytearray(buffer.getvalue().encode())
    return _advance(deps, tenant_id, job, work, buffered, time_left, progressed=True)


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
    return _advance(deps, tenant_id, claimed, claimed.model_copy(deep=True), None, time_left)


def _advance(
    deps: Deps,
    tenant_id: str,
    job: ExportJob,
    work: ExportJob,
    buffer: bytearray | None,
    time_left: Callable[[], float],
    *,
    progressed: bool = False,
) -> ExportResult:
    """Carry on from `work` (the job as this request has got it; `job` is its last saved state,
    held under this request's lease) and `buffer` (rows read but in no part yet; None: the job's
    tail). Read pages (at least one a request: `progressed` says start_export has read it) and
    upload a part whenever the buffer holds PART_BYTES; when time runs low, save the buffer as the
    tail, then the job, conditional on its version.

    Every request saves what it read, so every poll makes progress. A request that stops before
    saving the job leaves it as last saved: the tail it wrote is under a new key, and the next poll
    reads the same rows again and uploads its parts over the same part numbers, so no row is lost
    or written twice."""
    assert deps.bucket is not None and job.upload_id is not None
    s3 = aws.client("s3")
    try:
        if buffer is None:
            tail = s3.get_object(Bucket=deps.bucket, Key=job.tail)["Body"].read() if job.tail else b""
            buffer = bytearray(tail if tail or job.parts else _csv_header())
        pages = int(progressed)
        links = Links(deps, tenant_id)
        while True:
            if len(buffer) >= PART_BYTES:
                _upload_part(s3, deps.bucket, work, buffer)
            # At least one page a request, so every poll makes progress however late it starts.
            if work.done_reading or (pages and time_left() < WORK_MARGIN_SECONDS):
                break
            pages += 1
            page = search(deps, tenant_id, work.query, limit=EXPORT_PAGE, cursor=work.cursor)
            text = io.StringIO()
            writer = _csv_writer(text)
            for item in page.items:
                writer.writerow(csv_row(item, links))
            buffer += text.getvalue().encode()
            work.rows += len(page.items)
            work.cursor = page.next_cursor
            work.done_reading = page.next_cursor is None
        work.failures = 0
        if not work.done_reading:
            work.tail = f"{work.key}.tail-{work.version + 1}" if buffer else None
            if work.tail:
                s3.put_object(Bucket=deps.bucket, Key=work.tail, Body=bytes(buffer))
            _save_job(deps, tenant_id, work)
            return ExportResult(kind="running", rows=work.rows, export_id=work.export_id)
        if buffer or not work.parts:
            _upload_part(s3, deps.bucket, work, buffer)
        work.tail = None
        _save_job(deps, tenant_id, work, lease_until=time.time() + LEASE_SECONDS)  # every row in a part
        job = work.model_copy(deep=True)
        try:
            s3.complete_multipart_upload(
                Bucket=deps.bucket,
                Key=work.key,
                UploadId=work.upload_id,
                MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in work.parts]},
            )
        except s3.exceptions.NoSuchUpload:  # completed by a request that stopped before saving
            s3.head_object(Bucket=deps.bucket, Key=work.key)
        work.cursor, work.status = None, "done"
        _save_job(deps, tenant_id, work)
        return _result(deps, work)
    except Exception as exc:
        _failed(deps, tenant_id, job, exc)
        raise


def _csv_header() -> bytes:
    return (",".join(CSV_COLUMNS) + "\r\n").encode()


def _upload_part(s3: Any, bucket: str, work: ExportJob, buffer: bytearray) -> None:
    number = len(work.parts) + 1
    etag = s3.upload_part(
        Bucket=bucket, Key=work.key, UploadId=work.upload_id, PartNumber=number, Body=bytes(buffer)
    )["ETag"]
    work.parts.append((number, etag))
    work.bytes += len(buffer)
    buffer.clear()


def _failed(deps: Deps, tenant_id: str, job: ExportJob, exc: Exception) -> None:
    """A request failed: the job stays as last saved, its lease released, and the failure counted;
    MAX_FAILURES in a row fail the export."""
    failed = job.model_copy(update={"failures": job.failures + 1})
    if failed.failures >= MAX_FAILURES:
        failed.status, failed.error = "failed", type(exc).__name__
    try:
        _save_job(deps, tenant_id, failed)
        if failed.status == "failed":
            aws.client("s3").abort_multipart_upload(Bucket=deps.bucket, Key=job.key, UploadId=job.upload_id)
    except Exception:  # noqa: S110 - the lease runs out; the bucket's lifecycle rule cleans up
        pass


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


def _load_job(deps: Deps, tenant_id: str, export_id: str) -> ExportJob:
    body = deps.config.get_export_job(tenant_id, export_id)
    if body is None:
        raise NotFound(f"export {export_id!r} not found")
    return ExportJob.model_validate(body)


def _save_job(
    deps: Deps, tenant_id: str, job: ExportJob, *, create: bool = False, lease_until: float = 0.0
) -> None:
    """Save the job (conditional on the version it was read at) and count the save in its version;
    `lease_until` 0 releases the lease."""
    job.updated_at = utcnow()
    previous = job.version
    job.version = previous + 1
    deps.config.put_export_job(
        tenant_id,
        job.export_id,
        job.model_dump(mode="json"),
        previous_version=None if create else previous,
        lease_until=lease_until,
        expires_at=int((job.created_at + EXPORT_TTL).timestamp()),
    )


def _claim(deps: Deps, tenant_id: str, job: ExportJob) -> ExportJob | None:
    """Take the job's lease so two polls never work on it at once; None when someone holds it."""
    now = time.time()
    body = deps.config.lease_export_job(
        tenant_id, job.export_id, job.version, now=now, until=now + LEASE_SECONDS
    )
    return None if body is None else ExportJob.model_validate(body)

"""Fan-out: from "records to sync" to "messages on the queue", for every kind of run.

Scheduled and manual runs, continuations, resyncs and inbound pushes all come through
`enqueue`, which sends SendMessageBatch calls of ten, several at once, and retries the entries
SQS did not accept. Nothing is dropped: if entries still fail after the retries, it raises.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from syncline import aws
from syncline.connectors import Connector, ConnectorError, SourceRecord
from syncline.models import (
    ErrorInfo,
    Run,
    Service,
    Status,
    SyncItem,
    Trigger,
    new_run_id,
    sync_id_for,
    utcnow,
)
from syncline.pipeline.messages import SyncMessage, TriggerRequest
from syncline.store import ConfigStore, RunChange, SyncStore

SQS_BATCH = 10
SEND_CONCURRENCY = 8
SEND_RETRIES = 5
MAX_MESSAGE_BYTES = 200 * 1024  # above this the record goes to S3 and the message carries its key


class EnqueueError(RuntimeError):
    pass


def enqueue(queue_url: str, bodies: Sequence[str], *, delay_seconds: int = 0) -> int:
    """Send every body to the queue in batches of ten; returns the SendMessageBatch call count."""
    sqs = aws.client("sqs")
    chunks = [list(enumerate(bodies))[i : i + SQS_BATCH] for i in range(0, len(bodies), SQS_BATCH)]

    def send(chunk: list[tuple[int, str]]) -> int:
        calls = 0
        pending = chunk
        for attempt in range(SEND_RETRIES):
            entries = [
                {"Id": str(n), "MessageBody": body, "DelaySeconds": delay_seconds} for n, body in pending
            ]
            response = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
            calls += 1
            failed = {int(f["Id"]) for f in response.get("Failed", [])}
            pending = [(n, body) for n, body in pending if n in failed]
            if not pending:
                return calls
            time.sleep(min(1.0, 0.05 * 2**attempt))
        raise EnqueueError(f"{len(pending)} messages not accepted by SQS after {SEND_RETRIES} tries")

    if len(chunks) <= 1:
        return sum(send(c) for c in chunks)
    with ThreadPoolExecutor(max_workers=min(SEND_CONCURRENCY, len(chunks))) as pool:
        return sum(pool.map(send, chunks))


def claim_check(message: SyncMessage, bucket: str | None) -> SyncMessage:
    """A record too large for an SQS message goes to S3; the message carries its key instead."""
    if len(message.model_dump_json(exclude_none=True).encode()) <= MAX_MESSAGE_BYTES:
        return message
    if not bucket:
        raise EnqueueError(
            f"record {message.sync_id} is larger than {MAX_MESSAGE_BYTES} bytes and no bucket is set"
        )
    key = f"payloads/{message.tenant_id}/{message.sync_id}.json"
    aws.client("s3").put_object(Bucket=bucket, Key=key, Body=json.dumps(message.record).encode())
    return message.model_copy(update={"record": None, "payload_ref": key})


def message_body(message: SyncMessage, bucket: str | None) -> str:
    return claim_check(message, bucket).model_dump_json(exclude_none=True)


def load_record(message: SyncMessage, bucket: str | None) -> dict[str, Any]:
    if message.record is not None:
        return message.record
    if message.payload_ref and bucket:
        got = aws.client("s3").get_object(Bucket=bucket, Key=message.payload_ref)
        record: dict[str, Any] = json.loads(got["Body"].read())
        return record
    raise ValueError(f"message for {message.sync_id} carries no record")


@dataclass
class Deps:
    """What fan-out needs: the stores, the queues, and a way to open connectors."""

    config: ConfigStore
    syncs: SyncStore
    sync_queue_url: str
    trigger_queue_url: str
    bucket: str | None
    open_connector: Callable[..., Connector]


@dataclass
class TriggerResult:
    run_id: str | None
    pulled: int = 0
    filtered: int = 0
    skipped: int = 0
    queued: int = 0
    continued: bool = False
    status: str = "Running"
    reason: str | None = None


def fan_out(
    deps: Deps,
    service: Service,
    run: Run,
    records: Sequence[SourceRecord],
    source_system: str,
    destination_system: str,
) -> RunChange:
    """Write the Pending rows for new records, put one message per record on the sync queue."""
    ids = [sync_id_for(service.service_id, r.source_id, r.version) for r in records]
    unique = dict(zip(ids, records, strict=True))
    existing = deps.syncs.existing_sync_ids(service.tenant_id, unique) if unique else set()
    now = utcnow()
    items = [
        SyncItem(
            tenant_id=service.tenant_id,
            sync_id=sync_id,
            run_id=run.run_id,
            service_id=service.service_id,
            source_system=source_system,
            source_entity=service.source.entity,
            destination_system=destination_system,
            destination_entity=service.destination.entity,
            reference=record.reference,
            source_id=record.source_id,
            status=Status.PENDING,
            created_at=now,
            updated_at=now,
        )
        for sync_id, record in unique.items()
        if sync_id not in existing
    ]
    if items:
        messages = [
            claim_check(
                SyncMessage(
                    tenant_id=service.tenant_id,
                    service_id=service.service_id,
                    run_id=run.run_id,
                    sync_id=item.sync_id,
                    record=unique[item.sync_id].data,
                ),
                deps.bucket,
            )
            for item in items
        ]
        # A record kept in S3 is referenced from its row from the start: a resync can resend it.
        items = [
            item.model_copy(update={"payload_ref": m.payload_ref}) if m.payload_ref else item
            for item, m in zip(items, messages, strict=True)
        ]
        deps.syncs.put_pending_items(items)
        enqueue(deps.sync_queue_url, [m.model_dump_json(exclude_none=True) for m in messages])
    change = RunChange(skipped=len(records) - len(items), queued=len(items))
    change.totals[Status.PENDING.value] += len(items)
    return change


def run_trigger(deps: Deps, request: TriggerRequest, time_left: Callable[[], float]) -> TriggerResult:
    """Pull changed records page by page and fan them out; hand over to a continuation when the
    invocation's time budget runs low. The service cursor advances only after every page of the
    pull is on the queue."""
    from syncline.connectors import connector_class
    from syncline.mapping import compile_filters
    from syncline.pipeline.confirm import apply_confirmations

    service = deps.config.require_service(request.tenant_id, request.service_id)
    if not service.active and request.trigger == Trigger.SCHEDULE and request.run_id is None:
        return TriggerResult(run_id=None, status="Skipped", reason="service is inactive")
    source_row = deps.config.require_connector(service.tenant_id, service.source.connector_id)
    destination_row = deps.config.require_connector(service.tenant_id, service.destination.connector_id)
    keep = compile_filters(service.filters, timezone=source_row.timezone)
    if request.run_id is None and connector_class(destination_row.system).asynchronous:
        apply_confirmations(deps.syncs, service, destination_row, deps.open_connector)
    if request.run_id is None and connector_class(destination_row.system).asynchronous:
        apply_confirmations(deps.syncs, service, destination_row, deps.open_connector)

    if request.run_id:
        existing_run = deps.syncs.get_run(service.tenant_id, request.run_id)
        if existing_run is None:
            raise ValueError(f"continuation for unknown run {request.run_id!r}")
        run = existing_run
        since = request.since
    else:
        run = Run(
            tenant_id=service.tenant_id,
            run_id=new_run_id(),
            service_id=service.service_id,
            trigger=request.trigger,
        )
        deps.syncs.create_run(run)
        since = (
            request.since
            if request.since is not None
            else deps.config.get_cursor(service.tenant_id, service.service_id)
        )

    result = TriggerResult(run_id=run.run_id)
    page = request.page
    high_water = request.cursor
    page_size = request.page_size or service.settings.page_size
    with deps.open_connector(source_row) as source:
        while True:
            try:
                got = source.pull(service.source.entity, since, page, page_size)
            except ConnectorError as exc:
                # Stop here; the cursor stays where it was, so the next run pulls these records
                # again (and the sync ids already queued are skipped). The run says why.
                error = ErrorInfo(code=exc.code, message=exc.message[:500])
                final = deps.syncs.apply_run_change(
                    run.tenant_id, run.run_id, RunChange(), pull_done=True, pull_error=error
                )
                result.status, result.reason = final.status.value, f"pull failed: {error.message}"
                return result
            wanted = [r for r in got.records if keep(r.data)]
            change = fan_out(deps, service, run, wanted, source_row.system, destination_row.system)
            change.pulled = len(got.records)
            change.filtered = len(got.records) - len(wanted)
            result.pulled += change.pulled
            result.filtered += change.filtered
            result.skipped += change.skipped
            result.queued += change.queued
            if got.cursor and (high_water is None or got.cursor > high_water):
                high_water = got.cursor
            page = got.next_page
            done = page is None
            if done and high_water:
                deps.syncs.apply_run_change(run.tenant_id, run.run_id, change)
                deps.config.set_cursor(service.tenant_id, service.service_id, high_water)
                final = deps.syncs.apply_run_change(run.tenant_id, run.run_id, RunChange(), pull_done=True)
            else:
                final = deps.syncs.apply_run_change(run.tenant_id, run.run_id, change, pull_done=done)
            if done:
                result.status = final.status.value
                return result
            if time_left() <= 0:
                continuation = TriggerRequest(
                    tenant_id=service.tenant_id,
                    service_id=service.service_id,
                    trigger=run.trigger,
                    run_id=run.run_id,
                    since=since,
                    page=page,
                    cursor=high_water,
                    page_size=request.page_size,
                )
                enqueue(deps.trigger_queue_url, [continuation.model_dump_json(exclude_none=True)])
                result.continued = True
                return result

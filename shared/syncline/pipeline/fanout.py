"""Fan-out: from "records to sync" to "messages on the queue", for every kind of run.

Scheduled and manual runs, continuations, resyncs and inbound pushes all come through
`enqueue`, which sends SendMessageBatch calls of ten, several at once, and retries the entries
SQS did not accept. Nothing is dropped: if entries still fail after the retries, it raises.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from syncline import aws
from syncline.connectors import SourceRecord
from syncline.deps import Deps
from syncline.faults import crash_point
from syncline.models import (
    ErrorInfo,
    Run,
    RunStatus,
    Service,
    Status,
    SyncItem,
    clip,
    sync_id_for,
    utcnow,
)
from syncline.pipeline.messages import Entry, SyncMessage
from syncline.store import RunChange

SQS_BATCH = 10
SEND_CONCURRENCY = 8
SEND_RETRIES = 5
MAX_MESSAGE_BYTES = 200 * 1024  # above this the record goes to S3 and the message carries its key


class EnqueueError(RuntimeError):
    pass


class RunClosed(RuntimeError):
    """The run a trigger is pulling for was closed under it."""


class RecordTooLarge(EnqueueError):
    """A record too large for a message, with nowhere to keep it (no bucket)."""


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
        raise RecordTooLarge(
            f"the record is larger than {MAX_MESSAGE_BYTES} bytes and no bucket is configured to keep it"
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
class FanOut:
    change: RunChange


def fan_out(
    deps: Deps,
    service: Service,
    run: Run,
    records: Sequence[SourceRecord],
    source_system: str,
    destination_system: str,
    change: RunChange | None = None,
) -> FanOut:
    """List a page's new records (one fan-out page record) and put one message per record on
    the sync queue. A record has no row until its first attempt claims it: until then it is a
    Pending entry of its run through the page.

    The run counts the page before the page is written, so a crash part-way leaves its totals
    high, never low (a run closes only when its entries, counted, are all settled). A retried
    trigger that fans out the same page again writes the same page record and sends the messages
    again: a second message for a record is harmless (the claim lets one delivery push). Records
    that already have a row (synced before, or queued by another run and attempted) are skipped.
    A record that cannot be queued becomes a Failed row with the reason; the rest go on.
    """
    change = change or RunChange()
    tenant_id = service.tenant_id
    ids = [sync_id_for(service.service_id, r.source_id, r.version) for r in records]
    unique = dict(zip(ids, records, strict=True))
    existing = deps.syncs.existing(tenant_id, unique) if unique else {}
    now = utcnow()

    queued: list[tuple[SyncItem, SyncMessage]] = []
    failed: list[SyncItem] = []
    for sync_id, record in unique.items():
        if sync_id in existing:
            continue
        item = SyncItem(
            tenant_id=tenant_id,
            sync_id=sync_id,
            run_id=run.run_id,
            service_id=service.service_id,
            source_system=source_system,
            source_entity=service.source.entity,
            destination_system=destination_system,
            destination_entity=service.destination.entity,
            reference=clip(record.reference),
            source_id=clip(record.source_id),
            status=Status.PENDING,
            created_at=now,
            updated_at=now,
        )
        message = SyncMessage(
            tenant_id=tenant_id,
            service_id=service.service_id,
            run_id=run.run_id,
            sync_id=sync_id,
            record=record.data,
            entry=Entry.of(item),
        )
        try:
            checked = claim_check(message, deps.bucket)
        except RecordTooLarge as exc:
            failed.append(_unqueueable(item, "record_too_large", str(exc)))
            continue
        # A record kept in S3 is listed with its key: recovery and resync can send it again.
        if checked.payload_ref:
            item = item.model_copy(update={"payload_ref": checked.payload_ref})
        queued.append((item, checked))

    change.skipped += len(records) - len(queued) - len(failed)
    change.queued += len(queued)
    change.totals[Status.PENDING.value] += len(queued)
    change.totals[Status.FAILED.value] += len(failed)
    change.errors += [i.last_error for i in failed if i.last_error]
    counted = deps.syncs.apply_run_change(tenant_id, run.run_id, change)
    if counted.status != RunStatus.RUNNING:
        # The reconciler took this pull for dead and closed its run: entries written now would
        # belong to a closed run. Stop; the cursor has not moved, so the next run pulls them.
        raise RunClosed(f"run {run.run_id} was closed while its pull was still going")

    deps.syncs.put_page([item for item, _ in queued])
    if failed:
        rejected = deps.syncs.put_rows(failed)
        if rejected:
            _store_rejected(deps, run, rejected)
    crash_point("trigger.after_rows")

    bodies = [m.model_dump_json(exclude_none=True) for _, m in queued]
    enqueue(deps.sync_queue_url, bodies[:SQS_BATCH])
    if len(bodies) > SQS_BATCH:
        crash_point("trigger.mid_enqueue")
        enqueue(deps.sync_queue_url, bodies[SQS_BATCH:])
    return FanOut(change=change)


def _unqueueable(item: SyncItem, code: str, message: str) -> SyncItem:
    return item.model_copy(
        update={"status": Status.FAILED, "last_error": ErrorInfo(code=code, message=message)}
    )


def _store_rejected(deps: Deps, run: Run, rejected: list[tuple[SyncItem, str]]) -> None:
    """Rows DynamoDB refused (too large, a value it cannot index): keep a Failed row with the reason
    and only the fields that identify the record, cut short, so the report still shows it."""
    small = [
        _unqueueable(
            item.model_copy(
                update={"reference": clip(item.reference, 100), "source_id": clip(item.source_id, 100)}
            ),
            "record_not_stored",
            f"the record could not be stored for the report: {reason[:200]}",
        )
        for item, reason in rejected
    ]
    still = deps.syncs.put_rows(small)
    if still:
        raise EnqueueError(f"{len(still)} records could be neither stored nor failed: {still[0][1][:200]}")

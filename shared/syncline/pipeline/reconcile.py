"""Reconciliation: after crashes, bring every record and every run back to the truth.

Run on a schedule (the `reconcile` function). The fast paths keep things right as long as no
invocation dies; this is what makes them converge when one does:

- A Pending entry of an open run that nobody has touched for a while and no delivery holds (no
  live claim) has lost its message: a trigger died between listing its page and queueing it and
  the record changed since, a sync_item died on the message's last receive, or the message went
  to the DLQ before an attempt could claim it. It is queued again from its stored payload when it
  has attempts left, and settled Failed with the reason otherwise (so nothing stays Pending after
  its attempts); a listed record that never got a row gets one then. While the queue holds
  messages, only runs that have been quiet for a while are read (a busy run's batches are still
  coming; it cannot close without its stuck entries, so they are found once it goes quiet).
- A run whose trigger died before the pull finished (its pull deadline passed) is marked as an
  interrupted pull; the cursor did not move, so the next run pulls the same records again.
- A run whose pull is done is closed as soon as its items, counted, are all settled, with totals
  taken from that count: a batch that died before adding its deltas cannot leave a run Running
  or its totals wrong.

"Nobody has touched it for a while" is judged against the queue: while the sync queue holds no
message at all (visible, in flight or delayed), an item untouched for `grace_seconds` has no message
left; while it holds some, only an item untouched for longer than any retry can wait.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from syncline import aws
from syncline.deps import Deps
from syncline.models import ErrorInfo, RunStatus, Service, Status, SyncItem, utcnow
from syncline.observability import put_metric
from syncline.pipeline.fanout import enqueue, message_body
from syncline.pipeline.messages import SyncMessage
from syncline.pipeline.sync import CIRCUIT_DELAY_SECONDS
from syncline.store import RunChange

log = logging.getLogger(__name__)

INTERRUPTED = ErrorInfo(
    code="pull_interrupted",
    message="the trigger stopped before the pull finished; the next run pulls the rest from the same cursor",
)
EXHAUSTED = ErrorInfo(
    code="attempts_exhausted",
    message="no attempts left: the last attempt stopped before it recorded an outcome",
)
STRANDED = ErrorInfo(
    code="stranded",
    message=(
        "the record's message was lost (a function stopped) and its payload was not stored: "
        "run the service again from an earlier time to pull it again"
    ),
)


@dataclass
class ReconcileResult:
    queue_idle: bool = False
    items_requeued: int = 0
    items_failed: int = 0
    pulls_interrupted: int = 0
    runs_checked: int = 0
    runs_closed: int = 0
    markers_dropped: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)


def queue_idle(queue_url: str) -> bool:
    """No message on the queue: none visible, none in flight, none delayed."""
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    return all(int(value) == 0 for value in attributes.values())


def reconcile(deps: Deps, now: datetime | None = None) -> ReconcileResult:
    now = now or utcnow()
    result = ReconcileResult(queue_idle=queue_idle(deps.sync_queue_url))
    for tenant_id in deps.config.list_tenant_ids():
        _items(deps, tenant_id, now, result)
    _runs(deps, now, result)
    return result


def _wait_limit(item: SyncItem, service: Service | None, deps: Deps, idle: bool) -> float:
    """How long `item` may stay untouched before it counts as having lost its message."""
    if idle:
        return deps.grace_seconds
    if item.attempts == 0:
        return deps.stranded_after_seconds
    longest_retry = service.settings.retry_max_seconds if service else 0
    return max(longest_retry, CIRCUIT_DELAY_SECONDS) + deps.grace_seconds


def _items(deps: Deps, tenant_id: str, now: datetime, result: ReconcileResult) -> None:
    services: dict[str, Service | None] = {}
    changes: dict[str, RunChange] = {}
    again: list[str] = []
    # While the queue holds messages nothing younger than the shortest wait limit can qualify, and
    # a run touched more recently than that is still busy (its batches are still coming): its
    # entries are read once it is quiet, not on every pass over a deep backlog.
    shortest = deps.grace_seconds if result.queue_idle else CIRCUIT_DELAY_SECONDS + deps.grace_seconds
    cutoff = now - timedelta(seconds=shortest)
    runs = deps.syncs.open_runs_of(tenant_id)
    if not result.queue_idle:
        runs = [r for r in runs if (r.updated_at or r.started_at) <= cutoff]
    for item in deps.syncs.pending_entries(tenant_id, runs):
        if item.updated_at > cutoff:
            continue
        if item.claimed_until is not None and item.claimed_until > now:
            continue  # a delivery is working on it
        if item.service_id not in services:
            services[item.service_id] = deps.config.get_service(tenant_id, item.service_id)
        service = services[item.service_id]
        if now - item.updated_at < timedelta(seconds=_wait_limit(item, service, deps, result.queue_idle)):
            continue
        has_payload = item.payload is not None or bool(item.payload_ref)
        attempts_left = service is not None and item.attempts < service.settings.max_attempts
        if attempts_left and has_payload:
            touched = item.model_copy(update={"updated_at": now, "claim_id": None, "claimed_until": None})
            if _settle(deps, item, touched, now):
                message = SyncMessage(
                    tenant_id=tenant_id,
                    service_id=item.service_id,
                    run_id=item.run_id,
                    sync_id=item.sync_id,
                    record=item.payload,
                    payload_ref=None if item.payload is not None else item.payload_ref,
                    attempt_offset=item.attempts,
                )
                again.append(message_body(message, deps.bucket))
                result.items_requeued += 1
            continue
        error = STRANDED if attempts_left or item.attempts == 0 else EXHAUSTED
        failed = item.model_copy(
            update={
                "status": Status.FAILED,
                "last_error": error,
                "updated_at": now,
                "claim_id": None,
                "claimed_until": None,
            }
        )
        if _settle(deps, item, failed, now):
            change = changes.setdefault(item.run_id, RunChange())
            change.totals[Status.PENDING.value] -= 1
            change.totals[Status.FAILED.value] += 1
            change.errors.append(error)
            result.items_failed += 1
            result.by_reason[error.code] += 1
            put_metric("RecordsFailed", "Count", 1, tenant=tenant_id, service=item.service_id)
    if again:
        enqueue(deps.sync_queue_url, again)
    for run_id, change in changes.items():
        deps.syncs.apply_run_change(tenant_id, run_id, change)


def _settle(deps: Deps, item: SyncItem, after: SyncItem, now: datetime) -> bool:
    """Write an entry no delivery holds: over its row as read, or (a listed record that was never
    attempted has none) as a new row, unless one appeared meanwhile."""
    if deps.syncs.settle_unowned(item, after, now):
        return True
    return item.attempts == 0 and item.claim_id is None and deps.syncs.put_if_absent(after)


def _runs(deps: Deps, now: datetime, result: ReconcileResult) -> None:
    quiet = now - timedelta(seconds=deps.grace_seconds)
    for tenant_id, run_id in deps.syncs.open_runs():
        run = deps.syncs.get_run(tenant_id, run_id)
        if run is None or run.status != RunStatus.RUNNING:
            deps.syncs.forget_open_run(tenant_id, run_id)  # expired, or closed by someone else
            result.markers_dropped += 1
            continue
        result.runs_checked += 1
        if not run.pull_done:
            if run.pull_deadline is None or now < run.pull_deadline:
                continue  # its trigger may still be pulling
            if run.updated_at is not None and run.updated_at > quiet:
                continue  # past its deadline, but a page was counted just now: still alive
            run = deps.syncs.apply_run_change(
                tenant_id, run_id, RunChange(), pull_done=True, pull_error=INTERRUPTED
            )
            result.pulls_interrupted += 1
        elif run.totals.Pending > 0 and run.updated_at is not None and run.updated_at > quiet:
            continue  # busy: its own batches will close it
        closed = deps.syncs.close_if_settled(run)
        if closed.status != RunStatus.RUNNING:
            result.runs_closed += 1

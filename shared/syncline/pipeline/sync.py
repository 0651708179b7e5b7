"""sync_item: push each record of an SQS batch and write its outcome.

Per record: claim the item (a conditional write that fails when the item is no longer Pending,
this attempt was made already, or another delivery holds it: SQS delivers at least once, and two
deliveries of one message must never both push); map it; push it through the destination
connector with the sync id as its idempotency key; classify the outcome:

- success -> OK (Sent for file/async destinations); the message is deleted.
- transient (timeout, connection, 5xx) -> stays Pending with the attempt and last error;
  the message comes back after a visibility timeout that doubles per attempt (Retry-After wins
  when longer). On the last attempt the item becomes Failed and the message goes to the DLQ.
- permanent (other 4xx, a mapping that cannot apply) -> Failed at once; the message is deleted.

While the health check says a destination is unreachable, its messages are put back with a long
delay as fresh copies that keep their attempt count (a circuit breaker): an outage delays syncs
instead of failing them. Each copy is also noted for its connector (`ConfigStore.hold_records`),
so the health check sends it again as soon as the connector is Operational (pipeline/breaker.py);
the delayed copy that arrives later finds its attempt made and is dropped.

Each attempt writes its item twice: the claim and the outcome (a put conditional on the claim).
Each run's totals are updated once per batch (one UpdateItem with the deltas); a run closes with
totals counted from its items, so a delta lost to a crash does not outlive the run.

A push is started only when the invocation has time left to finish it (its connector's
`max_push_seconds`, which every request of the push shares: `Connector.time_budget`); records it
has no time for go back to the queue as fresh copies that keep their attempt number.

Throttling is not an attempt. When the destination's rate budget (shared by every container,
`syncline.connectors.ratelimit`) has no token within the connector's in-process wait, the record
goes back before it is claimed; when the push itself is refused for the rate (the budget ran dry
meanwhile, or the system answered 429), the claim is given back with its attempt. Either way the
record returns as a fresh copy delayed by the budget's wait (plus a little jitter, so the
throttled records of a batch do not all come back at once), which keeps its attempt number and
starts a new receive count: throttling never uses up the redrive policy's receives.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from threading import RLock
from typing import Any

from syncline import aws
from syncline.connectors import Connector, ConnectorError, RateLimitedError, TransientError
from syncline.deps import Deps
from syncline.faults import crash_point
from syncline.models import ConnectorConfig, ErrorInfo, HealthStatus, Service, Status, SyncItem, utcnow
from syncline.observability import put_metric
from syncline.pipeline.fanout import claim_check, enqueue, load_record
from syncline.pipeline.messages import SyncMessage
from syncline.pipeline.retry import retry_delay
from syncline.store import RunChange
from syncline.tables import SYNC_FLUSH_SECONDS

CIRCUIT_DELAY_SECONDS = 900  # SQS's longest message delay
CIRCUIT_FRESHNESS = timedelta(minutes=15)  # trust an "unreachable" health status this long
ERROR_MESSAGE_LIMIT = 500
# Left over after the last push for the outcome writes and the batch's flush.
FLUSH_MARGIN_SECONDS = float(SYNC_FLUSH_SECONDS)
MAX_LEASE_SECONDS = 900.0  # Lambda's longest timeout


@dataclass
class Received:
    """One SQS record as the event source hands it over."""

    message_id: str
    receipt_handle: str
    receive_count: int
    body: str


@dataclass
class Outcome:
    retry: bool = False  # report as a batch item failure: the message comes back
    visibility: int | None = None  # new visibility timeout for a retried message
    to_dlq: str | None = None  # body to send to the DLQ explicitly (then the message is deleted)
    # (body, delay seconds) to re-send as a fresh copy, then delete this one: the circuit breaker,
    # and records the invocation has no time left for. The copy keeps the attempt number.
    defer: tuple[str, int] | None = None
    throttled: bool = False  # put back for the rate budget (a deferred copy), not an attempt
    # Put back by the circuit breaker: (company group, destination connector, sync id).
    held_for: tuple[str, str, str] | None = None
    run_key: tuple[str, str] | None = None
    from_status: Status | None = None
    to_status: Status | None = None
    error: ErrorInfo | None = None
    # For the metrics: the item's (tenant, service), the destination system and how long its
    # push took, and whether the message goes to the DLQ (sent here or through the redrive).
    service_key: tuple[str, str] | None = None
    push: tuple[str, float] | None = None
    dead_letter: bool = False


@dataclass
class BatchResult:
    failed_message_ids: list[str] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def _error(code: str, message: str) -> ErrorInfo:
    from syncline.connectors.redact import safe_message

    # Redacted (every live connector's secrets) before it is squashed and cut, never after.
    return ErrorInfo(code=code, message=safe_message(message, ERROR_MESSAGE_LIMIT))


class _Services:
    """Services, connector rows, connectors and compiled mappings, looked up once per batch (the
    pushes of a batch run on several threads, so filling the caches is serialised)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._lock = RLock()
        self._cache: dict[tuple[str, str, str], Any] = {}

    def _once(self, key: tuple[str, str, str], load: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = load()
            return self._cache[key]

    def service(self, tenant_id: str, service_id: str) -> Service | None:
        found: Service | None = self._once(
            ("service", tenant_id, service_id), lambda: self.deps.config.get_service(tenant_id, service_id)
        )
        return found

    def destination_row(self, service: Service) -> ConnectorConfig | None:
        tenant_id, connector_id = service.tenant_id, service.destination.connector_id
        found: ConnectorConfig | None = self._once(
            ("row", tenant_id, connector_id), lambda: self.deps.config.get_connector(tenant_id, connector_id)
        )
        return found

    def source_row(self, service: Service) -> ConnectorConfig | None:
        tenant_id, connector_id = service.tenant_id, service.source.connector_id
        found: ConnectorConfig | None = self._once(
            ("row", tenant_id, connector_id), lambda: self.deps.config.get_connector(tenant_id, connector_id)
        )
        return found

    def push_seconds(self, row: ConnectorConfig) -> float:
        return float(self.connector(row).max_push_seconds)

    def connector(self, row: ConnectorConfig) -> Connector:
        opened: Connector = self._once(
            ("connector", row.tenant_id, row.connector_id), lambda: self.deps.kept_connector(row)
        )
        return opened

    def mapping(self, service: Service) -> Any:
        def compile_() -> Any:
            from syncline.mapping import compile_mapping

            if not service.mappings and not service.payload_script:
                return compile_mapping([], None)
            lookups = self.deps.config.lookups(service.tenant_id)
            # Dates without an offset are read in the source system's time zone.
            source = self.deps.config.get_connector(service.tenant_id, service.source.connector_id)
            timezone = source.timezone if source else "UTC"
            return compile_mapping(
                service.mappings, service.payload_script, lookups=lookups, timezone=timezone
            )

        return self._once(("mapping", service.tenant_id, service.service_id), compile_)


def _forever() -> float:
    return math.inf


def process_batch(
    deps: Deps, records: list[Received], time_left: Callable[[], float] = _forever
) -> BatchResult:
    """Push a batch; `time_left` is the invocation's remaining time in seconds.

    A push starts only while there is time to finish it: its connector's worst case
    (`max_push_seconds`, the refetch's too) and the flush. The function's timeout leaves room for
    the slowest one (`syncline.tables.SYNC_ITEM_TIMEOUT_SECONDS`); the records a batch has no time
    left for go back to the queue unclaimed, as fresh copies keeping their attempt number."""

    def push_deadline_ok(push_seconds: float) -> bool:
        return time_left() >= push_seconds + FLUSH_MARGIN_SECONDS

    result = BatchResult()
    parsed: dict[str, SyncMessage] = {}
    seen: set[tuple[str, str]] = set()
    for record in records:
        try:
            message = SyncMessage.model_validate_json(record.body)
        except ValueError:
            # Not ours to understand: let the redrive policy move it to the DLQ.
            result.outcomes[record.message_id] = Outcome(retry=True, visibility=0)
            continue
        key = (message.tenant_id, message.sync_id)
        if key in seen:  # two copies of one message in one batch: the first one does the work
            result.outcomes[record.message_id] = Outcome()
            continue
        seen.add(key)
        parsed[record.message_id] = message

    services = _Services(deps)
    work = [r for r in records if r.message_id in parsed]
    concurrency = max((_concurrency(services, m) for m in parsed.values()), default=1)

    def one(record: Received) -> tuple[str, Outcome]:
        message = parsed[record.message_id]
        return record.message_id, _process_one(deps, services, record, message, time_left, push_deadline_ok)

    if len(work) > 1 and concurrency > 1:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(work))) as pool:
            result.outcomes.update(pool.map(one, work))
    else:
        result.outcomes.update(map(one, work))

    crash_point("sync_item.before_flush")
    _flush(deps, records, result)
    return result


def _concurrency(services: _Services, message: SyncMessage) -> int:
    """Pushes in flight: the service's setting, but no more than the destination lets through at
    once (a push waiting for a connection slot could not be timed against the deadline)."""
    service = services.service(message.tenant_id, message.service_id)
    if service is None:
        return 1
    row = services.destination_row(service)
    limit = getattr(services.connector(row), "max_concurrency", None) if row else None
    return min(service.settings.concurrency, int(limit or service.settings.concurrency))


def _fresh_copy(message: SyncMessage, attempt: int, delay: int, throttled: bool = False) -> Outcome:
    """Put the record back as a new message that will make the same attempt again."""
    copy = message.model_copy(update={"attempt_offset": attempt - 1})
    return Outcome(defer=(copy.model_dump_json(exclude_none=True), delay), throttled=throttled)


def throttle_delay(wait: float | None) -> int:
    """The delay of a throttled record's copy: the budget's wait, rounded up, at least a second,
    plus up to a quarter of it again as jitter; at most SQS's longest message delay."""
    seconds = max(1.0, wait or 1.0)
    return min(CIRCUIT_DELAY_SECONDS, math.ceil(seconds + random.uniform(0, seconds / 4)))


def _throttled(
    deps: Deps, message: SyncMessage, item: SyncItem, previous: SyncItem, attempt: int, wait: float | None
) -> Outcome:
    """The push was refused for the rate: give the claim back with its attempt, and re-queue."""
    if not deps.syncs.release(item, previous.attempts):
        return Outcome()  # the claim was taken over meanwhile: that delivery owns the record
    return _fresh_copy(message, attempt, throttle_delay(wait), throttled=True)


def _process_one(
    deps: Deps,
    services: _Services,
    record: Received,
    message: SyncMessage,
    time_left: Callable[[], float],
    can_start: Callable[[float], bool],
) -> Outcome:
    attempt = message.attempt_offset + record.receive_count
    service = services.service(message.tenant_id, message.service_id)
    row = services.destination_row(service) if service else None
    if row is not None:
        if _circuit_open(row):
            copy = _fresh_copy(message, attempt, CIRCUIT_DELAY_SECONDS)
            copy.held_for = (row.tenant_id, row.connector_id, message.sync_id)  # sent on recovery
            return copy
        seconds = services.push_seconds(row)
        source = services.source_row(service) if service and message.refetch else None
        if source is not None:
            seconds += services.push_seconds(source)  # the refetch comes first
        if not can_start(seconds):
            return _fresh_copy(message, attempt, 0)  # no time to finish: not an attempt
        wait = services.connector(row).throttled_for()
        if wait is not None:  # the rate budget has no token soon enough: not an attempt either
            return _fresh_copy(message, attempt, throttle_delay(wait), throttled=True)

    # The claim holds while this invocation can live; a crashed one's claim runs out by itself.
    now = utcnow()
    lease = min(time_left(), MAX_LEASE_SECONDS)
    claim = deps.syncs.claim(
        message.tenant_id,
        message.sync_id,
        attempt=attempt,
        token=uuid.uuid4().hex,
        until=now + timedelta(seconds=lease),
        now=now,
        fresh=message.fresh_item(),
    )
    if not claim.claimed:
        held = claim.item
        if held and held.status == Status.PENDING and held.claimed_until and held.claimed_until > now:
            # Another delivery is pushing it right now: look again once its claim has run out.
            wait = math.ceil((held.claimed_until - now).total_seconds()) + 1
            return Outcome(retry=True, visibility=wait)
        return Outcome()  # gone, settled, or this attempt was made already: never pushed again
    item = claim.item
    assert item is not None and claim.previous is not None
    # The attempt before this one claimed the item and never recorded an outcome (it died), or
    # ended without an answer: the destination may already have the record.
    ambiguous = bool(claim.previous.claim_id) or claim.previous.ambiguous
    if service is None or row is None:
        missing = "service" if service is None else "destination connector"
        return _settle(
            deps, item, attempt, Status.FAILED, _error("configuration", f"{missing} no longer exists")
        )

    if message.refetch:
        source = services.source_row(service)
        if source is None:
            error = _error("configuration", "source connector no longer exists")
            return _settle(deps, item, attempt, Status.FAILED, error, message=message)
        try:
            refetched = _refetch(services.connector(source), service, item)
        except RateLimitedError as exc:
            return _throttled(deps, message, item, claim.previous, attempt, exc.retry_after)
        except TransientError as exc:
            error = _error(exc.code, f"refetch: {exc.message}")
            return _retry_or_fail(deps, record, message, item, service, attempt, exc, error, ambiguous)
        except ConnectorError as exc:
            error = _error(exc.code, f"refetch: {exc.message}")
            return _settle(deps, item, attempt, Status.FAILED, error, message=message)
        except Exception as exc:  # an unexpected fault in a connector: retried like a transient one
            error = _error("internal_error", f"refetch: {type(exc).__name__}: {exc}")
            return _retry_or_fail(deps, record, message, item, service, attempt, None, error, ambiguous)
        if refetched is None:
            missing = f"the source no longer has {item.source_entity} {item.source_id!r}"
            return _settle(
                deps, item, attempt, Status.FAILED, _error("source_not_found", missing), message=message
            )
        # What is pushed now is what the row keeps should this attempt fail.
        message = claim_check(
            message.model_copy(update={"record": refetched, "payload_ref": None}), deps.bucket
        )
    source_record = load_record(message, deps.bucket)
    try:
        outgoing = services.mapping(service).apply(source_record)
    except Exception as exc:  # a mapping that cannot apply to this record is permanent
        return _settle(deps, item, attempt, Status.FAILED, _error("mapping_error", str(exc)), message=message)

    crash_point("sync_item.before_push")
    connector = services.connector(row)
    started = time.monotonic()
    took = [0.0]

    def timed(outcome: Outcome) -> Outcome:
        outcome.push = (row.system, took[0])
        return outcome

    try:
        try:
            with connector.time_budget(connector.max_push_seconds):  # every request of the push
                pushed = connector.push(
                    service.destination.entity, outgoing, idempotency_key=item.sync_id, ambiguous=ambiguous
                )
        finally:
            took[0] = (time.monotonic() - started) * 1000
    except RateLimitedError as exc:  # refused for the rate (before sending, or a 429): not an attempt
        return _throttled(deps, message, item, claim.previous, attempt, exc.retry_after)
    except TransientError as exc:
        unanswered = exc.status_code is None  # a timeout or a broken connection, not a refusal
        error = _error(exc.code, exc.message)
        return timed(_retry_or_fail(deps, record, message, item, service, attempt, exc, error, unanswered))
    except ConnectorError as exc:  # permanent: a 4xx retrying cannot fix, or failed authentication
        error = _error(exc.code, exc.message)
        return timed(_settle(deps, item, attempt, Status.FAILED, error, message=message))
    except Exception as exc:  # an unexpected fault in a connector: retried like a transient one
        error = _error("internal_error", f"{type(exc).__name__}: {exc}")
        return timed(_retry_or_fail(deps, record, message, item, service, attempt, None, error, True))
    crash_point("sync_item.after_push")

    status = Status.SENT if (pushed.status == "Sent" or connector.asynchronous) else Status.OK
    return timed(_settle(deps, item, attempt, status, None, endpoint_id=pushed.endpoint_id, message=message))


def _refetch(source: Connector, service: Service, item: SyncItem) -> dict[str, Any] | None:
    """The record as the source has it now (None: it no longer has it)."""
    with source.time_budget(source.max_push_seconds):
        fetched = source.fetch_one(service.source.entity, item.source_id)
    return fetched.data if fetched is not None else None


def _retry_or_fail(
    deps: Deps,
    record: Received,
    message: SyncMessage,
    item: SyncItem,
    service: Service,
    attempt: int,
    exc: TransientError | None,
    error: ErrorInfo,
    ambiguous: bool,
) -> Outcome:
    """A transient failure: Pending and back on the queue later, or Failed on the last attempt."""
    if attempt >= min(service.settings.max_attempts, _final_attempt(message, deps)):
        outcome = _settle(deps, item, attempt, Status.FAILED, error, ambiguous=ambiguous, message=message)
        if outcome.to_status is Status.FAILED:
            outcome.dead_letter = True
            if record.receive_count >= deps.queue_max_receive_count:
                outcome.retry, outcome.visibility = True, 0  # the redrive policy moves it to the DLQ
            else:
                outcome.to_dlq = record.body  # the service allows fewer attempts than the queue
        return outcome
    outcome = _settle(deps, item, attempt, Status.PENDING, error, ambiguous=ambiguous, message=message)
    if outcome.to_status is Status.PENDING:
        settings = service.settings
        outcome.retry = True
        outcome.visibility = retry_delay(
            attempt, settings.retry_base_seconds, settings.retry_max_seconds, exc.retry_after if exc else None
        )
    return outcome


def _final_attempt(message: SyncMessage, deps: Deps) -> int:
    """The last attempt this copy of the message can make before the queue gives up on it."""
    return message.attempt_offset + deps.queue_max_receive_count


def _circuit_open(row: ConnectorConfig) -> bool:
    return (
        row.health_status == HealthStatus.UNREACHABLE
        and row.health_checked_at is not None
        and utcnow() - row.health_checked_at < CIRCUIT_FRESHNESS
    )


def _settle(
    deps: Deps,
    item: SyncItem,
    attempt: int,
    status: Status,
    error: ErrorInfo | None,
    endpoint_id: str | None = None,
    ambiguous: bool = False,
    message: SyncMessage | None = None,
) -> Outcome:
    """Write the outcome of the attempt `item` was claimed for (conditional on that claim).

    A record that did not make it keeps its payload on the row (`message`'s record or S3 key):
    that is what a resync sends again. So does a Sent one, until its destination confirms it (a
    rejected file is resent from it). Records that went OK do not: the common path writes small
    rows."""
    done = status == Status.OK
    payload, payload_ref = (
        (message.record, message.payload_ref) if message else (item.payload, item.payload_ref)
    )
    after = item.model_copy(
        update={
            "status": status,
            "attempts": attempt,
            "last_error": error,
            "endpoint_id": endpoint_id or item.endpoint_id,
            "updated_at": utcnow(),
            "payload": None if done else payload,
            "payload_ref": None if done else payload_ref,
            "ambiguous": ambiguous,
        }
    )
    if not deps.syncs.record_attempt(item, after):
        return Outcome()  # the claim was taken over meanwhile: nothing to count
    crash_point("sync_item.after_item_write")
    return Outcome(
        run_key=(item.tenant_id, item.run_id),
        from_status=item.status,
        to_status=status,
        error=error,
        service_key=(item.tenant_id, item.service_id),
    )


def _flush(deps: Deps, records: list[Received], result: BatchResult) -> None:
    """Batch the side effects: DLQ sends, fresh copies, visibility changes, run totals."""
    by_id = {r.message_id: r for r in records}
    to_dlq = [o.to_dlq for o in result.outcomes.values() if o.to_dlq]
    if to_dlq:
        enqueue(deps.sync_dlq_url, to_dlq)
    copies: dict[int, list[str]] = {}
    holds: dict[tuple[str, str], dict[str, str]] = {}
    for outcome in result.outcomes.values():
        if outcome.defer:
            copies.setdefault(outcome.defer[1], []).append(outcome.defer[0])
            if outcome.held_for:
                tenant_id, connector_id, sync_id = outcome.held_for
                holds.setdefault((tenant_id, connector_id), {})[sync_id] = outcome.defer[0]
    until = utcnow() + timedelta(seconds=CIRCUIT_DELAY_SECONDS)
    for (tenant_id, connector_id), held in holds.items():
        deps.config.hold_records(tenant_id, connector_id, held, until)
    for delay, bodies in copies.items():
        enqueue(deps.sync_queue_url, bodies, delay_seconds=delay)

    changes: dict[tuple[str, str], RunChange] = {}
    for outcome in result.outcomes.values():
        if outcome.run_key is None or outcome.to_status is None or outcome.from_status == outcome.to_status:
            continue
        change = changes.setdefault(outcome.run_key, RunChange())
        change.totals[outcome.from_status.value if outcome.from_status else Status.PENDING.value] -= 1
        change.totals[outcome.to_status.value] += 1
        if outcome.to_status in (Status.OK, Status.SENT):
            change.pushed += 1
        if outcome.error and outcome.to_status is Status.FAILED:
            change.errors.append(outcome.error)
    for (tenant_id, run_id), change in changes.items():
        deps.syncs.apply_run_change(tenant_id, run_id, change)

    retries = [(mid, o) for mid, o in result.outcomes.items() if o.retry]
    entries = [
        {"Id": str(n), "ReceiptHandle": by_id[mid].receipt_handle, "VisibilityTimeout": o.visibility or 0}
        for n, (mid, o) in enumerate(retries)
        if mid in by_id and by_id[mid].receipt_handle
    ]
    sqs = aws.client("sqs") if entries else None
    for start in range(0, len(entries), 10):
        assert sqs is not None
        # An entry can fail when its message was received again meanwhile (a visibility timeout
        # shorter than the batch): the newer delivery owns it now, so that is not an error here.
        sqs.change_message_visibility_batch(QueueUrl=deps.sync_queue_url, Entries=entries[start : start + 10])
    result.failed_message_ids = [mid for mid, _ in retries]
    _metrics(result)


# What each outcome counts as, per service: records that went through, records that failed for
# good (at once or on their last attempt), and records whose message goes to the DLQ.
def _metrics(result: BatchResult) -> None:
    for outcome in result.outcomes.values():
        if outcome.push is not None:
            system, milliseconds = outcome.push
            put_metric("PushLatency", "Milliseconds", milliseconds, system=system)
        if outcome.service_key is None or outcome.from_status == outcome.to_status:
            continue
        tenant_id, service_id = outcome.service_key
        dimensions = {"tenant": tenant_id, "service": service_id}
        if outcome.to_status in (Status.OK, Status.SENT):
            put_metric("RecordsPushed", "Count", 1, **dimensions)
        elif outcome.to_status is Status.FAILED:
            put_metric("RecordsFailed", "Count", 1, **dimensions)
        if outcome.dead_letter:
            put_metric("DlqSends", "Count", 1, **dimensions)


def received_from_event(event: Mapping[str, Any]) -> list[Received]:
    return [
        Received(
            message_id=r["messageId"],
            receipt_handle=r.get("receiptHandle", ""),
            receive_count=int(r.get("attributes", {}).get("ApproximateReceiveCount", "1")),
            body=r["body"],
        )
        for r in event.get("Records", [])
    ]

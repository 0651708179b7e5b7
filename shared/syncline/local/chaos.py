"""The chaos harness: the local stack under every fault Lambda and SQS can produce, then a count
of what went wrong.

Faults: transient (503) and permanent (422) destination failures, records that always fail,
responses slower than the client waits (the warehouse keeps the order, the client sees a
timeout), duplicate deliveries (copies of received messages put back on the queue), sync_item
killed at each of its steps (after the claim, after the push, after the item write, before the
batch's flush), the trigger killed after writing rows, part-way through queueing and before the
cursor moves (and retried, as Lambda retries a failed asynchronous invocation), and a sync queue
visibility timeout shorter than a slow batch (a message is delivered again while the first
delivery still works on it).

When the queues are empty and the reconciler has had its turn, the stored rows and the
warehouse's own request log are compared with the shop's records. Each count must be 0:
`lost` (a record with no report row), `stuck Pending`, `double pushes` (orders the warehouse
created twice), `OK but not received`, `runs with totals mismatched` (totals against the count of
the run's items by status) and `runs not closed`.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from syncline import aws, faults, wiring
from syncline.local.driver import EventSource, wait_until
from syncline.local.stack import SERVICE, TENANT, LocalStack, StackOptions, local_stack
from syncline.models import Run, RunStatus, Status, SyncItem

SYNC_POINTS = (
    "sync_item.before_push",
    "sync_item.after_push",
    "sync_item.after_item_write",
    "sync_item.before_flush",
)
TRIGGER_POINTS = ("trigger.after_rows", "trigger.mid_enqueue", "trigger.before_cursor")
MUST_BE_ZERO = (
    "lost",
    "stuck Pending",
    "double pushes",
    "OK but not received",
    "runs with totals mismatched",
    "runs not closed",
)


@dataclass
class ChaosOptions:
    records: int = 20_000
    seed: int = 1
    transient: float = 0.3  # share of pushes answered 503
    permanent: bool = True  # orders whose id ends in 7 are refused with 422
    always_failing: int = 40  # records answered 503 on every attempt
    slow: float = 0.02  # share of pushes accepted only after the client has timed out
    duplicates: float = 0.1  # share of received messages delivered a second time
    sync_crashes: float = 0.03  # share of sync_item invocations killed at one of its steps
    trigger_crashes: tuple[str, ...] = TRIGGER_POINTS  # each kills the trigger once, then it is retried
    visibility_seconds: int = 4  # the sync queue's visibility timeout (shorter than a slow batch)
    crash_every_step: bool = False  # also kill sync_item once at each of its steps, whatever the odds
    page_size: int = 100
    concurrency: int = 8  # sync_item invocations at once
    timeout_seconds: float = 3600.0


@dataclass
class ChaosReport:
    options: ChaosOptions
    counts: dict[str, int] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    runs: int = 0
    elapsed: float = 0.0
    reconcile_passes: int = 0
    details: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(self.counts.get(name, 0) == 0 for name in MUST_BE_ZERO)


class _Injector:
    """Decides where to crash. sync_item: each invocation dies with probability `sync_crashes`,
    spread over its four steps (a per-record step fires on one record in ten). trigger: each named
    point fires once, on a random page."""

    def __init__(self, options: ChaosOptions, rng: random.Random) -> None:
        self.rng = rng
        self.lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        per_point = options.sync_crashes / len(SYNC_POINTS)
        self.sync_rate = dict.fromkeys(SYNC_POINTS, per_point / 10)
        self.sync_rate["sync_item.before_flush"] = per_point
        pages = max(1, options.records // options.page_size)
        self.trigger_at = {p: rng.randint(1, pages) for p in options.trigger_crashes}
        self.trigger_at.pop("trigger.before_cursor", None)
        self.trigger_at.update({p: 1 for p in options.trigger_crashes if p == "trigger.before_cursor"})
        self.hits: Counter[str] = Counter()
        self.every_step = options.crash_every_step

    def __call__(self, point: str) -> bool:
        with self.lock:
            if point in self.sync_rate:
                first = self.every_step and not self.injected[point]
                crash = first or self.rng.random() < self.sync_rate[point]
            elif point in self.trigger_at:
                self.hits[point] += 1
                crash = self.hits[point] == self.trigger_at[point]
                if crash:
                    del self.trigger_at[point]  # once: the retried trigger must get through
            else:
                crash = False
            if crash:
                self.injected[point] += 1
            return crash


class _DuplicatingSource(EventSource):
    """The sync event source, delivering a share of messages twice (as SQS may): on a message's
    first receive, a copy of it is put back on the queue."""

    rate: float = 0.0
    rng: random.Random = random.Random(0)
    duplicated: int = 0

    def _deliver(self, sqs: Any, messages: list[dict[str, Any]]) -> None:
        copies = [
            m["Body"]
            for m in messages
            if m.get("Attributes", {}).get("ApproximateReceiveCount") == "1" and self.rng.random() < self.rate
        ]
        if copies:
            with aws.unobserved():
                for start in range(0, len(copies), 10):
                    sqs.send_message_batch(
                        QueueUrl=self.queue_url,
                        Entries=[
                            {"Id": str(n), "MessageBody": body}
                            for n, body in enumerate(copies[start : start + 10])
                        ],
                    )
            self.duplicated += len(copies)
        super()._deliver(sqs, messages)


def _stack_options(options: ChaosOptions) -> StackOptions:
    picked = random.Random(options.seed).sample(
        range(options.records), min(options.always_failing, options.records)
    )
    return StackOptions(
        records=options.records,
        fail_rate=options.transient,
        permanent_failures=options.permanent,
        always_down={str(1000 + n) for n in picked},
        retry_base_seconds=0,
        retry_max_seconds=1,
        page_size=options.page_size,
        sync_concurrency=options.concurrency,
        shop_rate_limit=10_000.0,
        slow_rate=options.slow,
        slow_seconds=1.5,
        push_timeout_seconds=0.5,
        reconcile_every=5.0,
        sync_visibility_seconds=options.visibility_seconds,
        env={"SYNCLINE_RECONCILE_GRACE_SECONDS": "10", "SYNCLINE_TRIGGER_TIMEOUT_SECONDS": "15"},
    )


def run_chaos(options: ChaosOptions, progress: Any = None) -> ChaosReport:
    rng = random.Random(options.seed)
    report = ChaosReport(options=options)
    injector = _Injector(options, rng)
    started = time.monotonic()
    with local_stack(_stack_options(options)) as stack, faults.injected(injector):
        source = stack.driver.sync
        source.__class__ = _DuplicatingSource
        assert isinstance(source, _DuplicatingSource)
        source.rate, source.rng = options.duplicates, random.Random(options.seed + 1)
        source.timeout_seconds = 30.0  # the function timeout: a crashed claim runs out this long after it
        _fire_until_done(stack)
        report.reconcile_passes = _settle(stack, options, started, progress)
        report.elapsed = time.monotonic() - started
        report.injected = Counter(injector.injected)
        report.injected["duplicate deliveries"] = source.duplicated
        report.injected["slow responses"] = stack.warehouse.slow_answers
        _check(stack, report)
    return report


def _fire_until_done(stack: LocalStack, tries: int = 10) -> None:
    """Fire the service; a killed trigger is invoked again, as Lambda retries an async invocation."""
    for _ in range(tries):
        try:
            stack.fire()
            return
        except faults.InjectedCrash:
            continue
    raise RuntimeError(f"the trigger did not get through in {tries} tries")


def _pending_rows() -> int:
    with aws.unobserved():
        syncs = wiring.sync_store()
        return sum(1 for _ in syncs.pending_entries(TENANT))


def _runs() -> list[Run]:
    """The service's runs, newest first (up to 1,000), through the report's runs query."""
    from syncline.reports import RunsQuery, list_runs

    with aws.unobserved():
        return list_runs(wiring.deps(), TENANT, RunsQuery(service_id=SERVICE), limit=1000).runs


def _settle(stack: LocalStack, options: ChaosOptions, started: float, progress: Any) -> int:
    """Wait for the queues to drain and the reconciler to close every run."""
    passes = 0

    def settled() -> bool:
        nonlocal passes
        depths = stack.driver.queue_depths()
        if depths["sync"] or depths["trigger"]:
            if progress:
                progress(f"queue {depths['sync']} messages")
            return False
        with aws.unobserved():
            stack.driver.reconcile()
        passes += 1
        open_runs = [r for r in _runs() if r.status == RunStatus.RUNNING]
        pending = _pending_rows()
        if progress:
            progress(f"queue empty; {pending} Pending rows, {len(open_runs)} runs open")
        return not open_runs and pending == 0

    left = options.timeout_seconds - (time.monotonic() - started)
    wait_until(settled, timeout=max(1.0, left), interval=2.0)
    return passes


def _check(stack: LocalStack, report: ChaosReport) -> None:
    runs = _runs()
    report.runs = len(runs)
    items: list[SyncItem] = []
    mismatched: list[str] = []
    with aws.unobserved():
        syncs = wiring.sync_store()
        for run in runs:
            own = list(syncs.run_entries(run, consistent=True))
            items += own
            counted = Counter(i.status.value for i in own)
            if {s.value: counted[s.value] for s in Status} != run.totals.model_dump():
                mismatched.append(f"{run.run_id}: totals {run.totals.model_dump()} items {dict(counted)}")
    by_source: dict[str, list[SyncItem]] = {}
    for item in items:
        by_source.setdefault(item.source_id, []).append(item)
    source_ids = [str(order["id"]) for order in stack.shop.orders]
    accepted = stack.warehouse.accepted_when_idle()
    lost = [s for s in source_ids if s not in by_source]
    stuck = [i.sync_id for i in items if i.status == Status.PENDING]
    doubles = [f"{order_id} x{n}" for order_id, n in accepted.items() if n > 1]
    ok_missing = [i.source_id for i in items if i.status == Status.OK and not accepted[i.source_id]]
    not_closed = [r.run_id for r in runs if r.status == RunStatus.RUNNING]
    report.statuses = Counter(i.status.value for i in items)
    report.counts = {
        "lost": len(lost),
        "stuck Pending": len(stuck),
        "double pushes": sum(n - 1 for n in accepted.values() if n > 1),
        "OK but not received": len(ok_missing),
        "runs with totals mismatched": len(mismatched),
        "runs not closed": len(not_closed),
        "rows per record above one": sum(len(v) - 1 for v in by_source.values()),
        "Failed but received": sum(1 for i in items if i.status == Status.FAILED and accepted[i.source_id]),
    }
    report.details = {
        "lost": lost[:10],
        "stuck Pending": stuck[:10],
        "double pushes": doubles[:10],
        "OK but not received": ok_missing[:10],
        "runs with totals mismatched": mismatched[:10],
        "runs not closed": not_closed[:10],
    }

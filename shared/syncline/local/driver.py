"""Plays the parts AWS would play: the SQS event source mappings and the schedules.

Each poller receives up to `batch_size` messages, hands them to the function as an SQS event,
deletes the ones the function did not report as failures (ReportBatchItemFailures), and leaves
the failed ones to come back after their visibility timeout; the queue's redrive policy then
moves exhausted ones to the dead-letter queue, exactly as on AWS.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from syncline import aws
from syncline.faults import InjectedCrash
from syncline.local.lambdas import invoke
from syncline.models import iso
from syncline.tables import (
    ALERTS_TIMEOUT_SECONDS,
    HEALTH_BATCH_SIZE,
    HEALTH_TIMEOUT_SECONDS,
    RECONCILE_TIMEOUT_SECONDS,
    SYNC_ITEM_TIMEOUT_SECONDS,
    TRIGGER_TIMEOUT_SECONDS,
)


@dataclass
class PollerStats:
    batches: int = 0
    records: int = 0
    failures_reported: int = 0
    errors: int = 0
    last_error: str | None = None


@dataclass
class EventSource:
    """One SQS event source mapping: queue -> function."""

    queue_url: str
    function: str
    batch_size: int = 10
    timeout_seconds: float = SYNC_ITEM_TIMEOUT_SECONDS
    wait_seconds: int = 1
    stats: PollerStats = field(default_factory=PollerStats)

    def queue_arn(self) -> str:
        name = self.queue_url.rsplit("/", 1)[-1]
        return f"arn:aws:sqs:us-east-1:000000000000:{name}"

    def poll_once(self) -> int:
        sqs = aws.client("sqs")
        request = {
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": self.batch_size,
            "WaitTimeSeconds": self.wait_seconds,
            "MessageSystemAttributeNames": ["All"],
        }
        # Empty polls depend on how long the stack idles, not on the work: count only the
        # receives that returned messages (Lambda's pollers long-poll the same way).
        with aws.unobserved():
            got = sqs.receive_message(**request)
        messages = got.get("Messages", [])
        if not messages:
            return 0
        aws.notify("sqs", "ReceiveMessage", request)
        self._deliver(sqs, messages)
        return len(messages)

    def _deliver(self, sqs: Any, messages: list[dict[str, Any]]) -> None:
        event = {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": m.get("MD5OfBody", ""),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.queue_arn(),
                    "awsRegion": "us-east-1",
                }
                for m in messages
            ]
        }
        self.stats.batches += 1
        self.stats.records += len(messages)
        try:
            response = invoke(self.function, event, timeout_seconds=self.timeout_seconds) or {}
        except (Exception, InjectedCrash):  # the invocation failed: every message comes back later
            self.stats.errors += 1
            self.stats.last_error = traceback.format_exc(limit=5)
            return
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        self.stats.failures_reported += len(failed)
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(done[start : start + 10])
                ],
            )


class Driver:
    """Runs event source pollers on threads until stopped: side by side, as Lambda runs a queue's
    function up to its event source's maximum concurrency (`sync_concurrency` sync_item batches,
    `trigger_concurrency` continuations and manual runs, one health batch at a time)."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        sync_concurrency: int = 4,
        trigger_concurrency: int = 2,
        reconcile_every: float | None = None,
        health_every: float | None = None,
        alerts_every: float | None = None,
    ) -> None:
        from syncline.settings import ENV

        self.sync = EventSource(queue_url=env[ENV["sync_queue_url"]], function="sync_item")
        self.trigger = EventSource(
            queue_url=env[ENV["trigger_queue_url"]],
            function="trigger",
            batch_size=1,
            timeout_seconds=TRIGGER_TIMEOUT_SECONDS,
        )
        self.health_checks = EventSource(
            queue_url=env[ENV["health_queue_url"]],
            function="health",
            batch_size=HEALTH_BATCH_SIZE,
            timeout_seconds=HEALTH_TIMEOUT_SECONDS,
        )
        self.sync_concurrency = sync_concurrency
        self.trigger_concurrency = trigger_concurrency
        self.reconcile_every = reconcile_every
        self.reconcile_errors = 0
        self.health_every = health_every
        self.health_errors = 0
        self.alerts_every = alerts_every
        self.alerts_errors = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the pollers (again, after stop(): a paused stack resumes)."""
        self._stop.clear()
        sources = (
            [self.trigger] * self.trigger_concurrency
            + [self.health_checks]
            + [self.sync] * self.sync_concurrency
        )
        for n, source in enumerate(sources):
            thread = threading.Thread(
                target=self._loop, args=(source,), name=f"poller-{source.function}-{n}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        for every, target, name in (
            (self.reconcile_every, self._reconcile_loop, "schedule-reconcile"),
            (self.health_every, self._health_loop, "schedule-health"),
            (self.alerts_every, self._alerts_loop, "schedule-alerts"),
        ):
            if every:
                thread = threading.Thread(target=target, name=name, daemon=True)
                thread.start()
                self._threads.append(thread)

    def _reconcile_loop(self) -> None:
        assert self.reconcile_every
        while not self._stop.wait(self.reconcile_every):
            try:
                self.reconcile()
            except Exception:
                self.reconcile_errors += 1

    def _health_loop(self) -> None:
        """The health check's fixed-rate rule: once at start (as a deployed stack has checked by
        the time anyone looks), then every `health_every` seconds."""
        assert self.health_every
        while True:
            try:
                self.health()
            except Exception:
                self.health_errors += 1
            if self._stop.wait(self.health_every):
                return

    def _alerts_loop(self) -> None:
        assert self.alerts_every
        while not self._stop.wait(self.alerts_every):
            try:
                self.alerts()
            except Exception:
                self.alerts_errors += 1

    def _loop(self, source: EventSource) -> None:
        while not self._stop.is_set():
            try:
                source.poll_once()
            except (Exception, InjectedCrash):
                source.stats.errors += 1
                source.stats.last_error = traceback.format_exc(limit=5)
                self._stop.wait(0.5)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()

    def fire(
        self, tenant_id: str, service_id: str, trigger: str = "schedule", **extra: Any
    ) -> dict[str, Any]:
        """What an EventBridge Scheduler schedule does: invoke trigger with the service's input."""
        event = {"tenant_id": tenant_id, "service_id": service_id, "trigger": trigger, **extra}
        result: dict[str, Any] = invoke("trigger", event, timeout_seconds=TRIGGER_TIMEOUT_SECONDS)
        return result

    def health(self) -> dict[str, Any]:
        """What the health check's rule does (a message per connector on the health queue), then
        what its event source does until the queue is empty: every connector checked and recorded."""
        result: dict[str, Any] = invoke("health", {}, timeout_seconds=HEALTH_TIMEOUT_SECONDS)
        while self.health_checks.poll_once():
            pass
        wait_until(lambda: self.queue_depths()["health"] == 0, timeout=HEALTH_TIMEOUT_SECONDS)
        return result

    def reconcile(self) -> dict[str, Any]:
        """What the reconcile schedule does: one pass of the reconciler."""
        result: dict[str, Any] = invoke("reconcile", {}, timeout_seconds=RECONCILE_TIMEOUT_SECONDS)
        return result

    def alerts(self, at: datetime | None = None) -> dict[str, Any]:
        """What the alerts rule does: one tick (`at`: the scheduled event's time, default now)."""
        event = {"time": iso(at)} if at is not None else {}
        result: dict[str, Any] = invoke("alerts", event, timeout_seconds=ALERTS_TIMEOUT_SECONDS)
        return result

    def queue_depths(self) -> dict[str, int]:
        sqs = aws.client("sqs")
        depths = {}
        for name, source in (("sync", self.sync), ("trigger", self.trigger), ("health", self.health_checks)):
            attrs = sqs.get_queue_attributes(
                QueueUrl=source.queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            depths[name] = int(attrs["ApproximateNumberOfMessages"]) + int(
                attrs["ApproximateNumberOfMessagesNotVisible"]
            )
        return depths


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def parse_rate(expression: str | None) -> float | None:
    """Seconds between runs for `rate(N unit)` schedules; None for anything else."""
    if not expression or not expression.startswith("rate(") or not expression.endswith(")"):
        return None
    amount, _, unit = expression[5:-1].partition(" ")
    seconds = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
    if not amount.isdigit() or unit not in seconds:
        return None
    return int(amount) * seconds[unit]

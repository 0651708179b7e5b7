"""Benchmark: N sync_item workers driving one destination at its rate limit, never over it.

A local warehouse on 127.0.0.1 enforces its own limit (a leaky bucket: `--limit` requests a
second, bursts of `--limit`, 429 + Retry-After above it). For each N (1, 4, 16), a fresh local
stack (moto server, the real trigger and sync_item code) fans out `--records` orders, and N
workers play sync_item's event source: each receives batches of ten from the sync queue and runs
`process_batch` as one Lambda container would, with a lease pool of its own (its own RateStore),
so the N workers share the destination's budget only through its token-bucket item in DynamoDB.
The connector's budget is the warehouse's documented limit: `--limit` a second, bursts of half.

Printed per N: the accepted request rate as a share of the limit, 429s received, attempts spent on
throttling (attempts beyond each record's first: the warehouse fails nothing else), worker-seconds
spent waiting for the budget inside a worker, records put back on the queue for the budget, and
the budget's DynamoDB writes per 1,000 requests. Targets: >= 90% of the limit, 0 attempts spent on
throttling, 429s < 1% of requests; a figure that misses is marked MISSES.

    .venv/bin/python bench/ratelimit.py --records 2000
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from syncline import aws, wiring
from syncline.connectors import Connector, build_connector
from syncline.connectors.ratelimit import SharedLimiter
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import ConnectorConfig, Status
from syncline.pipeline.sync import Received, process_batch
from syncline.store.rate_store import RateStore

# The EMF metric lines the functions would print on Lambda: not wanted among the figures.
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")

SYNC_ITEM_TIMEOUT = 30.0


class Calls:
    """AWS calls of the run: the budget's writes (config table) and the records put back."""

    def __init__(self, config_table: str, sync_queue: str) -> None:
        self.config_table, self.sync_queue = config_table, sync_queue
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, service: str, operation: str, params: dict[str, Any]) -> None:
        with self._lock:
            if params.get("TableName") == self.config_table and operation in ("UpdateItem", "PutItem"):
                self.counts["budget writes"] += 1
            if operation == "SendMessageBatch" and params.get("QueueUrl") == self.sync_queue:
                self.counts["sent"] += len(params.get("Entries", []))


def time_left(deadline: float) -> Callable[[], float]:
    """An invocation's remaining seconds, as the Lambda context tells sync_item."""
    return lambda: deadline - time.monotonic()


class Worker:
    """One sync_item container: its own lease pool and kept connector."""

    def __init__(self, config_table: str) -> None:
        self.store = RateStore(config_table)
        self.connectors: dict[str, Connector] = {}
        self.lock = threading.Lock()
        self.deps = dataclasses.replace(wiring.deps(), kept_connector=self.connector)

    def connector(self, row: ConnectorConfig) -> Connector:
        with self.lock:
            found = self.connectors.get(row.connector_id)
            if found is None:
                found = build_connector(
                    row.system,
                    base_url=str(row.base_url) if row.base_url else None,
                    credentials=wiring.credentials(row.credentials_secret_arn),
                    settings=row.settings,
                    timezone=row.timezone,
                    date_format=row.date_format,
                    connector_id=row.connector_id,
                    tenant_id=row.tenant_id,
                    rate_store=self.store,
                )
                self.connectors[row.connector_id] = found
            return found

    def stats(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for budget in self.store.pools.values():
            if isinstance(budget.limiter, SharedLimiter):
                st = budget.limiter.stats
                out.update(
                    {
                        "leases": st.leases,
                        "refused": st.refused,
                        "pauses": st.pauses,
                        "granted": st.granted,
                        "expired": st.expired,
                        "late": st.late,
                        "used": st.used,
                    }
                )
        return out

    def waited(self) -> float:
        return sum(
            b.limiter.stats.waited for b in self.store.pools.values() if isinstance(b.limiter, SharedLimiter)
        )

    def loop(self, queue_url: str, stop: threading.Event) -> None:
        sqs = aws.client("sqs")
        while not stop.is_set():
            got = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=1,
                MessageSystemAttributeNames=["All"],
            )
            messages = got.get("Messages", [])
            if not messages:
                continue
            records = [
                Received(
                    message_id=m["MessageId"],
                    receipt_handle=m["ReceiptHandle"],
                    receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
                    body=m["Body"],
                )
                for m in messages
            ]
            result = process_batch(self.deps, records, time_left(time.monotonic() + SYNC_ITEM_TIMEOUT))
            failed = set(result.failed_message_ids)
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)],
                )


def run(n: int, records: int, limit: float, debug: bool = False) -> dict[str, float]:
    options = StackOptions(
        records=records,
        fail_rate=0.0,
        permanent_failures=False,
        shop_rate_limit=1000.0,
        page_size=250,
        warehouse_rate_limit=limit,
        warehouse_burst=max(1, int(limit)),
        warehouse_budget={
            "requests_per_second": limit,
            "burst": max(1, int(limit / 2)),
            "max_concurrency": 4,
        },
    )
    with local_stack(options) as stack:
        stack.driver.stop()  # the workers are the event source
        env = stack.aws.env
        config_table, queue_url = env["SYNCLINE_CONFIG_TABLE"], env["SYNCLINE_SYNC_QUEUE_URL"]
        run_id = stack.fire()
        calls = Calls(config_table, queue_url)
        aws.add_observer(calls)
        workers = [Worker(config_table) for _ in range(n)]
        stop = threading.Event()
        threads = [threading.Thread(target=w.loop, args=(queue_url, stop), daemon=True) for w in workers]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + records / limit * 3 + 120
        while len(stack.warehouse.accepted) < records and time.monotonic() < deadline:
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        aws.remove_observer(calls)
        with aws.unobserved():
            items = list(wiring.sync_store().items_of_run(TENANT, SERVICE, run_id, consistent=True))
        admitted = sorted(stack.warehouse.admitted)
        totals: Counter[str] = Counter()
        for worker in workers:
            totals.update(worker.stats())
        if debug:
            print(f"    N={n}: {dict(totals)}, budget writes {calls.counts['budget writes']}")
        span = (admitted[-1] - admitted[0]) + 1 / limit if len(admitted) > 1 else float("inf")
        requests = len(admitted) + stack.warehouse.limited
        return {
            "ok": sum(1 for i in items if i.status == Status.OK),
            "share": len(admitted) / span / limit,
            "429s": stack.warehouse.limited,
            "429 share": stack.warehouse.limited / requests if requests else 0.0,
            "throttle attempts": sum(max(0, i.attempts - 1) for i in items),
            "waited": sum(w.waited() for w in workers),
            "put back": calls.counts["sent"],
            "writes per 1000": 1000 * calls.counts["budget writes"] / max(1, requests),
            "requests": requests,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000, help="orders pushed per N (default 2000)")
    parser.add_argument("--limit", type=float, default=10.0, help="the warehouse's requests/s (default 10)")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 4, 16], help="N (default 1 4 16)")
    parser.add_argument("--debug", action="store_true", help="print the lease pools' counters")
    args = parser.parse_args()

    print(
        f"{args.records} records per N; warehouse limit {args.limit:g}/s (429 above); budget {args.limit:g}/s"
    )
    header = (
        f"{'N':>3} {'OK':>6} {'rate/limit':>11} {'429s':>12} {'throttle attempts':>18}"
        f" {'wait worker-s':>14} {'put back':>9} {'budget writes/1k req':>21}"
    )
    print(header)
    for n in args.workers:
        r = run(n, args.records, args.limit, args.debug)
        share = f"{100 * r['share']:.1f}%" + (" MISSES" if r["share"] < 0.9 else "")
        limited = f"{int(r['429s'])} ({100 * r['429 share']:.2f}%)" + (
            " MISSES" if r["429 share"] >= 0.01 else ""
        )
        attempts = f"{int(r['throttle attempts'])}" + (" MISSES" if r["throttle attempts"] else "")
        print(
            f"{n:>3} {int(r['ok']):>6} {share:>11} {limited:>12} {attempts:>18}"
            f" {r['waited']:>14.1f} {int(r['put back']):>9} {r['writes per 1000']:>21.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()

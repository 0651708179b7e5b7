"""Benchmark: N records through the local stack (moto, the real handlers, demo shop and warehouse).

Prints records/s, AWS requests per 1,000 records by operation, DynamoDB write units per record
(metered by the store with DynamoDB's sizing rules; moto's capacity figures are fake) for a
record that goes OK first try, after one retry, and that fails after every attempt, and the
estimated AWS cost per million records at list prices, next to the feature-complete floor (batched
SQS, the report row's claim and outcome writes and its two index entries, a share of one
invocation per record).

    .venv/bin/python bench/pipeline.py --records 10000
"""

from __future__ import annotations

import argparse
import os
import time

from syncline.local.stack import StackOptions, local_stack
from syncline.models import Run
from syncline.store import METER
from syncline.tables import SYNC_ITEM_MEMORY_MB, TRIGGER_MEMORY_MB

# The EMF metric lines the functions would print on Lambda: not wanted among the figures.
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
# Nor the functions' log lines (the lifecycle runs' retries warn many times): errors only.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")

# us-east-1 list prices (USD), November 2026.
SQS_PER_REQUEST = 0.40 / 1e6  # standard queue, per 64 KB request
DDB_PER_WRU = 0.625 / 1e6  # on-demand write request unit
DDB_PER_RRU = 0.125 / 1e6  # on-demand read request unit
LAMBDA_PER_INVOKE = 0.20 / 1e6
LAMBDA_PER_GB_S_ARM = 0.0000133334
SECRETS_PER_CALL = 0.05 / 1e4
STORAGE_PER_GB_MONTH = 0.25  # DynamoDB standard table class
# Lambda duration is not measurable here (moto answers in microseconds, AWS in milliseconds). A
# sync_item batch of ten is modelled as ~0.3 s of waiting for the destination (ten pushes of
# ~100 ms, four at a time) plus the handler's CPU, ~80 ms on a whole core (bench/warm.py), slowed
# to the share of a vCPU its memory buys (one vCPU at 1,769 MB): 0.85 s at 256 MB. Cost grows with
# memory in this model, which is why sync_item gets the least that fits. 2 s per trigger invocation.
SYNC_WAIT_SECONDS, SYNC_CPU_SECONDS, ONE_VCPU_MB, TRIGGER_SECONDS = 0.3, 0.08, 1769, 2.0
SYNC_BATCH_SECONDS = SYNC_WAIT_SECONDS + SYNC_CPU_SECONDS * max(1.0, ONE_VCPU_MB / SYNC_ITEM_MEMORY_MB)
SYNC_GB, TRIGGER_GB = SYNC_ITEM_MEMORY_MB / 1024, TRIGGER_MEMORY_MB / 1024


# The feature-complete floor per record that goes OK first time: batched SQS (send, receive and
# delete a tenth each), the report row written once when claimed and once with its outcome plus
# one keys-only entry in each of the two indexes every entry needs (service/run and reference),
# a share of its fan-out page, a tenth of a run-row update, a tenth of one invocation.
FLOOR_WRITE_UNITS = 4.1
WRITE_TARGETS = {"OK first try": 5.0, "OK after one retry": 6.5}


def floor_parts() -> dict[str, float]:
    """The floor's cost per record, by the same parts as the measured table."""
    return {
        "SQS": 0.3 * SQS_PER_REQUEST,
        "DynamoDB writes": FLOOR_WRITE_UNITS * DDB_PER_WRU,
        "DynamoDB reads": 0.0,
        "Lambda": (LAMBDA_PER_INVOKE + SYNC_BATCH_SECONDS * SYNC_GB * LAMBDA_PER_GB_S_ARM) / 10,
        "Secrets Manager": 0.0,
    }


def storage_per_row() -> dict[str, tuple[int, int]]:
    """Item rows by status: (rows, bytes stored for them), each counted as DynamoDB bills storage:
    the row plus 100 bytes, and every index entry (its keys and projected attributes) plus 100."""
    from syncline import aws, wiring
    from syncline.store import _index_entry, item_size, unmarshal
    from syncline.tables import SYNCS

    out: dict[str, tuple[int, int]] = {}
    ddb = aws.client("dynamodb")
    with aws.unobserved():
        for page in ddb.get_paginator("scan").paginate(TableName=wiring.sync_store().name):
            for raw in page["Items"]:
                row = unmarshal(raw)
                if str(row.get("SK", "")).startswith("P#"):  # a fan-out page: its records' share
                    rows, total = out.get("page", (0, 0))
                    out["page"] = (rows + len(row["ids"]), total + item_size(row) + 100)
                    continue
                if row.get("SK") != "I":
                    continue
                size = item_size(row) + 100
                for index in SYNCS.indexes:
                    entry = _index_entry(index, row)
                    size += item_size(entry) + 100 if entry else 0
                rows, total = out.get(str(row["status"]), (0, 0))
                out[str(row["status"])] = (rows + 1, total + size)
    return out


def _units_per_record(options: StackOptions, records: int, extra: dict[str, object]) -> tuple[float, Run]:
    """Write units per record of a run where the warehouse behaves as `extra` says."""
    from dataclasses import replace

    with local_stack(replace(options, records=records, **extra)) as stack:  # type: ignore[arg-type]
        before = METER.total_write()
        run = stack.wait_for_run(stack.fire(), timeout=3600)
        units = METER.total_write() - before
    return units / max(1, run.pulled), run


def _kind(partition: str) -> str:
    """A partition key without the company group and ids: what kind of key it is."""
    where, _, key = partition.partition(" ")
    parts = key.split("#")
    return f"{where} {'#'.join(parts[1:]) if len(parts) > 1 else key}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--fail-rate", type=float, default=0.0, help="transient push failures (default 0)")
    parser.add_argument("--page-size", type=int, default=250)
    parser.add_argument(
        "--lifecycle-records",
        type=int,
        default=200,
        help="records in each of the retry and failure runs (default 200; 0 skips them)",
    )
    parser.add_argument(
        "--rate",
        type=int,
        default=3000,
        help="records/s of one service for the hot-key figures (default 3000)",
    )
    args = parser.parse_args()

    options = StackOptions(
        records=args.records,
        fail_rate=args.fail_rate,
        permanent_failures=False,
        page_size=args.page_size,
        shop_rate_limit=1000.0,
        retry_base_seconds=0,
        retry_max_seconds=1,
    )
    with local_stack(options) as stack:
        started = time.monotonic()
        run = stack.wait_for_run(stack.fire(), timeout=3600)
        elapsed = time.monotonic() - started
        calls = dict(stack.calls.calls)
        sync_batches = stack.driver.sync.stats.batches
        trigger_invocations = 1 + stack.driver.trigger.stats.batches
        stored = storage_per_row()

    n = run.pulled
    print(f"records: {n}  status: {run.status.value}  OK {run.totals.OK}  Failed {run.totals.Failed}")
    print(f"elapsed: {elapsed:.1f} s  -> {n / elapsed:.0f} records/s (local stack, 2 cores, moto)")
    print("AWS requests per 1,000 records:")
    for name, count in sorted(calls.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<36} {1000 * count / n:8.1f}")
    sqs_requests = sum(c for k, c in calls.items() if k.startswith("sqs."))
    secrets_calls = sum(c for k, c in calls.items() if k.startswith("secretsmanager."))
    print(f"  {'total':<36} {1000 * sum(calls.values()) / n:8.1f}")
    wru, rru = METER.total_write(), METER.total_read()
    print(f"DynamoDB write units per record: {wru / n:.2f}")
    for what, units in sorted(METER.write.items(), key=lambda kv: -kv[1]):
        print(f"  {what:<36} {units / n:8.2f}")
    print(f"DynamoDB read units per record: {rru / n:.2f}")
    print(
        f"Hottest partition keys at {args.rate:,} records/s of one service "
        "(write units/s; DynamoDB takes at most 1,000 per key):"
    )
    for key, units in METER.partitions.most_common(5):
        print(f"  {_kind(key):<36} {units / n * args.rate:8.0f}")
    page_rows, page_bytes = stored.pop("page", (0, 0))
    page_share = page_bytes / max(1, page_rows)
    for status, (rows, size) in sorted(stored.items()):
        per = size / rows + page_share
        print(
            f"Storage per {status} record retained (row + every index entry + its share of the fan-out "
            f"page, 100 bytes each overhead): {per:,.0f} bytes (page {page_share:.0f}); 30 days of a "
            f"million records: ${per * 1e6 / 2**30 * STORAGE_PER_GB_MONTH:.2f} a month"
        )
    print(
        "Lambda invocations per 1,000 records: "
        f"sync_item {1000 * sync_batches / n:.1f}, trigger {1000 * trigger_invocations / n:.2f}"
    )

    print("DynamoDB write units per record, by what happened to it:")
    print(f"  {'OK first try':<36} {wru / n:8.2f}   (target {WRITE_TARGETS['OK first try']})")
    if args.lifecycle_records:
        scenarios: list[tuple[str, dict[str, object]]] = [
            # two refused pushes: the attempt's request and the client's one quick retry of a 503
            ("OK after one retry", {"fail_first_pushes": 2}),
            ("Failed after every attempt", {"always_down": {str(i) for i in range(1, 100_000)}}),
        ]
        for label, extra in scenarios:
            per_record, other = _units_per_record(options, args.lifecycle_records, extra)
            target = f"   (target {WRITE_TARGETS[label]})" if label in WRITE_TARGETS else ""
            print(
                f"  {label:<36} {per_record:8.2f}{target}   "
                f"[{other.totals.OK} OK, {other.totals.Failed} Failed, {other.pulled} records]"
            )

    lambda_cost = (sync_batches + trigger_invocations) * LAMBDA_PER_INVOKE + (
        sync_batches * SYNC_BATCH_SECONDS * SYNC_GB + trigger_invocations * TRIGGER_SECONDS * TRIGGER_GB
    ) * LAMBDA_PER_GB_S_ARM
    parts = {
        "SQS": sqs_requests * SQS_PER_REQUEST,
        "DynamoDB writes": wru * DDB_PER_WRU,
        "DynamoDB reads": rru * DDB_PER_RRU,
        "Lambda": lambda_cost,
        "Secrets Manager": secrets_calls * SECRETS_PER_CALL,
    }
    total = sum(parts.values()) / n * 1e6
    floor = floor_parts()
    floor_total = sum(floor.values()) * 1e6
    print("Estimated AWS cost per million records (list prices, us-east-1), measured and floor:")
    for what, cost in parts.items():
        print(f"  {what:<20} ${cost / n * 1e6:7.2f}   ${floor[what] * 1e6:7.2f}")
    print(f"  {'total':<20} ${total:7.2f}   ${floor_total:7.2f}   ratio {total / floor_total:.2f}x")


if __name__ == "__main__":
    main()

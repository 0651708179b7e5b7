"""Benchmark: a large CSV export on the local stack, request by request, each request with the
API's time budget (the first request included), until it is done. Prints the requests it took, the
rows each one saved, the parts and tails written to S3, the largest buffer a request held (what it
uploads: a part or a tail), and checks that the file holds every row exactly once.

The rows are one run's entries, written straight to the report table; the export reads them back
through the report search, as GET /reports/export does (the handler's HTTP and key checks are left
out). moto is slower than DynamoDB, so a request here gets through fewer rows than on AWS.

    .venv/bin/python bench/export.py --rows 50000
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from syncline import aws, wiring
from syncline.api.context import WORK_BUDGET_SECONDS
from syncline.local.aws import LocalAws
from syncline.models import (
    ErrorInfo,
    Run,
    Status,
    SyncItem,
    Tenant,
    Totals,
    Trigger,
    new_run_id,
    sync_id_for,
    utcnow,
)
from syncline.reports import ReportQuery, continue_export, start_export
from syncline.reports import export as report_export

TENANT = "bench-export"


def seed(rows: int) -> tuple[str, list[str]]:
    """One run of `rows` entries of every status; its run id and the entries' sync ids."""
    syncs = wiring.sync_store()
    wiring.config_store().put_tenant(Tenant(tenant_id=TENANT, name="Export bench"))
    started = utcnow() - timedelta(hours=1)
    run = Run(
        tenant_id=TENANT,
        run_id=new_run_id(started),
        service_id="orders",
        trigger=Trigger.SCHEDULE,
        started_at=started,
        pull_done=True,
    )
    statuses = list(Status)
    items = [
        SyncItem(
            tenant_id=TENANT,
            sync_id=sync_id_for("orders", f"src-{n:07d}", "1"),
            run_id=run.run_id,
            service_id="orders",
            source_system="shopify",
            source_entity="orders",
            destination_system="rest",
            destination_entity="orders",
            reference=f"#{1000000 + n}",
            source_id=f"src-{n:07d}",
            endpoint_id=f"end-{n:07d}" if statuses[n % 4] == Status.OK else None,
            status=statuses[n % 4],
            attempts=1,
            last_error=ErrorInfo(code="rejected", message="bad postcode")
            if statuses[n % 4] == Status.FAILED
            else None,
            created_at=started,
            updated_at=started + timedelta(milliseconds=n),
        )
        for n in range(rows)
    ]
    run.totals = Totals.model_validate(Counter(item.status.value for item in items))
    syncs.create_run(run)
    refused = syncs.put_rows(items)
    assert not refused, refused[:3]
    return run.run_id, [item.sync_id for item in items]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument(
        "--budget", type=float, default=WORK_BUDGET_SECONDS, help="seconds of work per request (the API's)"
    )
    args = parser.parse_args()

    written: dict[str, list[int]] = {"UploadPart": [], "PutObject": []}

    def observe(service: str, operation: str, params: dict[str, Any]) -> None:
        if service == "s3" and operation in written:
            body = params["Body"]
            written[operation].append(body.getbuffer().nbytes if hasattr(body, "getbuffer") else len(body))

    with LocalAws():
        began = time.monotonic()
        run_id, seeded = seed(args.rows)
        print(f"seeded {args.rows:,} rows in {time.monotonic() - began:.0f} s", file=sys.stderr)
        aws.add_observer(observe)
        deps = wiring.deps()
        bucket = deps.bucket

        def budget() -> Any:
            started = time.monotonic()
            return lambda: args.budget - (time.monotonic() - started)

        began = time.monotonic()
        result = start_export(deps, TENANT, ReportQuery(run_id=run_id), budget())
        saved = [result.rows]
        while result.kind == "running":
            assert result.export_id is not None and len(saved) < 10_000
            result = continue_export(deps, TENANT, result.export_id, budget())
            saved.append(result.rows)
            print(f"  request {len(saved)}: {result.rows:,} rows saved", file=sys.stderr)
        elapsed = time.monotonic() - began
        assert result.kind == "done", result
        body = aws.client("s3").get_object(Bucket=bucket, Key=f"exports/{TENANT}/{result.export_id}.csv")
        ids = [row["sync_id"] for row in csv.DictReader(io.StringIO(body["Body"].read().decode("utf-8")))]
        aws.remove_observer(observe)

    steps = [b - a for a, b in zip([0, *saved], saved, strict=False)]
    parts, tails = written["UploadPart"], written["PutObject"]
    largest = max(parts + tails)
    every_row_once = len(ids) == args.rows and Counter(ids) == Counter(seeded)
    print(
        f"rows {args.rows:,}  requests {len(saved)}  elapsed {elapsed:.0f} s  "
        f"budget {args.budget:.0f} s a request"
    )
    print(
        f"rows saved per request: min {min(steps):,}  max {max(steps):,}  "
        f"(every request made progress: {min(steps) > 0})"
    )
    sizes = ", ".join(f"{p / 2**20:.2f}" for p in parts)
    print(
        f"parts {len(parts)} ({sizes} MiB; each but the last at least {report_export.PART_BYTES / 2**20:.0f})"
    )
    print(f"tails {len(tails)} (largest {max(tails, default=0) / 2**20:.2f} MiB)")
    print(f"largest buffer a request held: {largest / 2**20:.2f} MiB")
    print(f"every row exactly once: {every_row_once}")
    return 0 if every_row_once and min(steps) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

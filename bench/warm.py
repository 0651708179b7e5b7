"""Benchmark: sync_item handler CPU per batch, with its destination connector built for the batch
(cold) and kept from an earlier batch (warm), on the local stack.

The batches alternate cold and warm, so both see the same tables and queue. A batch's CPU is the
thread time of the invocation that runs it: its pushes go one at a time on that thread (service
concurrency 1), and moto and the demo systems run on threads of their own, so their CPU is not
counted. The first batch (imports, boto3 clients) is left out.

    .venv/bin/python bench/warm.py --batches 40
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from syncline import wiring
from syncline.local import driver as local_driver
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import ServiceSettings

# The EMF metric lines the functions would print on Lambda: not wanted among the figures.
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=40, help="sync_item batches of ten (default 40)")
    args = parser.parse_args()

    options = StackOptions(
        records=10 * (args.batches + 1), fail_rate=0.0, permanent_failures=False, shop_rate_limit=1000.0
    )
    with local_stack(options) as stack:
        stack.driver.stop()  # the benchmark is the event source
        config = wiring.config_store()
        service = config.require_service(TENANT, SERVICE)
        settings = ServiceSettings.model_validate({**service.settings.model_dump(), "concurrency": 1})
        config.put_service(service.model_copy(update={"settings": settings}))
        stack.fire()

        seconds: list[float] = []
        real_invoke = local_driver.invoke

        def timed(name: str, event: dict[str, Any], **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return real_invoke(name, event, **kwargs)
            finally:
                seconds.append(time.thread_time() - started)

        local_driver.invoke = timed  # type: ignore[assignment]
        cold: list[float] = []
        warm: list[float] = []
        try:
            for n in range(args.batches + 1):
                if n % 2 == 0:
                    wiring.close_connectors()  # as every batch was before connectors were kept
                if not stack.driver.sync.poll_once():
                    break
                if n:
                    (cold if n % 2 == 0 else warm).append(seconds[-1] * 1000)
        finally:
            local_driver.invoke = real_invoke

    if not cold or not warm:
        raise SystemExit("no batches ran")
    c, w = statistics.median(cold), statistics.median(warm)
    print(f"sync_item handler CPU per batch of ten (median, ms; {len(cold)} cold, {len(warm)} warm batches):")
    print(f"  connector built (cold)  {c:6.1f}")
    print(f"  connector kept (warm)   {w:6.1f}   {100 * (w - c) / c:+.0f}%")


if __name__ == "__main__":
    main()

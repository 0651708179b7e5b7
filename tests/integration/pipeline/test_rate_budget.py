"""Throttling is not an attempt: records held back by the destination's shared rate budget, or
refused by it with 429, go back to the queue as fresh copies that keep their attempt number, so
with max_attempts=1 every one of them still ends OK and nothing reaches the DLQ. Local stack
(moto, the real handlers) with a warehouse that enforces its own limit."""

from __future__ import annotations

import time
from collections import Counter

from syncline import aws, wiring
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import Status
from syncline.store.rate_store import RateStore

RECORDS = 20


def run_to_the_end(
    options: StackOptions, *, paused_for: float = 0.0
) -> tuple[Counter[Status], list[int], int, int, int, int]:
    with local_stack(options) as stack:
        if paused_for:  # as if another container had just been told to wait by the warehouse
            with aws.unobserved():
                budget = RateStore(wiring.settings().config_table)
                assert budget.pause(TENANT, "demo-warehouse", until=time.time() + paused_for)
        run_id = stack.fire()
        stack.wait_for_run(run_id, timeout=180)
        with aws.unobserved():
            items = list(wiring.sync_store().items_of_run(TENANT, SERVICE, run_id))
            state = RateStore(wiring.settings().config_table).state(TENANT, "demo-warehouse")
        assert state is not None
        return (
            Counter(i.status for i in items),
            [i.attempts for i in items],
            stack.warehouse.limited,
            stack.dlq_depth(),
            stack.driver.sync.stats.records,
            state.throttled,
        )


def test_records_the_budget_holds_back_keep_their_attempt() -> None:
    # The budget is the warehouse's limit: every push waits its turn. The budget starts paused for
    # longer than the fan-out takes, however busy the machine, so the first records must wait in
    # the queue (fresh copies) rather than in a Lambda.
    options = StackOptions(
        records=RECORDS,
        fail_rate=0.0,
        permanent_failures=False,
        max_attempts=1,
        sync_concurrency=2,
        warehouse_rate_limit=4.0,
        warehouse_burst=4,
        warehouse_budget={"requests_per_second": 4, "burst": 2, "max_concurrency": 4},
    )
    statuses, attempts, limited, dlq, received, throttled = run_to_the_end(options, paused_for=6.0)
    assert statuses == Counter({Status.OK: RECORDS})
    assert attempts == [1] * RECORDS
    assert limited == 0 and throttled == 0  # never over the limit
    assert dlq == 0
    assert received > RECORDS  # some records waited in the queue (fresh copies), not in a Lambda


def test_records_refused_with_429_keep_their_attempt_and_stay_out_of_the_dlq() -> None:
    # A budget far above what the warehouse takes: it answers 429, which pauses every container.
    options = StackOptions(
        records=RECORDS,
        fail_rate=0.0,
        permanent_failures=False,
        max_attempts=1,
        sync_concurrency=2,
        warehouse_rate_limit=2.0,
        warehouse_burst=1,
        warehouse_budget={"requests_per_second": 100, "burst": 50, "max_concurrency": 4},
    )
    statuses, attempts, limited, dlq, received, throttled = run_to_the_end(options)
    assert statuses == Counter({Status.OK: RECORDS})
    assert attempts == [1] * RECORDS
    assert limited > 0 and throttled > 0  # the 429s happened, and were written to the bucket
    assert dlq == 0
    assert received > RECORDS

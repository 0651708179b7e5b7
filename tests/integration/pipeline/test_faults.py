"""The pipeline under the faults Lambda and SQS produce: crashes at each step, duplicate and
concurrent deliveries, answers slower than the client waits, invocations that run out of time, and
records that cannot be stored. Each test fails on the pipeline as it was before its fix."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from syncline import aws, faults, wiring
from syncline.local.driver import wait_until
from syncline.local.stack import SERVICE, TENANT, LocalStack, StackOptions, local_stack
from syncline.models import Run, RunStatus, Status, SyncItem
from syncline.pipeline.messages import SyncMessage
from syncline.pipeline.sync import Received, process_batch
from syncline.reports import RunsQuery, list_runs
from syncline.store import MAX_KEY_VALUE_BYTES, key_value

FAST = {"SYNCLINE_RECONCILE_GRACE_SECONDS": "0", "SYNCLINE_TRIGGER_TIMEOUT_SECONDS": "1"}


def crash_at(point: str, times: int = 1, after: int = 0) -> faults.Injector:
    """Crash at `point` on its hits number after+1 .. after+times."""
    hits: Counter[str] = Counter()
    lock = threading.Lock()

    def injector(name: str) -> bool:
        if name != point:
            return False
        with lock:
            hits[name] += 1
            return after < hits[name] <= after + times

    return injector


def service_runs(limit: int = 100) -> list[Run]:
    """The service's runs, newest first, through the report's runs query."""
    return list_runs(wiring.deps(), TENANT, RunsQuery(service_id=SERVICE), limit=limit).runs


def all_items(stack: LocalStack) -> list[SyncItem]:
    with aws.unobserved():
        syncs = wiring.sync_store()
        runs = service_runs()
        return [i for r in runs for i in syncs.run_entries(r, consistent=True)]


def settle(stack: LocalStack, timeout: float = 90) -> None:
    """Queues empty, then the reconciler until every run is closed."""

    def done() -> bool:
        if any(stack.driver.queue_depths().values()):
            return False
        with aws.unobserved():
            stack.driver.reconcile()
            runs = service_runs()
        return all(r.status != RunStatus.RUNNING for r in runs)

    if not wait_until(done, timeout=timeout, interval=1.0):
        with aws.unobserved():
            queue = aws.client("sqs").get_queue_attributes(
                QueueUrl=stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], AttributeNames=["All"]
            )["Attributes"]
        stuck = [
            (i.status.value, i.attempts, i.claimed_until)
            for i in all_items(stack)
            if i.status == Status.PENDING
        ]
        raise AssertionError(f"not settled: queue {queue}, pending {stuck}, driver {stack.driver.sync.stats}")


def assert_converged(stack: LocalStack) -> list[SyncItem]:
    """Every record has exactly one row, none Pending, every run closed with totals equal to the
    count of its items, and the warehouse created every OK order once and nothing twice."""
    items = all_items(stack)
    assert sorted(i.source_id for i in items) == sorted(str(o["id"]) for o in stack.shop.orders)
    assert not [i for i in items if i.status == Status.PENDING]
    with aws.unobserved():
        syncs = wiring.sync_store()
        for run in service_runs():
            counted = Counter(i.status.value for i in syncs.run_entries(run, consistent=True))
            assert run.status != RunStatus.RUNNING, run
            assert run.totals.model_dump() == {s.value: counted[s.value] for s in Status}, run
    ok = {i.source_id for i in items if i.status == Status.OK}
    assert set(stack.warehouse.accepted) == ok
    assert max(stack.warehouse.accepted.values(), default=1) == 1
    return items


@contextmanager
def stack_with(**overrides: Any) -> Iterator[LocalStack]:
    options = StackOptions(
        records=30,
        fail_rate=0.0,
        permanent_failures=False,
        page_size=10,
        retry_base_seconds=0,
        retry_max_seconds=0,
        sync_concurrency=2,
        # Claims last as long as an invocation can: a second delivery waits a minute, not 330 s.
        sync_timeout_seconds=60,
        env=dict(FAST),
    )
    with local_stack(dataclasses.replace(options, **overrides)) as stack:
        yield stack


# -- 1. a trigger crash does not strand records --------------------------------------------------


@pytest.mark.parametrize(
    ("point", "after"),
    [("trigger.after_rows", 1), ("trigger.mid_enqueue", 0), ("trigger.before_cursor", 0)],
)
def test_a_retried_trigger_finishes_what_the_crashed_one_started(point: str, after: int) -> None:
    # pages of 20 and 10: the crash comes on the second page, part-way through the first page's
    # messages, or once every page is queued
    with stack_with(page_size=20) as stack, faults.injected(crash_at(point, after=after)):
        with pytest.raises(faults.InjectedCrash):
            stack.fire()
        crashed = all_items(stack)
        assert crashed, "the crashed trigger wrote rows before it died"
        stack.fire()  # Lambda retries the failed asynchronous invocation
        settle(stack)
        items = assert_converged(stack)
        with aws.unobserved():
            runs = service_runs(limit=10)
    assert {i.status for i in items} == {Status.OK}
    first = runs[-1]  # the crashed trigger's run: its pull is marked interrupted, and it is closed
    assert first.pull_done and first.pull_error is not None and first.pull_error.code == "pull_interrupted"
    assert first.totals.Pending == 0


# -- 2. one bad record never wedges a service ---------------------------------------------------


def test_a_reference_too_long_for_a_key_does_not_wedge_the_service() -> None:
    with stack_with() as stack:
        long_ref = "#" + "x" * 5000
        stack.shop.orders[12]["number"] = long_ref
        run = stack.wait_for_run(stack.fire(), timeout=60)
        assert run.status == RunStatus.OK and run.pulled == 30 and run.totals.OK == 30
        items = {i.source_id: i for i in all_items(stack)}
        assert len(items[str(stack.shop.orders[12]["id"])].reference) == 1000  # kept, cut short
        # the cursor moved past the page: the next run pulls nothing
        assert stack.pull() is None  # nothing to pull: no run


def test_key_values_are_bounded_and_exact_matches_still_work() -> None:
    long_a, long_b = "a" * 3000, "a" * 2999 + "b"
    assert len(key_value(long_a).encode()) <= MAX_KEY_VALUE_BYTES
    assert key_value(long_a) != key_value(long_b)
    assert key_value(long_a) == key_value("a" * 3000)
    assert key_value("#1001") == "#1001"
    wide = "é" * 400  # two bytes a character: the cut never splits one
    assert len(key_value(wide).encode()) <= MAX_KEY_VALUE_BYTES
    key_value(wide).encode().decode()


def test_a_record_that_cannot_be_queued_becomes_failed_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = wiring.deps
    monkeypatch.setattr(wiring, "deps", lambda: dataclasses.replace(real(), bucket=None))
    with stack_with() as stack:
        big = stack.shop.orders[4]
        big["notes"] = "n" * 300_000  # over SQS's message size, and no bucket to keep it in
        run = stack.wait_for_run(stack.fire(), timeout=60)
        items = {i.source_id: i for i in all_items(stack)}
    failed = items[str(big["id"])]
    assert failed.status == Status.FAILED and failed.last_error is not None
    assert failed.last_error.code == "record_too_large"
    assert run.status == RunStatus.FAILED and run.totals.OK == 29 and run.totals.Failed == 1
    assert str(big["id"]) not in stack.warehouse.pushes


# -- 3. run totals converge after sync_item dies mid-batch ---------------------------------------


@pytest.mark.parametrize("point", ["sync_item.after_item_write", "sync_item.before_flush"])
def test_run_totals_converge_when_sync_item_dies_before_adding_them(point: str) -> None:
    with stack_with(sync_visibility_seconds=2) as stack:
        with faults.injected(crash_at(point, times=2)):
            stack.fire()
            settle(stack)
        items = assert_converged(stack)
    assert {i.status for i in items} == {Status.OK}


# -- 4. two deliveries of one message never both push --------------------------------------------


def test_concurrent_deliveries_of_one_message_push_once() -> None:
    with stack_with(records=3, slow_rate=1.0, slow_seconds=1.0) as stack:
        stack.driver.stop()  # this test is the event source
        item = _seed_pending(stack)
        body = SyncMessage(
            tenant_id=TENANT,
            service_id=SERVICE,
            run_id=item.run_id,
            sync_id=item.sync_id,
            record=_order(stack, 0),
        ).model_dump_json()
        deps = wiring.deps()
        results: list[Any] = []

        def deliver(n: int) -> None:
            results.append(process_batch(deps, [Received(f"m{n}", "", 1, body)]))

        threads = [threading.Thread(target=deliver, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stored = wiring.sync_store().get_item(TENANT, item.sync_id)
    order_id = item.source_id
    assert stack.warehouse.pushes[order_id] == 1  # the other deliveries never reached the warehouse
    assert stored is not None and stored.status == Status.OK and stored.attempts == 1
    # the ones that found it claimed come back later (their messages are not deleted)
    assert sum(len(r.failed_message_ids) for r in results) == 2


def _order(stack: LocalStack, n: int) -> dict[str, Any]:
    return dict(stack.shop.orders[n])


def _seed_pending(stack: LocalStack) -> SyncItem:
    """A Pending row for the shop's first order, as fan-out writes it (no message sent)."""
    from syncline.models import Run, Trigger, new_run_id, sync_id_for

    order = _order(stack, 0)
    syncs = wiring.sync_store()
    run = Run(tenant_id=TENANT, run_id=new_run_id(), service_id=SERVICE, trigger=Trigger.MANUAL)
    syncs.create_run(run)
    item = SyncItem(
        tenant_id=TENANT,
        sync_id=sync_id_for(SERVICE, str(order["id"]), str(order["updated_at"])),
        run_id=run.run_id,
        service_id=SERVICE,
        source_system="rest",
        source_entity="orders",
        destination_system="rest",
        destination_entity="orders",
        reference=str(order["number"]),
        source_id=str(order["id"]),
    )
    assert syncs.put_rows([item]) == []
    return item


# -- 5. an answer slower than the client waits is not a second order ---------------------------


def test_a_push_answered_after_the_client_timeout_is_not_created_twice() -> None:
    with stack_with(records=5, slow_rate=1.0, slow_seconds=1.0, push_timeout_seconds=0.3) as stack:
        run = stack.wait_for_run(stack.fire(), timeout=90)
        items = all_items(stack)
    assert run.status == RunStatus.OK and run.totals.OK == 5
    assert stack.warehouse.replayed >= 5  # a repeat got the first answer back ...
    assert stack.warehouse.accepted == Counter({i.source_id: 1 for i in items})  # ... and created nothing
    assert {i.endpoint_id for i in items} == {f"WH-{i.source_id}" for i in items}


# -- 6. the batch does not outlive its function ---------------------------------------------------


def test_no_push_starts_without_the_time_to_finish_it() -> None:
    with stack_with(records=3) as stack:
        stack.driver.stop()  # this test is the event source
        item = _seed_pending(stack)
        body = SyncMessage(
            tenant_id=TENANT,
            service_id=SERVICE,
            run_id=item.run_id,
            sync_id=item.sync_id,
            record=_order(stack, 0),
        ).model_dump_json()
        # 4 s left: the warehouse connector's worst case (5 s connect + 10 s answer + 2 s waits)
        # and the flush do not fit
        result = process_batch(wiring.deps(), [Received("m1", "", 3, body)], lambda: 4.0)
        stored = wiring.sync_store().get_item(TENANT, item.sync_id)
        with aws.unobserved():
            copies = (
                aws.client("sqs")
                .receive_message(QueueUrl=stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], MaxNumberOfMessages=10)
                .get("Messages", [])
            )
    assert stack.warehouse.pushes[item.source_id] == 0
    assert stored is not None and stored.status == Status.PENDING and stored.attempts == 0  # not spent
    assert result.failed_message_ids == []  # the original is deleted ...
    assert [SyncMessage.model_validate_json(m["Body"]).attempt_offset for m in copies] == [2]  # ... a copy
    # makes attempt 3 again: offset 2 + its first receive


def _receive(stack: LocalStack) -> list[Received]:
    with aws.unobserved():
        messages = (
            aws.client("sqs")
            .receive_message(
                QueueUrl=stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"],
                MaxNumberOfMessages=10,
                AttributeNames=["ApproximateReceiveCount"],
            )
            .get("Messages", [])
        )
    return [
        Received(
            m["MessageId"], m["ReceiptHandle"], int(m["Attributes"]["ApproximateReceiveCount"]), m["Body"]
        )
        for m in messages
    ]


def test_a_batch_out_of_time_finishes_what_it_started_and_puts_the_rest_back_unspent() -> None:
    with stack_with(records=5) as stack:
        stack.driver.stop()  # this test is the event source
        config = wiring.config_store()
        service = config.get_service(TENANT, SERVICE)
        assert service is not None  # one push at a time, so the clock below decides how many start
        config.put_service(
            service.model_copy(update={"settings": service.settings.model_copy(update={"concurrency": 1})})
        )
        run_id = stack.fire()
        batch = _receive(stack)
        assert len(batch) == 5 and {r.receive_count for r in batch} == {1}

        # The invocation's clock: 60 s at the start, 25 s less after each push. A push needs the
        # warehouse connector's worst case (5 + 10 + 2 s) and the flush: two fit, the third does not.
        def time_left() -> float:
            return 60.0 - 25.0 * stack.warehouse.pushes.total()

        result = process_batch(wiring.deps(), batch, time_left)
        after_first = {i.source_id: i for i in all_items(stack)}
        copies = _receive(stack)
        pushed_first = +stack.warehouse.pushes

        # The copies make the same first attempt in the next invocation, which has the time.
        process_batch(wiring.deps(), copies, lambda: 300.0)
        items = all_items(stack)
        dlq = stack.dlq_depth()
        run = stack.run(run_id)

    assert result.failed_message_ids == []  # nothing waits for a visibility timeout: all deleted
    assert pushed_first.total() == 2
    for source_id, item in after_first.items():  # started: done; the rest Pending, nothing spent
        started = source_id in pushed_first
        assert (item.status, item.attempts) == ((Status.OK, 1) if started else (Status.PENDING, 0))
    # the three never started went back as fresh copies of their first attempt, unclaimed
    assert len(copies) == 3 and {r.receive_count for r in copies} == {1}
    assert [SyncMessage.model_validate_json(r.body).attempt_offset for r in copies] == [0, 0, 0]
    assert {SyncMessage.model_validate_json(r.body).sync_id for r in copies} == {
        i.sync_id for i in after_first.values() if i.status == Status.PENDING
    }
    assert [i.status for i in items] == [Status.OK] * 5
    assert [i.attempts for i in items] == [1] * 5  # no attempt spent on running out of time
    assert stack.warehouse.pushes == Counter({i.source_id: 1 for i in items})
    assert dlq == 0
    assert run.totals.OK == 5

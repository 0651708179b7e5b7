"""DESIGN.md invariants 1-4 under a mix of transient and permanent destination failures, on the
local stack (moto server, the real handlers, the demo shop and warehouse over HTTP)."""

from __future__ import annotations

import json
from collections import Counter

from syncline import aws, wiring
from syncline.local.driver import wait_until
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import RunStatus, Status
from syncline.pipeline.fanout import enqueue
from syncline.pipeline.messages import SyncMessage
from tests.integration.pipeline.conftest import TableCalls, run_updates
from tests.integration.pipeline.test_fanout import same_instant

ALWAYS_DOWN = "1003"


def test_mixed_failures_end_every_record_in_one_status(table_calls: TableCalls) -> None:
    options = StackOptions(
        records=60,
        fail_rate=0.3,
        always_down={ALWAYS_DOWN},
        retry_base_seconds=0,
        retry_max_seconds=0,
        page_size=25,
        sync_concurrency=2,
    )
    with local_stack(options) as stack:
        run_id = stack.fire()
        run = stack.wait_for_run(run_id, timeout=120)
        store = wiring.sync_store()
        items = {i.source_id: i for i in store.items_of_run(TENANT, SERVICE, run_id)}

        # 1. nothing lost, nothing left Pending
        assert run.pulled == 60 and len(items) == 60
        by_status = Counter(i.status for i in items.values())
        assert by_status[Status.PENDING] == 0
        assert set(by_status) <= {Status.OK, Status.FAILED}

        # 3. run totals equal the count of the run's items by status
        assert run.totals.model_dump() == {s.value: by_status[s] for s in Status}
        assert run.status == RunStatus.FAILED and run.ended_at is not None
        assert run.pushed == by_status[Status.OK]

        # a record that fails every attempt: Failed after max_attempts, and its message in the DLQ
        down = items[ALWAYS_DOWN]
        assert down.status == Status.FAILED and down.attempts == 5
        assert down.last_error is not None and down.last_error.code == "transient"
        # each attempt is one request plus the connector's one quick retry, which is safe because
        # the request carries the sync id as its Idempotency-Key
        assert stack.warehouse.pushes[ALWAYS_DOWN] == 5 * 2
        exhausted = {
            i.sync_id
            for i in items.values()
            if i.last_error and i.status == Status.FAILED and i.last_error.code == "transient"
        }
        assert down.sync_id in exhausted
        assert wait_until(lambda: stack.dlq_depth() == len(exhausted), timeout=20)
        with aws.unobserved():
            dead = aws.client("sqs").receive_message(
                QueueUrl=stack.aws.env["SYNCLINE_SYNC_DLQ_URL"], MaxNumberOfMessages=10
            )["Messages"]
        assert {json.loads(m["Body"])["sync_id"] for m in dead} == exhausted

        # permanent failures: Failed at once with the warehouse's reason, never retried after the 422
        for source_id, item in items.items():
            if source_id.endswith("7") and source_id != ALWAYS_DOWN:
                assert item.status == Status.FAILED and item.attempts == 1, (
                    source_id,
                    stack.warehouse.pushes[source_id],
                    stack.warehouse.requests,
                )
                assert stack.warehouse.pushes[source_id] == 1
                assert item.last_error is not None and item.last_error.code == "rejected"
                assert "postcode" in item.last_error.message
        # every OK item reached the warehouse and carries the warehouse's id
        for source_id, item in items.items():
            if item.status == Status.OK:
                assert source_id in stack.warehouse.received
                assert item.endpoint_id == f"WH-{source_id}"

        # each attempt writes its item twice: the claim (an update; the first one creates the row)
        # and the outcome (a conditional put); +2 puts: the run row and its open-run marker; +3: a
        # fan-out page record for each page of 25
        syncs_table = stack.aws.env["SYNCLINE_SYNCS_TABLE"]
        attempts = sum(i.attempts for i in items.values())
        assert table_calls.count("PutItem", syncs_table) == attempts + 2 + 3
        item_updates = table_calls.count("UpdateItem", syncs_table) - run_updates(table_calls, syncs_table)
        assert item_updates == attempts
        # the warehouse created every OK order exactly once, and nothing else
        assert stack.warehouse.accepted == Counter(
            {i.source_id: 1 for i in items.values() if i.status == Status.OK}
        )

        # 4. no request path scans a table
        assert "Scan" not in table_calls.operations()

        # 2. a redelivered message for an OK item is not pushed again
        ok_item = next(i for i in items.values() if i.status == Status.OK)
        pushes_before = stack.warehouse.pushes[ok_item.source_id]
        body = SyncMessage(
            tenant_id=TENANT,
            service_id=SERVICE,
            run_id=run_id,
            sync_id=ok_item.sync_id,
            record={"id": ok_item.source_id},
        ).model_dump_json()
        with aws.unobserved():
            enqueue(stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], [body, body])
        assert wait_until(lambda: stack.driver.queue_depths()["sync"] == 0, timeout=20)
        assert stack.warehouse.pushes[ok_item.source_id] == pushes_before
        assert store.get_item(TENANT, ok_item.sync_id) == ok_item
        assert stack.run(run_id).totals == run.totals


def test_unchanged_records_pulled_again_are_not_synced_twice() -> None:
    with local_stack(StackOptions(records=30, fail_rate=0.0, permanent_failures=False)) as stack:
        first = stack.wait_for_run(stack.fire(), timeout=60)
        assert first.status == RunStatus.OK and first.totals.OK == 30
        # the cursor moved to the newest record: a scheduled run pulls nothing new
        cursor = wiring.config_store().get_cursor(TENANT, SERVICE)
        assert same_instant(cursor, str(stack.shop.orders[-1]["updated_at"]))
        # nothing changed: no run is opened, the empty pull is counted on the service
        assert stack.pull() is None and stack.pull() is None
        pulls = wiring.config_store().pulls(TENANT)[SERVICE]
        assert pulls["empty_pulls"] == 2 and pulls["last_pull_at"] is not None
        # a manual run from the start re-pulls everything, and skips every unchanged record
        third = stack.wait_for_run(stack.fire("manual", since=""), timeout=60)
        assert third.pulled == 30 and third.skipped == 30 and third.queued == 0
        assert third.totals.OK == 0 and third.status == RunStatus.OK
        assert max(stack.warehouse.accepted.values()) == 1

"""Fan-out batching: SendMessageBatch of ten, partial failures retried and never lost;
continuations for pulls longer than one invocation; the circuit breaker."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from syncline import aws, wiring
from syncline.local.driver import wait_until
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import HealthStatus, RunStatus, Status, utcnow
from syncline.pipeline import fanout
from tests.integration.pipeline.conftest import TableCalls


def same_instant(a: str | None, b: str) -> bool:
    return a is not None and datetime.fromisoformat(a) == datetime.fromisoformat(b)


class FlakySqs:
    """Wraps the real SQS client; rejects some entries of the first calls, as SQS can."""

    def __init__(self, real: Any, reject_first_calls: int = 5, keep: int = 7) -> None:
        self.real = real
        self.calls = 0
        self.reject_first_calls = reject_first_calls
        self.keep = keep

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.calls += 1
        if self.calls <= self.reject_first_calls:
            accepted, rejected = Entries[: self.keep], Entries[self.keep :]
            response: dict[str, Any] = (
                self.real.send_message_batch(QueueUrl=QueueUrl, Entries=accepted) if accepted else {}
            )
            response["Failed"] = [
                {"Id": e["Id"], "SenderFault": False, "Code": "InternalError", "Message": "try again"}
                for e in rejected
            ]
            return response
        result: dict[str, Any] = self.real.send_message_batch(QueueUrl=QueueUrl, Entries=Entries)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_1000_records_fan_out_in_batches_of_ten(table_calls: TableCalls) -> None:
    with local_stack(
        StackOptions(records=1000, fail_rate=0.0, permanent_failures=False, page_size=250)
    ) as stack:
        run = stack.wait_for_run(stack.fire(), timeout=240)
        assert run.status == RunStatus.OK and run.totals.OK == 1000
        sync_queue = stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"]
        assert table_calls.count("SendMessageBatch", sync_queue) == 100
        assert table_calls.count("SendMessage", sync_queue) == 0
        # no row is written before an attempt: one fan-out page record per page of 250
        assert table_calls.count("BatchWriteItem") == 0
        pages = wiring.sync_store().run_pages(run.tenant_id, run.run_id)
        assert len(pages) == 1000 and len({p.sync_id for p in pages}) == 1000


def test_partial_send_failures_are_retried_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    with local_stack(StackOptions(records=1, fail_rate=0.0)) as stack:
        stack.driver.stop()  # keep the messages on the queue to count them
        real = aws.client("sqs")
        flaky = FlakySqs(real)
        bodies = [json.dumps({"n": n}) for n in range(100)]
        with monkeypatch.context() as patch:
            patch.setattr(fanout.aws, "client", lambda service: flaky if service == "sqs" else real)
            calls = fanout.enqueue(stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], bodies)
        assert calls == flaky.calls and 10 < calls <= 20  # 10 batches + the retries of rejected entries
        received: list[str] = []
        while True:
            got = real.receive_message(
                QueueUrl=stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], MaxNumberOfMessages=10
            )
            if not got.get("Messages"):
                break
            received += [m["Body"] for m in got["Messages"]]
        assert sorted(received) == sorted(bodies)  # every body exactly once


def test_persistent_send_failure_raises_instead_of_dropping(monkeypatch: pytest.MonkeyPatch) -> None:
    with local_stack(StackOptions(records=1)) as stack:
        real = aws.client("sqs")
        flaky = FlakySqs(real, reject_first_calls=10**6, keep=0)
        with monkeypatch.context() as patch:
            patch.setattr(fanout.aws, "client", lambda service: flaky)
            patch.setattr(fanout.time, "sleep", lambda _: None)
            with pytest.raises(fanout.EnqueueError, match="10 messages not accepted"):
                fanout.enqueue(stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], [str(n) for n in range(10)])
        assert flaky.calls == fanout.SEND_RETRIES


def test_a_pull_longer_than_one_invocation_continues(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCLINE_TRIGGER_BUDGET_SECONDS", "0.000001")  # hand over after every page
    with local_stack(
        StackOptions(records=50, page_size=10, fail_rate=0.0, permanent_failures=False)
    ) as stack:
        run_id = stack.fire()
        assert wiring.config_store().get_cursor(TENANT, SERVICE) is None  # not before the last page
        run = stack.wait_for_run(run_id, timeout=60)
        assert run.status == RunStatus.OK and run.pulled == 50 and run.totals.OK == 50
        assert stack.driver.trigger.stats.batches == 4  # pages 2-5 came as continuations
        assert same_instant(
            wiring.config_store().get_cursor(TENANT, SERVICE), stack.shop.orders[-1]["updated_at"]
        )


def test_unreachable_destination_delays_instead_of_failing() -> None:
    with local_stack(StackOptions(records=5, fail_rate=0.0, permanent_failures=False)) as stack:
        config = wiring.config_store()
        warehouse = config.require_connector(TENANT, "demo-warehouse")
        warehouse.health_status = HealthStatus.UNREACHABLE
        warehouse.health_checked_at = utcnow()
        config.put_connector(warehouse)
        run_id = stack.fire()

        def delayed() -> int:
            attrs = aws.client("sqs").get_queue_attributes(
                QueueUrl=stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"],
                AttributeNames=["ApproximateNumberOfMessagesDelayed"],
            )["Attributes"]
            return int(attrs["ApproximateNumberOfMessagesDelayed"])

        assert wait_until(lambda: delayed() == 5, timeout=20)
        assert sum(stack.warehouse.pushes.values()) == 0
        items = list(wiring.sync_store().run_entries(stack.run(run_id)))
        assert len(items) == 5  # listed by the fan-out page, no row yet
        assert all(i.status == Status.PENDING and i.attempts == 0 for i in items)
        assert stack.run(run_id).status == RunStatus.RUNNING


def test_filters_count_on_the_run_and_mappings_shape_what_is_pushed() -> None:
    options = StackOptions(
        records=40,
        fail_rate=0.0,
        permanent_failures=False,
        filters=[{"field": "status", "operator": "equals", "value": "paid"}],
        payload_script='$merge([$, {"channel": "web", "lines_count": $count(lines)}])',
    )
    with local_stack(options) as stack:
        run = stack.wait_for_run(stack.fire(), timeout=60)
        paid = [o for o in stack.shop.orders if o["status"] == "paid"]
        assert 0 < len(paid) < 40
        assert run.pulled == 40 and run.filtered == 40 - len(paid) and run.queued == len(paid)
        assert run.totals.OK == len(paid) and run.status == RunStatus.OK
        order = paid[0]
        sent = stack.warehouse.received[order["id"]]
        assert sent["reference"] == order["number"]
        assert sent["customer"] == {"email": order["email"].lower()}
        assert sent["ship_to"]["city"] == order["shipping_address"]["city"].upper()
        assert [line["item_code"] for line in sent["lines"]] == [li["sku"] for li in order["line_items"]]
        assert sent["channel"] == "web" and sent["lines_count"] == len(order["line_items"])
        assert "email" not in sent and "line_items" not in sent  # only mapped fields are sent


def test_a_record_the_mapping_cannot_handle_fails_alone_with_the_rule_named() -> None:
    from syncline.local.stack import DEMO_MAPPING

    options = StackOptions(
        records=30,
        fail_rate=0.0,
        permanent_failures=False,
        mappings=[*DEMO_MAPPING, {"source": "line_items[1].sku", "target": "second_sku", "required": True}],
    )
    with local_stack(options) as stack:
        run = stack.wait_for_run(stack.fire(), timeout=60)
        items = {i.source_id: i for i in wiring.sync_store().items_of_run(TENANT, SERVICE, run.run_id)}
        single = {o["id"] for o in stack.shop.orders if len(o["line_items"]) == 1}
        assert 0 < len(single) < 30
        for source_id, item in items.items():
            if source_id in single:
                assert item.status == Status.FAILED and item.attempts == 1
                assert item.last_error is not None and item.last_error.code == "mapping_error"
                assert f"mappings[{len(DEMO_MAPPING)}]" in item.last_error.message
                assert source_id not in stack.warehouse.pushes  # never pushed
            else:
                assert item.status == Status.OK
        assert run.totals.Failed == len(single) and run.totals.OK == 30 - len(single)


def test_a_pull_that_fails_ends_the_run_failed_and_keeps_the_cursor() -> None:
    with local_stack(StackOptions(records=20, page_size=5, fail_rate=0.0, permanent_failures=False)) as stack:
        stack.shop.token = "rotated-elsewhere"  # the shop now refuses Syncline's token
        run = stack.wait_for_run(stack.fire(), timeout=30)
        assert run.status == RunStatus.FAILED and run.pulled == 0
        assert run.pull_error is not None and run.pull_error.code == "authentication_failed"
        assert wiring.config_store().get_cursor(TENANT, SERVICE) is None


def test_a_record_too_large_for_sqs_travels_through_s3() -> None:
    options = StackOptions(records=3, fail_rate=0.0, permanent_failures=False, mappings=[])
    with local_stack(options) as stack:
        big = stack.shop.orders[1]
        big["notes"] = "n" * 250_000  # SQS takes 256 KB a message
        run = stack.wait_for_run(stack.fire(), timeout=60)
        assert run.totals.OK == 3
        assert stack.warehouse.received[big["id"]]["notes"] == big["notes"]
        objects = aws.client("s3").list_objects_v2(
            Bucket=stack.aws.env["SYNCLINE_BUCKET"], Prefix="payloads/"
        )
        assert [o["Key"] for o in objects.get("Contents", [])] == [
            f"payloads/{TENANT}/{i.sync_id}.json"
            for i in wiring.sync_store().items_of_run(TENANT, SERVICE, run.run_id)
            if i.source_id == big["id"]
        ]


def test_a_run_keeps_its_systems_window_and_errors_grouped_in_the_counters_write() -> None:
    """The trigger writes systems, entities and the pulled window in the writes it makes anyway;
    sync_item counts refusals by (code, message) in the run's counters update, never in a write
    of its own."""
    updates: list[str] = []

    def observe(service: str, operation: str, params: dict[str, Any]) -> None:
        if operation == "UpdateItem" and "#R#" in str(params.get("Key", {}).get("PK", {}).get("S", "")):
            updates.append(str(params.get("UpdateExpression", "")))

    aws.add_observer(observe)
    try:
        with local_stack(StackOptions(records=60, page_size=20, fail_rate=0.0)) as stack:
            run = stack.wait_for_run(stack.fire(), timeout=120)
    finally:
        aws.remove_observer(observe)
    assert run.totals.Failed > 1  # the warehouse refuses ids ending in 7, all with one message
    assert (run.source_system, run.source_entity) == ("rest", "orders")
    assert (run.destination_system, run.destination_entity) == ("rest", "orders")
    assert run.since is None and same_instant(run.until, stack.shop.orders[-1]["updated_at"])
    [group] = run.error_summary()
    assert group.count == run.totals.Failed and run.other_errors == 0
    assert "postcode" in group.message and group.first_at is not None and group.last_at is not None
    with_errors = [u for u in updates if "#eg" in u]
    assert with_errors and all("#totals" in u for u in with_errors)
    assert not any("first_errors" in u for u in updates)

"""The circuit breaker's held records: put back with SQS's longest delay while the destination is
unreachable, and sent again as soon as a health check finds it Operational, not when the delay
runs out; the delayed copy that arrives later pushes nothing."""

from __future__ import annotations

from syncline import aws, wiring
from syncline.local.driver import wait_until
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import HealthStatus, RunStatus, Status, utcnow
from syncline.pipeline.sync import Received, process_batch

WAREHOUSE = "demo-warehouse"


def test_held_records_go_when_the_health_check_finds_the_destination_back() -> None:
    with local_stack(StackOptions(records=5, fail_rate=0.0, permanent_failures=False)) as stack:
        config = wiring.config_store()
        warehouse = config.require_connector(TENANT, WAREHOUSE)
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
        held = config.held_records(TENANT, WAREHOUSE)
        assert len(held) == 5 and sum(stack.warehouse.pushes.values()) == 0

        # The warehouse answers: the next check finds it Operational and sends the held records at
        # once; the run finishes long before their 15-minute delay.
        stack.driver.health()
        assert config.require_connector(TENANT, WAREHOUSE).health_status == HealthStatus.OPERATIONAL
        run = stack.wait_for_run(run_id, timeout=60)
        assert run.status == RunStatus.OK and run.totals.OK == 5
        assert sum(stack.warehouse.pushes.values()) == 5
        assert config.held_records(TENANT, WAREHOUSE) == []
        assert delayed() == 5  # the delayed copies are still on their way

        # One of them arrives: its attempt was made (the record is OK), so nothing is pushed.
        sync_id, body, _ = held[0]
        with aws.unobserved():
            result = process_batch(wiring.deps(), [Received("late-copy", "", 1, body)])
        assert not result.failed_message_ids
        assert sum(stack.warehouse.pushes.values()) == 5
        item = wiring.sync_store().get_item(TENANT, sync_id)
        assert item is not None and item.status == Status.OK and item.attempts == 1
        assert item.service_id == SERVICE


def test_a_hold_whose_delay_ran_out_is_dropped_not_sent_again() -> None:
    """A record whose delayed copy was delivered already (the health check stopped for longer
    than the delay) is not queued a second time by a later release."""
    from datetime import timedelta

    from syncline.pipeline.breaker import release

    with local_stack(StackOptions(records=1, fail_rate=0.0, permanent_failures=False)) as stack:
        stack.driver.stop()
        deps = wiring.deps()
        now = utcnow()
        deps.config.hold_records(TENANT, WAREHOUSE, {"a" * 24: '{"gone": 1}'}, now - timedelta(seconds=1))
        deps.config.hold_records(TENANT, WAREHOUSE, {"b" * 24: '{"kept": 1}'}, now + timedelta(minutes=10))
        assert release(deps, TENANT, WAREHOUSE, now) == 1
        got = aws.client("sqs").receive_message(
            QueueUrl=stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], MaxNumberOfMessages=10
        )
        assert [m["Body"] for m in got.get("Messages", [])] == ['{"kept": 1}']
        assert deps.config.held_records(TENANT, WAREHOUSE) == []

"""What the troubleshooting guide promises about a destination that is down or refuses the
credentials, beyond the circuit breaker's own tests (test_breaker.py, test_fanout.py)."""

from __future__ import annotations

from datetime import timedelta

from syncline import aws, wiring
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import HealthStatus, RunStatus, Status, utcnow
from syncline.pipeline.messages import SyncMessage
from syncline.pipeline.sync import CIRCUIT_FRESHNESS, Received, process_batch


def test_a_destination_refusing_the_credentials_fails_each_record_at_once_keeping_its_payload() -> None:
    """No retries (retrying cannot fix credentials), the payload kept for the resync; and a
    message moved back to the queue for a Failed row is dropped without a push."""
    with local_stack(StackOptions(records=3, fail_rate=0.0, permanent_failures=False)) as stack:
        stack.warehouse.token = "rotated-elsewhere"  # the warehouse now refuses Syncline's token
        run = stack.wait_for_run(stack.fire(), timeout=60)
        items = list(wiring.sync_store().items_of_run(TENANT, SERVICE, run.run_id))
        assert run.status == RunStatus.FAILED and run.totals.Failed == 3
        for item in items:
            assert item.status == Status.FAILED and item.attempts == 1
            assert item.last_error is not None and item.last_error.code == "authentication_failed"
            assert item.payload is not None  # what a resync sends
        assert stack.dlq_depth() == 0  # failed for good at once, not after five receives

        # A DLQ redrive moves a message back for a Failed row: sync_item drops it without a push,
        # even once the warehouse would take it.
        stack.warehouse.token = "warehouse-token"
        failed = items[0]
        body = SyncMessage(
            tenant_id=TENANT,
            service_id=SERVICE,
            run_id=run.run_id,
            sync_id=failed.sync_id,
            record=failed.payload,
        ).model_dump_json()
        with aws.unobserved():
            result = process_batch(wiring.deps(), [Received("redriven", "", 1, body)])
        assert result.failed_message_ids == []
        assert sum(stack.warehouse.pushes.values()) == 0
        stored = wiring.sync_store().get_item(TENANT, failed.sync_id)
        assert stored is not None and stored.status == Status.FAILED and stored.attempts == 1


def test_an_unreachable_status_the_health_check_stopped_refreshing_is_not_trusted() -> None:
    """If the health check stops, the circuit breaker trusts an Unreachable status for 15 minutes
    only: after that the records are pushed normally."""
    assert CIRCUIT_FRESHNESS == timedelta(minutes=15)
    with local_stack(StackOptions(records=3, fail_rate=0.0, permanent_failures=False)) as stack:
        config = wiring.config_store()
        warehouse = config.require_connector(TENANT, "demo-warehouse")
        warehouse.health_status = HealthStatus.UNREACHABLE
        warehouse.health_checked_at = utcnow() - CIRCUIT_FRESHNESS - timedelta(seconds=5)
        config.put_connector(warehouse)
        run = stack.wait_for_run(stack.fire(), timeout=60)
        assert run.status == RunStatus.OK and run.totals.OK == 3
        assert config.held_records(TENANT, "demo-warehouse") == []

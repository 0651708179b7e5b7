"""The health Lambda against the local stack: operational, unreachable, failed authentication,
and the history of status changes."""

from __future__ import annotations

import pytest

from syncline import aws, wiring
from syncline.local.stack import TENANT, StackOptions, local_stack
from syncline.models import HealthStatus


def test_health_records_each_connector_status_and_its_changes() -> None:
    with local_stack(StackOptions(records=1)) as stack:
        stack.driver.stop()
        config = wiring.config_store()

        assert stack.driver.health() == {"queued": 2}
        for connector_id in ("demo-shop", "demo-warehouse"):
            row = config.require_connector(TENANT, connector_id)
            assert row.health_status == HealthStatus.OPERATIONAL and row.health_checked_at is not None

        # wrong credentials -> Failed Authentication, with the reason; the token never shows up
        wiring.store_credentials(TENANT, "demo-shop", {"token": "wrong-secret-value"})
        wiring.reset()
        # the warehouse goes away -> System Unreachable
        stack.warehouse.stop()
        assert stack.driver.health() == {"queued": 2}
        shop = config.require_connector(TENANT, "demo-shop")
        warehouse = config.require_connector(TENANT, "demo-warehouse")
        assert shop.health_status == HealthStatus.AUTH_FAILED
        assert (
            shop.health_reason
            and "401" in shop.health_reason
            and "wrong-secret-value" not in shop.health_reason
        )
        assert warehouse.health_status == HealthStatus.UNREACHABLE

        # unchanged statuses add no history; changes do
        assert stack.driver.health() == {"queued": 2}
        history = config.health_history(TENANT, "demo-warehouse")
        assert [h["status"] for h in history] == [
            HealthStatus.UNREACHABLE.value,
            HealthStatus.OPERATIONAL.value,
        ]
        assert history[0]["previous"] == HealthStatus.OPERATIONAL.value


def test_updated_credentials_are_picked_up_without_a_redeploy(monkeypatch: pytest.MonkeyPatch) -> None:
    with local_stack(StackOptions(records=1)) as stack:
        stack.driver.stop()
        row = wiring.config_store().require_connector(TENANT, "demo-shop")
        assert wiring.credentials(row.credentials_secret_arn)["token"] == stack.shop.token
        # another container (the API) rotates the secret; this container's cache expires
        aws.client("secretsmanager").put_secret_value(
            SecretId=row.credentials_secret_arn, SecretString='{"token": "rotated-token"}'
        )
        assert wiring.credentials(row.credentials_secret_arn)["token"] == stack.shop.token  # cached
        monkeypatch.setattr(wiring, "CREDENTIALS_TTL_SECONDS", 0.0)
        assert wiring.credentials(row.credentials_secret_arn)["token"] == "rotated-token"

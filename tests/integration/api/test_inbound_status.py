"""An inbound connector's status is what its pushes say: nothing is called to check it, so it is
Unknown until a push has a record accepted, then Connector Operational with the last push and the
last refusal (the first problem: field and message, never the value sent)."""

from __future__ import annotations

from syncline import wiring
from syncline.models import HealthStatus
from tests.integration.api.conftest import Group
from tests.integration.api.test_inbound import bearer, group, push, record

__all__ = ["group"]  # the fixture


def test_status_comes_from_pushes_not_from_a_check(group: Group) -> None:
    status = group.api.get("/connectors/in/status").json()
    assert status["health_status"] == HealthStatus.UNKNOWN.value
    assert status["last_push_at"] is None and status["last_rejection"] is None

    # "check now" calls nothing for an inbound connector: still Unknown, not a made-up Operational
    checked = group.api.post("/connectors/in/check")
    assert checked.status == 200, checked.text
    assert checked.json()["health_status"] == HealthStatus.UNKNOWN.value

    auth = bearer(group, name="erp")
    assert push(group, auth, record(1)).status == 202
    status = group.api.get("/connectors/in/status").json()
    assert status["health_status"] == HealthStatus.OPERATIONAL.value
    assert status["last_push_at"] is not None and status["last_rejection"] is None

    secret_total = "not-a-number-0451"
    refused = push(group, auth, {**record(2), "total": secret_total})
    assert refused.status == 422, refused.text
    status = group.api.get("/connectors/in/status").json()
    assert status["health_status"] == HealthStatus.OPERATIONAL.value
    assert status["last_rejection"] == "record 0: total: must be number"
    assert status["last_rejection_at"] >= status["last_push_at"]
    assert secret_total not in str(status)
    history = wiring.config_store().health_history(group.tenant_id, "in")
    assert [h["status"] for h in history] == [HealthStatus.OPERATIONAL.value]

    # the connector as listed shows the same; other systems' connectors do not carry these fields
    shown = group.api.get("/connectors/in").json()
    assert shown["last_rejection"] == status["last_rejection"]
    assert "last_push_at" not in group.api.get("/connectors/wh").json()

"""The health check fanned out: the schedule queues one message per connector, a batch is checked
side by side (a round takes about as long as its slowest connector, not the sum), and
`POST /connectors/{id}/check` hands a check that can outlive the API's time to the health
function with a status URL to follow."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from syncline import wiring
from syncline.local.lambdas import invoke
from syncline.models import ConnectorConfig, HealthStatus
from syncline.monitor import API_CHECK_SECONDS
from syncline.settings import ENV
from tests.fakes.http import FakeRequest, FakeResponse
from tests.fakes.rest import FakeRest
from tests.integration.api.conftest import AwsEnv, Group, new_group

BATCH = 10


class Gathering(FakeRest):
    """Holds each `GET /` until `together` of them have arrived (at most 8 s, within the client's
    10 s timeout): checks made one after another, or fewer at a time, are answered 503."""

    together = 1

    def route(self, request: FakeRequest) -> FakeResponse:
        if request.path == "/" and self.together > 1:
            try:
                self._barrier.wait(timeout=8)
            except threading.BrokenBarrierError:
                return FakeResponse(503, {"message": "not all together"})
        return super().route(request)

    def gather(self, count: int) -> None:
        self.together = count
        self._barrier = threading.Barrier(count)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gathering]:
    monkeypatch.setenv("SYNCLINE_ALLOW_PRIVATE_NETWORKS", "true")
    with Gathering() as server:
        yield server


def _connector(group: Group, connector_id: str, fake: Gathering, **settings: Any) -> None:
    arn = wiring.store_credentials(group.tenant_id, connector_id, {"token": fake.token})
    wiring.config_store().put_connector(
        ConnectorConfig(
            tenant_id=group.tenant_id,
            connector_id=connector_id,
            system="rest",
            name=connector_id,
            base_url=fake.url,
            credentials_secret_arn=arn,
            settings=settings,
        )
    )


def _health_messages(aws_env: AwsEnv, tenant_id: str) -> list[dict[str, Any]]:
    return [m for m in aws_env.drain(aws_env.env[ENV["health_queue_url"]]) if m["tenant_id"] == tenant_id]


def _sqs_event(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Records": [
            {"messageId": str(n), "receiptHandle": str(n), "body": json.dumps(b), "attributes": {}}
            for n, b in enumerate(bodies)
        ]
    }


def test_one_message_per_connector_and_a_batch_checked_side_by_side(aws_env: AwsEnv, fake: Gathering) -> None:
    group = new_group("fan")
    aws_env.drain(aws_env.env[ENV["health_queue_url"]])
    ids = [f"c{n}" for n in range(BATCH)]
    for connector_id in ids:
        _connector(group, connector_id, fake)
    pushed = {"entity": "orders", "sample": {"id": "A-1"}}
    wiring.config_store().put_connector(
        ConnectorConfig(
            tenant_id=group.tenant_id, connector_id="pushed", system="inbound", name="in", settings=pushed
        )
    )

    queued = invoke("health", {})
    messages = _health_messages(aws_env, group.tenant_id)
    # every checked connector once (the group's three seeded ones too); the inbound one is not
    # checked: its pushes say its status
    assert sorted(m["connector_id"] for m in messages) == sorted([*ids, "erp", "shop", "wh"])
    assert queued["queued"] >= BATCH + 3
    messages = [m for m in messages if m["connector_id"] in ids]

    # The system answers the checks only once all ten are in flight: side by side, they are.
    fake.gather(BATCH)
    result = invoke("health", _sqs_event(messages))
    assert result["checked"] == BATCH and fake.peak_in_flight == BATCH
    for connector_id in ids:
        row = wiring.config_store().require_connector(group.tenant_id, connector_id)
        assert row.health_status == HealthStatus.OPERATIONAL
    assert wiring.config_store().require_connector(group.tenant_id, "pushed").health_status == (
        HealthStatus.UNKNOWN
    )


def test_a_check_longer_than_the_api_waits_answers_202_with_a_status_url(
    aws_env: AwsEnv, fake: Gathering
) -> None:
    group = new_group("slowchk")
    aws_env.drain(aws_env.env[ENV["health_queue_url"]])
    _connector(group, "quick", fake)
    _connector(group, "slow", fake, timeout_seconds=90)

    quick = group.api.post("/connectors/quick/check")
    assert quick.status == 200, quick.text
    assert quick.json()["health_status"] == HealthStatus.OPERATIONAL.value
    assert _health_messages(aws_env, group.tenant_id) == []

    slow = group.api.post("/connectors/slow/check")
    assert slow.status == 202, slow.text
    body = slow.json()
    assert body["status_url"] == "/connectors/slow/status" == slow.headers["location"]
    assert body["health_status"] == HealthStatus.UNKNOWN.value and body["health_checked_at"] is None
    assert API_CHECK_SECONDS < 90
    queued = _health_messages(aws_env, group.tenant_id)
    assert queued == [{"tenant_id": group.tenant_id, "connector_id": "slow"}]

    invoke("health", _sqs_event(queued))  # what the health function's event source delivers
    status = group.api.get(body["status_url"]).json()
    assert status["health_status"] == HealthStatus.OPERATIONAL.value
    assert status["health_checked_at"] >= body["check_requested_at"]

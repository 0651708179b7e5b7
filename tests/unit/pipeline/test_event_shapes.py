from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from syncline.models import Trigger
from syncline.pipeline.handlers import trigger_requests
from syncline.pipeline.sync import received_from_event


def test_trigger_accepts_direct_scheduled_and_queue_shapes() -> None:
    direct = {"tenant_id": "acme", "service_id": "orders", "trigger": "manual"}
    (request,) = trigger_requests(direct)
    assert (request.tenant_id, request.service_id, request.trigger) == ("acme", "orders", Trigger.MANUAL)

    scheduled = {"detail-type": "Scheduled Event", "source": "aws.events", "detail": direct}
    assert trigger_requests(scheduled) == [request]

    continuation = {
        **direct,
        "run_id": "20261124T080000000-abcdef",
        "page": "250",
        "since": "2026-11-01T00:00:00Z",
    }
    queued = {"Records": [{"eventSource": "aws:sqs", "body": json.dumps(continuation)}]}
    (resumed,) = trigger_requests(queued)
    assert resumed.run_id == continuation["run_id"] and resumed.page == "250"


def test_trigger_rejects_a_malformed_request_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="service_id"):
        trigger_requests({"tenant_id": "acme"})
    with pytest.raises(ValidationError, match="tenant_id"):
        trigger_requests({"tenant_id": "a b", "service_id": "orders"})


def test_sqs_records_carry_their_receive_count() -> None:
    event = {
        "Records": [
            {
                "messageId": "m1",
                "receiptHandle": "r1",
                "body": "{}",
                "attributes": {"ApproximateReceiveCount": "3"},
            },
            {"messageId": "m2", "receiptHandle": "r2", "body": "{}", "attributes": {}},
        ]
    }
    first, second = received_from_event(event)
    assert (first.message_id, first.receive_count, second.receive_count) == ("m1", 3, 1)

"""Queues: the shared definition, the redrive policy (retry-then-fail), SSL only, encryption."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from syncline import tables
from syncline.models import DEFAULT_MAX_ATTEMPTS

from .conftest import Synthesized, logical_id, of_type, render


def _queue(resources: dict[str, Any], name: str) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (k, q)
        for k, q in of_type(resources, "AWS::SQS::Queue").items()
        if q["Properties"]["QueueName"] == name
    ]
    return found


@pytest.mark.parametrize("definition", tables.QUEUES, ids=lambda q: q.suffix)
def test_queue_matches_the_shared_definition(resources: dict[str, Any], definition: tables.Queue) -> None:
    _, queue = _queue(resources, definition.name("syncline-dev"))
    props = queue["Properties"]
    assert props["VisibilityTimeout"] == definition.visibility_timeout
    assert props["MessageRetentionPeriod"] == definition.retention_seconds
    assert props["SqsManagedSseEnabled"] is True
    for name, value in definition.attributes.items():
        assert props[name] == value


@pytest.mark.parametrize("definition", [q for q in tables.QUEUES if q.dead_letter], ids=lambda q: q.suffix)
def test_redrive_policy_moves_exhausted_messages_to_the_dead_letter_queue(
    resources: dict[str, Any], definition: tables.Queue
) -> None:
    assert definition.dead_letter is not None
    dlq_id, _ = _queue(resources, definition.dead_letter.name("syncline-dev"))
    _, queue = _queue(resources, definition.name("syncline-dev"))
    assert queue["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": definition.max_receive_count,
    }


def test_sync_queue_allows_max_attempts_receives(resources: dict[str, Any]) -> None:
    _, queue = _queue(resources, "syncline-dev-sync")
    assert queue["Properties"]["RedrivePolicy"]["maxReceiveCount"] == tables.SYNC_QUEUE.max_receive_count
    assert tables.SYNC_QUEUE.max_receive_count == DEFAULT_MAX_ATTEMPTS
    for function in of_type(resources, "AWS::Lambda::Function").values():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["SYNCLINE_QUEUE_MAX_RECEIVE_COUNT"] == str(DEFAULT_MAX_ATTEMPTS)


def test_visibility_timeouts_are_six_times_the_consumer_timeout(resources: dict[str, Any]) -> None:
    functions = {
        f["Properties"]["FunctionName"]: f["Properties"]
        for f in of_type(resources, "AWS::Lambda::Function").values()
    }
    for queue_name, function_name in (
        ("syncline-dev-sync", "syncline-dev-sync-item"),
        ("syncline-dev-trigger", "syncline-dev-trigger"),
        ("syncline-dev-health", "syncline-dev-health"),
    ):
        _, queue = _queue(resources, queue_name)
        timeout = functions[function_name]["Timeout"]
        assert queue["Properties"]["VisibilityTimeout"] >= 6 * timeout
    assert functions["syncline-dev-sync-item"]["Timeout"] == tables.SYNC_ITEM_TIMEOUT_SECONDS
    assert functions["syncline-dev-trigger"]["Timeout"] == tables.TRIGGER_TIMEOUT_SECONDS


def test_every_queue_refuses_plain_http(template: Template, default: Synthesized) -> None:
    policies = template.find_resources("AWS::SQS::QueuePolicy")
    protected: set[str] = set()
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in statements
        )
        protected.update(render(q) for q in policy["Properties"]["Queues"])
    assert protected == {logical_id(q) for q in default.stack.queues.queues.values()}
    template.has_resource_properties(
        "AWS::SQS::Queue", {"QueueName": "syncline-dev-sync-dlq", "RedrivePolicy": Match.absent()}
    )


def test_queues_go_with_the_stack(resources: dict[str, Any]) -> None:
    for queue in of_type(resources, "AWS::SQS::Queue").values():
        assert queue["DeletionPolicy"] == "Delete"

"""Each pipeline function's code makes only the AWS calls its role allows, and its role allows
nothing its code never calls: the handlers run against moto (the local stack) with every call
recorded as the IAM action and resource it needs, compared with ``syncline.aws_calls``, which the
CDK app grants (tests/infra/test_iam.py checks the roles against the same table)."""

from __future__ import annotations

import pytest

from syncline import aws_calls
from syncline.local.stack import StackOptions, local_stack

from ..aws_calls import call_sites, listed, recording

# What the Lambda event source does with a function's queue, not the function's code.
EVENT_SOURCE = {
    (action, queue)
    for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
    for queue in (aws_calls.SYNC_QUEUE, aws_calls.TRIGGER_QUEUE, aws_calls.HEALTH_QUEUE)
}


def test_the_pipeline_functions_make_no_call_their_role_does_not_allow() -> None:
    options = StackOptions(
        records=12,
        fail_rate=0.3,
        permanent_failures=True,
        page_size=5,
        max_attempts=2,
        retry_base_seconds=0,
        retry_max_seconds=0,
        # every page of the pull is a continuation on the trigger queue
        env={"SYNCLINE_TRIGGER_BUDGET_SECONDS": "0.001", "SYNCLINE_RECONCILE_GRACE_SECONDS": "0"},
    )
    with local_stack(options) as stack:
        driver = stack.driver
        driver.stop()  # this test plays the event sources and the schedules
        stack.shop.orders[0]["note"] = "x" * 300_000  # too large for a message: kept in S3
        with recording(stack.aws.env) as recorder:
            with recorder.function("trigger"):
                stack.fire()
                while driver.trigger.poll_once():
                    pass
            with recorder.function("sync_item"):
                driver.sync.timeout_seconds = 20  # no time for a push: fresh copies, no attempt
                driver.sync.poll_once()
                driver.sync.timeout_seconds = 330
                while any(driver.queue_depths().values()):
                    driver.sync.poll_once()
            with recorder.function("health"):
                driver.health()
            with recorder.function("reconcile"):
                driver.reconcile()
            with recorder.function("alerts"):
                driver.alerts()
    assert set(recorder.calls) == {"trigger", "sync_item", "health", "reconcile", "alerts"}
    for name, calls in recorder.calls.items():
        unlisted = calls - EVENT_SOURCE - listed(name)
        assert not unlisted, f"{name} calls what its role does not allow: {sorted(unlisted)}"
    # the paths this scenario is about were taken
    assert ("s3:PutObject", aws_calls.OBJECTS) in recorder.calls["trigger"]
    assert ("sqs:SendMessage", aws_calls.TRIGGER_QUEUE) in recorder.calls["trigger"]
    assert ("s3:GetObject", aws_calls.OBJECTS) in recorder.calls["sync_item"]
    assert ("sqs:SendMessage", aws_calls.SYNC_QUEUE) in recorder.calls["sync_item"]
    assert ("dynamodb:UpdateItem", aws_calls.CONFIG) in recorder.calls["sync_item"]  # the rate budget


@pytest.mark.parametrize("name", sorted(aws_calls.AWS_CALLS))
def test_every_granted_action_has_a_call_in_the_functions_code(name: str) -> None:
    """No action without a call: each listed action is needed by some AWS call in the code the
    handler imports, statically: an over-estimate of what one function reaches, but an action no
    code calls at all (UpdateSecret, TagResource, GetSchedule, ListBucket, ConditionCheckItem)
    fails this."""
    actions = {action for action, _ in listed(name)}
    assert actions <= call_sites(name), actions - call_sites(name)

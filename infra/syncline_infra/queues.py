"""Queues: the sync and trigger queues and their dead-letter queues, and the health check's queue,
from ``syncline.tables``.

The redrive policy is the retry-then-fail rule: after ``max_receive_count`` receives a message
moves to its dead-letter queue. Every queue is encrypted (SSE-SQS) and refuses non-TLS requests.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from syncline import tables

from .context import StageConfig


class Queues(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.definitions: dict[str, tables.Queue] = {}
        self.queues: dict[str, sqs.Queue] = {}
        # tables.QUEUES lists every dead-letter queue before the queue that redrives to it.
        for definition in tables.QUEUES:
            self.queues[definition.logical_id] = self._queue(definition, config)
            self.definitions[definition.logical_id] = definition
        self.sync_queue = self.queues[tables.SYNC_QUEUE.logical_id]
        self.sync_dlq = self.queues[tables.SYNC_DLQ.logical_id]
        self.trigger_queue = self.queues[tables.TRIGGER_QUEUE.logical_id]
        self.trigger_dlq = self.queues[tables.TRIGGER_DLQ.logical_id]
        self.health_queue = self.queues[tables.HEALTH_QUEUE.logical_id]
        Validations.of(self.health_queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason=(
                    "Health checks to make, one message per connector: a check that could not be made "
                    "is superseded by the next scheduled round, so nothing is kept for inspection."
                ),
            )
        )
        # The trigger's on-failure destination (scheduled invocations that failed or expired).
        self.trigger_failures = self._queue(tables.TRIGGER_FAILURES, config)
        self.queues[tables.TRIGGER_FAILURES.logical_id] = self.trigger_failures
        Validations.of(self.trigger_failures).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason=(
                    "The trigger's on-failure destination plays the part of a dead-letter queue: "
                    "nothing consumes it, operators read and purge it (its alarm fires on one message)."
                ),
            )
        )
        self.definitions[tables.TRIGGER_FAILURES.logical_id] = tables.TRIGGER_FAILURES

    def _queue(self, definition: tables.Queue, config: StageConfig) -> sqs.Queue:
        dead_letter = None
        if definition.dead_letter is not None:
            if definition.max_receive_count is None:
                raise ValueError(f"{definition.logical_id}: a dead-letter queue needs max_receive_count")
            dead_letter = sqs.DeadLetterQueue(
                queue=self.queues[definition.dead_letter.logical_id],
                max_receive_count=definition.max_receive_count,
            )
        queue = sqs.Queue(
            self,
            definition.logical_id,
            queue_name=definition.name(config.prefix),
            visibility_timeout=Duration.seconds(definition.visibility_timeout),
            retention_period=Duration.seconds(definition.retention_seconds),
            dead_letter_queue=dead_letter,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Queues hold only messages in flight (a dead-lettered record is already Failed in the
            # report, where it can be resynced): they go with the stack, and a redeploy of the
            # stage never collides with a leftover queue of the same name.
            removal_policy=RemovalPolicy.DESTROY,
        )
        cfn = queue.node.default_child
        assert isinstance(cfn, sqs.CfnQueue)
        # Any further SQS attribute of the shared definition (CloudFormation uses the API names).
        for name, value in definition.attributes.items():
            cfn.add_property_override(name, value)
        return queue

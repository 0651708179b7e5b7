"""The one definition of Syncline's DynamoDB tables and SQS queues.

The local stack creates them from here with boto3; the CDK app builds its constructs from
here too, so local and deployed topology cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from syncline.models import DEFAULT_MAX_ATTEMPTS

Projection = Literal["ALL", "KEYS_ONLY"]


@dataclass(frozen=True)
class Index:
    name: str
    pk: str
    sk: str
    projection: Projection


@dataclass(frozen=True)
class Table:
    logical_id: str
    suffix: str
    pk: str = "PK"
    sk: str = "SK"
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None

    def name(self, prefix: str) -> str:
        return f"{prefix}-{self.suffix}"

    def key_attributes(self) -> list[str]:
        names = [self.pk, self.sk]
        for index in self.indexes:
            names += [index.pk, index.sk]
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Queue:
    logical_id: str
    suffix: str
    visibility_timeout: int
    retention_seconds: int = 14 * 24 * 3600
    dead_letter: Queue | None = None
    max_receive_count: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    def name(self, prefix: str) -> str:
        return f"{prefix}-{self.suffix}"


# config: company groups, connectors, services, cursors, API keys, lookup tables.
#   PK = T#<tenant>            SK = CONNECTOR#<id> | SERVICE#<id> | CURSOR#<service> | TENANT
#   PK = TENANTS               SK = <tenant>        (the list of company groups, for health checks)
#   PK = KEY#<sha256>          SK = KEY             (API keys, stored hashed)
#   PK = T#<tenant>            SK = APIKEY#<sha256> (a company group's keys, for listing and revoking)
#   PK = T#<tenant>            SK = EXPORT#<id>     (large CSV export jobs; expire after a day)
#   PK = T#<tenant>            SK = HEALTH#<connector>#<time> (connector status history, 90 days)
#   PK = T#<tenant>#HOLD#<connector>  SK = <sync_id>  (a message the circuit breaker put back while the
#                              connector was unreachable; released when it is Operational again)
CONFIG = Table(logical_id="ConfigTable", suffix="config", ttl_attribute="expires_at")

# syncs: sync items (report rows), runs and fan-out pages. Every index projects keys only: an
# outcome write that leaves an index key alone costs that index nothing, and a search reads the
# base rows it returns. A record queued and not yet attempted has no row: its run's fan-out page
# lists it (Pending in the report); the first attempt's claim creates the row with the keys of
# by_service and by_ref, which never change after that (a resync moves a row to another run).
#   item  PK = <tenant>#I#<sync_id>  SK = I
#         GSI1 by_status    <tenant>#S#<status>#<service_id>#<shard>  <updated_at>#<sync_id>
#                           (sparse: only Failed and Sent rows, the ones that need attention)
#         GSI2 by_service   <tenant>#V#<service_id>#<shard>  <run_id>#<sync_id>  (run ids are time ordered)
#         GSI3 by_ref       <tenant>#REF#<yyyymmdd>#<shard>  <reference>#<sync_id>  (exact or prefix;
#                           the day the row was created, so a window reads only its days)
#   page  PK = <tenant>#P#<run_id>   SK = P#<digest of its sync ids>  (the records one fan-out page
#         queued: sync ids, references, source ids; what Pending searches and recovery read)
#   run   PK = <tenant>#R#<run_id>   SK = R
#         GSI1 by_status    <tenant>#RUNS                    <started_at>#<run_id>
#         GSI2 by_service   <tenant>#RUNS#<service_id>       <run_id>
# <shard> = int(sync_id[:2], 16) % SHARDS spreads the writes of a busy company group, and of a
# busy service, over several partitions per index (DynamoDB takes at most 1,000 write units a
# second per partition key); searches query every shard and merge the sorted streams.
SHARDS = 4
BY_STATUS = Index("by_status", "GSI1PK", "GSI1SK", "KEYS_ONLY")
BY_SERVICE = Index("by_service", "GSI2PK", "GSI2SK", "KEYS_ONLY")
BY_REF = Index("by_ref", "GSI3PK", "GSI3SK", "KEYS_ONLY")
SYNCS = Table(
    logical_id="SyncsTable",
    suffix="syncs",
    indexes=(BY_STATUS, BY_SERVICE, BY_REF),
    ttl_attribute="expires_at",
)
# Indexes earlier versions had. A deployed stack drops them one per deploy (CloudFormation deletes
# at most one index of a table per update: the infra's `keepIndexes` context key keeps the other
# for the first deploy), and `syncline migrate` removes their attributes from the rows.
RETIRED_INDEXES = (
    Index("by_source", "GSI4PK", "GSI4SK", "KEYS_ONLY"),
    Index("by_endpoint", "GSI5PK", "GSI5SK", "KEYS_ONLY"),
)
RETIRED_INDEX_ATTRIBUTES = tuple(name for index in RETIRED_INDEXES for name in (index.pk, index.sk))

TABLES = (CONFIG, SYNCS)

# The longest one push may take, whatever its connector's settings allow: every connector's
# `max_push_seconds` at its settings' upper limits stays within it (tests/unit/connectors checks
# each one): HTTP 30 s connect + 90 s answer + 30 s of waits; SFTP 20 s connect + 1 + 60 s to open
# the SFTP session + 60 s for the write.
MAX_PUSH_SECONDS = 150
# What sync_item keeps after its last push: the outcome write and the batch's flush (DLQ sends,
# fresh copies, run totals, visibility changes). A push starts only with its connector's
# `max_push_seconds` plus this left in the invocation.
SYNC_FLUSH_SECONDS = 10
# sync_item's timeout: a batch's start (a cold start, the service, its connectors and their
# secrets: 20 s), the slowest record (a resync with refetch: one source call, then the push) and
# the flush. The sync queue's redrive policy implements retry-then-fail: after max_attempts
# receives the message moves to the dead-letter queue; its visibility timeout is 6x the function's
# timeout, as AWS recommends for SQS event sources.
SYNC_ITEM_TIMEOUT_SECONDS = 20 + 2 * MAX_PUSH_SECONDS + SYNC_FLUSH_SECONDS
# sync_item's memory (arm64). Its batches mostly wait for destinations and Lambda bills memory x
# time, so it gets the smallest size its work fits in with room to spare: a warm container peaks
# at about 125 MB (runtime, boto3 clients, 16 kept connectors; measured on the dev box). The
# infra and the cost model of bench/pipeline.py read it here.
SYNC_ITEM_MEMORY_MB = 256
# SQS event sources want a visibility timeout of 6x the function's timeout.
VISIBILITY_PER_TIMEOUT = 6
SYNC_DLQ = Queue(logical_id="SyncDeadLetterQueue", suffix="sync-dlq", visibility_timeout=30)
SYNC_QUEUE = Queue(
    logical_id="SyncQueue",
    suffix="sync",
    visibility_timeout=VISIBILITY_PER_TIMEOUT * SYNC_ITEM_TIMEOUT_SECONDS,
    dead_letter=SYNC_DLQ,
    max_receive_count=DEFAULT_MAX_ATTEMPTS,
)
# Continuations of pulls too large for one trigger invocation (and manual runs) go through here.
TRIGGER_TIMEOUT_SECONDS = 300
TRIGGER_MEMORY_MB = 512
TRIGGER_DLQ = Queue(logical_id="TriggerDeadLetterQueue", suffix="trigger-dlq", visibility_timeout=30)
TRIGGER_QUEUE = Queue(
    logical_id="TriggerQueue",
    suffix="trigger",
    visibility_timeout=VISIBILITY_PER_TIMEOUT * TRIGGER_TIMEOUT_SECONDS,
    dead_letter=TRIGGER_DLQ,
    max_receive_count=3,
)
# The health check's fan-out: one message per connector to check (the scheduled run sends them,
# `POST /connectors/{id}/check` one when the check outlives the API's time). No dead-letter queue:
# a check that could not be done is superseded by the next round, so one kept an hour is enough.
HEALTH_TIMEOUT_SECONDS = 180
HEALTH_QUEUE = Queue(
    logical_id="HealthQueue",
    suffix="health",
    visibility_timeout=VISIBILITY_PER_TIMEOUT * HEALTH_TIMEOUT_SECONDS,
    retention_seconds=3600,
)
# Connectors one health invocation checks side by side (the event source's batch).
HEALTH_BATCH_SIZE = 10
QUEUES = (SYNC_DLQ, SYNC_QUEUE, TRIGGER_DLQ, TRIGGER_QUEUE, HEALTH_QUEUE)
# Where Lambda records a scheduled trigger invocation that failed (asynchronous invocations are
# not retried: the next scheduled run pulls from the same cursor) or waited too long to run. Only
# the deployed stack has it (locally the schedule calls the trigger directly).
TRIGGER_FAILURES = Queue(logical_id="TriggerFailureQueue", suffix="trigger-failed", visibility_timeout=30)
# How long Lambda keeps a scheduled trigger invocation it could not start yet (throttled).
TRIGGER_MAX_EVENT_AGE_SECONDS = 3600
# The reconciler's timeout and schedule (it re-queues lost records and closes runs).
RECONCILE_TIMEOUT_SECONDS = 300
RECONCILE_RATE_MINUTES = 5
# The health check's default fixed rate (the healthRateMinutes context key).
HEALTH_RATE_MINUTES = 5
# The alerts tick: every minute (a window is 5 minutes at least); it only reads when nothing is due.
ALERTS_TIMEOUT_SECONDS = 120
ALERTS_RATE_MINUTES = 1


def create_table_request(table: Table, prefix: str) -> dict[str, Any]:
    """CreateTable arguments (on-demand) for boto3, used by the local stack and tests."""
    request: dict[str, Any] = {
        "TableName": table.name(prefix),
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in table.key_attributes()],
        "KeySchema": [
            {"AttributeName": table.pk, "KeyType": "HASH"},
            {"AttributeName": table.sk, "KeyType": "RANGE"},
        ],
    }
    if table.indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.pk, "KeyType": "HASH"},
                    {"AttributeName": index.sk, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": index.projection},
            }
            for index in table.indexes
        ]
    return request


def create_queue_attributes(queue: Queue, dead_letter_arn: str | None) -> dict[str, str]:
    attributes = {
        "VisibilityTimeout": str(queue.visibility_timeout),
        "MessageRetentionPeriod": str(queue.retention_seconds),
        **queue.attributes,
    }
    if queue.dead_letter is not None:
        if dead_letter_arn is None:
            raise ValueError(f"{queue.suffix}: dead-letter queue ARN required")
        import json

        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": queue.max_receive_count}
        )
    return attributes

"""The AWS calls each function's code makes, as the IAM actions they need, by resource.

The CDK app grants each function's role exactly these (infra/syncline_infra/permissions.py), and
tests check both ways: the synthesized roles against this table (tests/infra/test_iam.py), and
this table against the calls the handlers make when run against moto (tests/integration/
test_aws_calls.py: no call without its action here, no action here that no call needs).

Resources: the two tables (reads cover their indexes), the queues, the bucket's objects, the
connector secrets (under the stage's prefix), the service schedules (the schedule group) and the
alert email identity. What Lambda itself does for a function (logs, traces, reading its event
source queue, its failure destination) is the infra's, not listed here.
"""

from __future__ import annotations

CONFIG, SYNCS = "config", "syncs"
SYNC_QUEUE, SYNC_DLQ, TRIGGER_QUEUE = "sync-queue", "sync-dlq", "trigger-queue"
HEALTH_QUEUE = "health-queue"
OBJECTS, SECRETS, SCHEDULES, ALERT_EMAIL = "objects", "secrets", "schedules", "alert-email"

Calls = dict[str, tuple[str, ...]]

_READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")

AWS_CALLS: dict[str, Calls] = {
    # pull, open the run, fan out (pages, Failed rows, messages, large records to S3), confirm
    # Sent rows, move the cursor, hand over continuations; the source's rate budget (config).
    "trigger": {
        CONFIG: ("dynamodb:GetItem", "dynamodb:UpdateItem"),
        SYNCS: (
            *_READ,
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
        ),
        SYNC_QUEUE: ("sqs:SendMessage",),
        TRIGGER_QUEUE: ("sqs:SendMessage",),
        OBJECTS: ("s3:PutObject",),
        SECRETS: ("secretsmanager:GetSecretValue",),
    },
    # claim, push, write the outcome and the run's totals; fresh copies, growing visibility
    # timeouts, the DLQ; large records from S3 (and a refetched one to S3); the destination's rate
    # budget, lookup tables and the records the circuit breaker holds (config).
    "sync_item": {
        CONFIG: ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"),
        SYNCS: (*_READ, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        SYNC_QUEUE: ("sqs:SendMessage", "sqs:ChangeMessageVisibility"),
        SYNC_DLQ: ("sqs:SendMessage",),
        OBJECTS: ("s3:GetObject", "s3:PutObject"),
        SECRETS: ("secretsmanager:GetSecretValue",),
    },
    # every company group's connectors (one health-queue message each), their status and history;
    # the rate budget of the check; the records held for a connector found Operational, sent again.
    "health": {
        CONFIG: (
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:BatchWriteItem",
        ),
        SYNC_QUEUE: ("sqs:SendMessage",),
        HEALTH_QUEUE: ("sqs:SendMessage",),
        SECRETS: ("secretsmanager:GetSecretValue",),
    },
    # lost Pending rows re-queued (large ones to S3) or settled, runs ended and closed.
    "reconcile": {
        CONFIG: ("dynamodb:GetItem", "dynamodb:Query"),
        SYNCS: (*_READ, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        SYNC_QUEUE: ("sqs:SendMessage", "sqs:GetQueueAttributes"),
        OBJECTS: ("s3:PutObject",),
    },
    # its lease, state rows and history; failures and runs; credentials to mask; auto-pause
    # (the service row and its schedule); the emails.
    "alerts": {
        CONFIG: (*_READ, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        SYNCS: _READ,
        SECRETS: ("secretsmanager:GetSecretValue",),
        SCHEDULES: ("scheduler:DeleteSchedule",),
        ALERT_EMAIL: ("ses:SendEmail",),
    },
    # the API: configuration (transactions of puts and deletes), reports, resyncs and run now,
    # inbound pushes, CSV exports (multipart uploads, read back, aborted), connector secrets,
    # service schedules (with the scheduler's role); connector checks (a slow one to the health
    # queue; an Operational one's held records sent again).
    "report_api": {
        CONFIG: (
            *_READ,
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
        ),
        SYNCS: (
            *_READ,
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
        ),
        SYNC_QUEUE: ("sqs:SendMessage",),
        TRIGGER_QUEUE: ("sqs:SendMessage",),
        HEALTH_QUEUE: ("sqs:SendMessage",),
        OBJECTS: ("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"),
        SECRETS: (
            "secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret",
            "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue",
            "secretsmanager:DeleteSecret",
        ),
        SCHEDULES: ("scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"),
    },
}

# boto3 operations that IAM authorises under another action's name.
IAM_ACTION = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "s3:CreateMultipartUpload": "s3:PutObject",
    "s3:UploadPart": "s3:PutObject",
    "s3:CompleteMultipartUpload": "s3:PutObject",
    "s3:HeadObject": "s3:GetObject",
    "s3:ListObjectsV2": "s3:ListBucket",
    "sesv2:SendEmail": "ses:SendEmail",
}
# A DynamoDB transaction is authorised item by item.
TRANSACTION_ACTION = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}

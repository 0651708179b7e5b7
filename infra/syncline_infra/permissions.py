"""Least-privilege IAM for each function, in one place so it reads as a table.

  function    DynamoDB              SQS                                        other
  trigger     config rw, syncs rw   send: sync, trigger; consume trigger       bucket, secrets read
  sync_item   config r, syncs rw    send+visibility: sync, sync DLQ; consume   bucket, secrets read
  health      config rw             -                                          secrets read
  reconcile   config r, syncs rw    send + queue depth: sync                   bucket read
  alerts      config rw, syncs r    -                                          secrets read, delete a
                                                                             schedule, SES send (its
                                                                             identity + config set)
  report_api  config rw, syncs rw   send: sync, trigger; DLQ receive/delete    bucket, secrets manage,
                                                                             schedules

Reads name every index; no function may Scan (DESIGN invariant 4). Wildcards remain only where
names are made at runtime (connector secrets, objects, schedules) and for X-Ray; each is
acknowledged for cdk-nag next to the statement that needs it.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, ArnFormat, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

from syncline import tables

from .alert_email import AlertEmail
from .context import StageConfig
from .data import Data
from .functions import Functions
from .queues import Queues

DYNAMODB_READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")
DYNAMODB_WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
SECRETS_READ = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
SECRETS_MANAGE = (
    *SECRETS_READ,
    "secretsmanager:CreateSecret",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:TagResource",
)
OBJECTS_READ_WRITE = ("s3:GetObject", "s3:PutObject")
SES_SEND = ("ses:SendEmail",)  # SESv2 SendEmail, raw content included


def grant_all(
    config: StageConfig,
    functions: Functions,
    data: Data,
    queues: Queues,
    alert_email: AlertEmail | None = None,
) -> None:
    stack = Stack.of(functions)
    config_table, syncs_table = tables.CONFIG.logical_id, tables.SYNCS.logical_id

    def read(role: iam.Role, logical_id: str) -> None:
        table = data.tables[logical_id]
        _allow(role, f"Read{logical_id}", DYNAMODB_READ, [table.table_arn, *data.index_arns(logical_id)])

    def read_write(role: iam.Role, logical_id: str) -> None:
        read(role, logical_id)
        _allow(role, f"Write{logical_id}", DYNAMODB_WRITE, [data.tables[logical_id].table_arn])

    secrets_arn = stack.format_arn(
        service="secretsmanager",
        resource="secret",
        resource_name=f"{config.secrets_prefix}*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )

    def secrets(role: iam.Role, actions: tuple[str, ...]) -> None:
        _allow(role, "ConnectorSecrets", actions, [secrets_arn])
        _acknowledge_wildcard(
            role,
            "Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:"
            f"{config.secrets_prefix}*",
            f"Connector credentials are secrets created at runtime, one per connector, under "
            f"'{config.secrets_prefix}'; the prefix is the narrowest name known at deploy time.",
        )

    def objects(role: iam.Role) -> None:
        _allow(role, "ListBucket", ("s3:ListBucket",), [data.bucket.bucket_arn])
        _allow(role, "Objects", OBJECTS_READ_WRITE, [data.bucket.arn_for_objects("*")])
        _acknowledge_wildcard(
            role,
            f"Resource::<{_logical_id(data.bucket)}.Arn>/*",
            "Export and payload-snapshot keys are made at runtime (company group, run and sync ids); "
            "the grant is Get/Put on objects of Syncline's own bucket only.",
        )

    def on_queues(role: iam.Role, sid: str, actions: tuple[str, ...], *queue_ids: str) -> None:
        _allow(role, sid, actions, [queues.queues[q].queue_arn for q in queue_ids])

    def email(role: iam.Role) -> None:
        if alert_email is None:
            return
        _allow(role, "SendAlerts", SES_SEND, [alert_email.identity_arn, alert_email.configuration_set_arn])

    # trigger: pull, open the run, fan out, advance the cursor, hand over continuations.
    role = functions.roles["trigger"]
    read_write(role, config_table)
    read_write(role, syncs_table)
    on_queues(
        role, "FanOut", ("sqs:SendMessage",), tables.SYNC_QUEUE.logical_id, tables.TRIGGER_QUEUE.logical_id
    )
    objects(role)
    secrets(role, SECRETS_READ)

    # sync_item: push, record the outcome, set the growing visibility timeout, dead-letter.
    role = functions.roles["sync_item"]
    read(role, config_table)
    read_write(role, syncs_table)
    on_queues(
        role,
        "RetryAndDeadLetter",
        ("sqs:SendMessage", "sqs:ChangeMessageVisibility"),
        tables.SYNC_QUEUE.logical_id,
        tables.SYNC_DLQ.logical_id,
    )
    objects(role)
    secrets(role, SECRETS_READ)

    # health: read every connector's credentials, record its health.
    role = functions.roles["health"]
    read_write(role, config_table)
    secrets(role, SECRETS_READ)

    # reconcile: find Pending items that lost their message and open runs, re-queue or settle them.
    role = functions.roles["reconcile"]
    read(role, config_table)
    read_write(role, syncs_table)
    on_queues(role, "Requeue", ("sqs:SendMessage", "sqs:GetQueueAttributes"), tables.SYNC_QUEUE.logical_id)
    objects(role)

    # report_api: the API manages connectors (and their secrets), services, resyncs and runs.
    role = functions.roles["report_api"]
    read_write(role, config_table)
    read_write(role, syncs_table)
    on_queues(
        role, "Enqueue", ("sqs:SendMessage",), tables.SYNC_QUEUE.logical_id, tables.TRIGGER_QUEUE.logical_id
    )
    on_queues(
        role,
        "QueueDepth",
        ("sqs:GetQueueAttributes",),
        tables.SYNC_QUEUE.logical_id,
        tables.TRIGGER_QUEUE.logical_id,
    )
    on_queues(
        role,
        "RedriveDeadLetters",
        ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"),
        tables.SYNC_DLQ.logical_id,
    )
    objects(role)
    secrets(role, SECRETS_MANAGE)

    # alerts: read the failures and runs, keep its state rows and history, pause a service (its
    # row; its schedule: Schedules.grant_delete), mask credentials in what it quotes, send.
    role = functions.roles["alerts"]
    read_write(role, config_table)
    read(role, syncs_table)
    secrets(role, SECRETS_READ)
    email(role)


def _allow(role: iam.Role, sid: str, actions: tuple[str, ...], resources: list[str]) -> None:
    role.add_to_principal_policy(
        iam.PolicyStatement(sid=sid, effect=iam.Effect.ALLOW, actions=list(actions), resources=resources)
    )


def _acknowledge_wildcard(role: iam.Role, finding: str, reason: str) -> None:
    Validations.of(role).acknowledge(Acknowledgment(id=f"AwsSolutions-IAM5[{finding}]", reason=reason))


def _logical_id(construct: IConstruct) -> str:
    child = construct.node.default_child
    assert child is not None
    return Stack.of(construct).get_logical_id(child)  # type: ignore[arg-type]

"""Least-privilege IAM for each function: exactly the calls its code makes.

What each function calls is listed in ``syncline.aws_calls`` (next to the code, checked against
the calls the handlers make); this module turns each entry into a statement on the resource it
names. Reads name every index; no function may Scan (DESIGN invariant 4). Wildcards remain only
where names are made at runtime (connector secrets, objects, schedules) and for X-Ray; each is
acknowledged for cdk-nag next to the statement that needs it.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_cdk import Acknowledgment, ArnFormat, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

from syncline import aws_calls, tables

from .alert_email import AlertEmail
from .context import StageConfig
from .data import Data
from .functions import Functions
from .queues import Queues
from .schedules import Schedules


def grant_all(
    config: StageConfig,
    functions: Functions,
    data: Data,
    queues: Queues,
    schedules: Schedules,
    alert_email: AlertEmail | None = None,
) -> None:
    stack = Stack.of(functions)
    secrets_arn = stack.format_arn(
        service="secretsmanager",
        resource="secret",
        resource_name=f"{config.secrets_prefix}*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )

    def table(role: iam.Role, sid: str, logical_id: str, actions: tuple[str, ...]) -> None:
        arn = data.tables[logical_id].table_arn
        reads = tuple(a for a in actions if a in _TABLE_READS)
        writes = tuple(a for a in actions if a not in _TABLE_READS)
        if reads:  # a read may go to an index (Query) as well as to the table
            _allow(role, f"Read{logical_id}", reads, [arn, *data.index_arns(logical_id)])
        if writes:
            _allow(role, f"Write{logical_id}", writes, [arn])

    def secrets(role: iam.Role, sid: str, actions: tuple[str, ...]) -> None:
        _allow(role, "ConnectorSecrets", actions, [secrets_arn])
        _acknowledge_wildcard(
            role,
            "Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:"
            f"{config.secrets_prefix}*",
            f"Connector credentials are secrets created at runtime, one per connector, under "
            f"'{config.secrets_prefix}'; the prefix is the narrowest name known at deploy time.",
        )

    def objects(role: iam.Role, sid: str, actions: tuple[str, ...]) -> None:
        _allow(role, "Objects", actions, [data.bucket.arn_for_objects("*")])
        _acknowledge_wildcard(
            role,
            f"Resource::<{_logical_id(data.bucket)}.Arn>/*",
            "Export and payload-snapshot keys are made at runtime (company group, run and sync ids); "
            "the grant is on objects of Syncline's own bucket only.",
        )

    def queue(logical_id: str) -> Grant:
        def grant(role: iam.Role, sid: str, actions: tuple[str, ...]) -> None:
            _allow(role, sid, actions, [queues.queues[logical_id].queue_arn])

        return grant

    def service_schedules(role: iam.Role, sid: str, actions: tuple[str, ...]) -> None:
        schedules.grant(role, actions)

    def email(role: iam.Role, sid: str, actions: tuple[str, ...]) -> None:
        if alert_email is None:  # without an alert sender nothing is sent
            return
        # SES authorises a send against the sender's identity and, while the account is in the SES
        # sandbox, against each recipient's verified identity too: any identity of this account and
        # region, but only for mail from the alert sender's address.
        identities = stack.format_arn(service="ses", resource="identity", resource_name="*")
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid=sid,
                actions=list(actions),
                resources=[identities, alert_email.configuration_set_arn],
                conditions={"StringEquals": {"ses:FromAddress": config.alert_from}},
            )
        )
        _acknowledge_wildcard(
            role,
            "Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*",
            "In the SES sandbox a send is also authorised against each recipient's verified identity, "
            "which the deploy cannot know; the grant is on this account's identities only, and only "
            f"for mail from {config.alert_from} (ses:FromAddress).",
        )

    grants: dict[str, Grant] = {
        aws_calls.CONFIG: lambda r, sid, a: table(r, sid, tables.CONFIG.logical_id, a),
        aws_calls.SYNCS: lambda r, sid, a: table(r, sid, tables.SYNCS.logical_id, a),
        aws_calls.SYNC_QUEUE: queue(tables.SYNC_QUEUE.logical_id),
        aws_calls.SYNC_DLQ: queue(tables.SYNC_DLQ.logical_id),
        aws_calls.TRIGGER_QUEUE: queue(tables.TRIGGER_QUEUE.logical_id),
        aws_calls.HEALTH_QUEUE: queue(tables.HEALTH_QUEUE.logical_id),
        aws_calls.OBJECTS: objects,
        aws_calls.SECRETS: secrets,
        aws_calls.SCHEDULES: service_schedules,
        aws_calls.ALERT_EMAIL: email,
    }
    for name, calls in aws_calls.AWS_CALLS.items():
        role = functions.roles[name]
        for resource, actions in calls.items():
            sid = "".join(part.capitalize() for part in resource.split("-"))
            grants[resource](role, sid, actions)


Grant = Callable[[iam.Role, str, tuple[str, ...]], None]
_TABLE_READS = frozenset({"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"})


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

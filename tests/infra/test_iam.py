"""IAM: each function's whole policy, pinned action by action and resource by resource.

A change to what a function may do has to change this file too, which is the point.
"""

from __future__ import annotations

from typing import Any

import pytest

from syncline import tables

from .conftest import Synthesized, as_list, grants, logical_id, of_type, render, role_statements

XRAY = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")
LOGS = ("logs:CreateLogStream", "logs:PutLogEvents")
CONSUME = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
)
DDB_READ = ("dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query")
DDB_WRITE = (
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)
SECRETS_READ = ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
SECRETS_WRITE = (
    "secretsmanager:CreateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:PutSecretValue",
    "secretsmanager:TagResource",
    "secretsmanager:UpdateSecret",
)
SCHEDULES = (
    "scheduler:CreateSchedule",
    "scheduler:DeleteSchedule",
    "scheduler:GetSchedule",
    "scheduler:UpdateSchedule",
)
ARN = "arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}:%s"


class Expected:
    def __init__(self) -> None:
        self.allowed: dict[str, set[str]] = {}

    def allow(self, actions: tuple[str, ...], *resources: str) -> Expected:
        for action in actions:
            self.allowed.setdefault(action, set()).update(resources)
        return self


def _expected(stack: Any, name: str) -> dict[str, set[str]]:
    data, queues, functions = stack.data, stack.queues, stack.functions
    config, syncs = f"{logical_id(data.config_table)}.Arn", f"{logical_id(data.syncs_table)}.Arn"
    indexes = [f"{syncs}/index/{index.name}" for index in tables.SYNCS.indexes]
    sync_queue, sync_dlq = f"{logical_id(queues.sync_queue)}.Arn", f"{logical_id(queues.sync_dlq)}.Arn"
    trigger_queue = f"{logical_id(queues.trigger_queue)}.Arn"
    bucket = f"{logical_id(data.bucket)}.Arn"
    secrets = ARN % ("secretsmanager", "secret:syncline/dev/*")

    expected = Expected()
    expected.allow(XRAY, "*").allow(LOGS, f"{logical_id(functions.log_groups[name])}.Arn")
    if name not in ("health", "alerts"):
        expected.allow(("s3:ListBucket",), bucket).allow(("s3:GetObject", "s3:PutObject"), f"{bucket}/*")
    if name == "trigger":
        expected.allow(CONSUME, trigger_queue)
        expected.allow(("sqs:SendMessage",), sync_queue, trigger_queue)
        expected.allow(DDB_READ, config, syncs, *indexes).allow(DDB_WRITE, config, syncs)
        expected.allow(SECRETS_READ, secrets)
    elif name == "sync_item":
        expected.allow(CONSUME, sync_queue)
        expected.allow(("sqs:SendMessage", "sqs:ChangeMessageVisibility"), sync_queue, sync_dlq)
        expected.allow(DDB_READ, config, syncs, *indexes).allow(DDB_WRITE, syncs)
        expected.allow(SECRETS_READ, secrets)
    elif name == "health":
        expected.allow(DDB_READ, config).allow(DDB_WRITE, config)
        expected.allow(SECRETS_READ, secrets)
    elif name == "reconcile":
        expected.allow(("sqs:SendMessage", "sqs:GetQueueAttributes"), sync_queue)
        expected.allow(DDB_READ, config, syncs, *indexes).allow(DDB_WRITE, syncs)
    elif name == "alerts":
        expected.allow(DDB_READ, config, syncs, *indexes).allow(DDB_WRITE, config)
        expected.allow(SECRETS_READ, secrets)
        expected.allow(("scheduler:DeleteSchedule",), ARN % ("scheduler", "schedule/syncline-dev/*"))
    elif name == "report_api":
        expected.allow(("sqs:SendMessage",), sync_queue, trigger_queue)
        expected.allow(("sqs:GetQueueAttributes",), sync_queue, trigger_queue, sync_dlq)
        expected.allow(("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"), sync_dlq)
        expected.allow(DDB_READ, config, syncs, *indexes).allow(DDB_WRITE, config, syncs)
        expected.allow(SECRETS_READ + SECRETS_WRITE, secrets)
        expected.allow(SCHEDULES, ARN % ("scheduler", "schedule/syncline-dev/*"))
        expected.allow(("iam:PassRole",), f"{logical_id(stack.schedules.role)}.Arn")
    return expected.allowed


@pytest.mark.parametrize("name", ["trigger", "sync_item", "health", "reconcile", "alerts", "report_api"])
def test_function_policy_is_exactly_what_it_needs(
    default: Synthesized, resources: dict[str, Any], name: str
) -> None:
    role = logical_id(default.stack.functions.roles[name])
    assert grants(role_statements(resources, role)) == _expected(default.stack, name)


def test_function_roles_have_no_managed_policies_and_trust_only_lambda(
    default: Synthesized, resources: dict[str, Any]
) -> None:
    for role in default.stack.functions.roles.values():
        props = resources[logical_id(role)]["Properties"]
        assert "ManagedPolicyArns" not in props
        (statement,) = props["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_no_wildcard_actions_no_scan_and_star_only_for_xray(resources: dict[str, Any]) -> None:
    for policy in of_type(resources, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = as_list(statement["Action"])
            assert not any("*" in action for action in actions), actions
            assert "dynamodb:Scan" not in actions
            if "*" in [render(r) for r in as_list(statement["Resource"])]:
                assert set(actions) <= set(XRAY), actions


def test_only_report_api_manages_secrets_schedules_and_roles(
    default: Synthesized, resources: dict[str, Any]
) -> None:
    for name, role in default.stack.functions.roles.items():
        allowed = grants(role_statements(resources, logical_id(role)))
        manages = {a for a in allowed if a in SECRETS_WRITE or a in SCHEDULES or a.startswith("iam:")}
        if name == "alerts":  # auto-pause deletes a service's schedule, nothing more
            assert manages == {"scheduler:DeleteSchedule"}
            continue
        assert bool(manages) == (name == "report_api"), name


def test_pass_role_only_to_scheduler(default: Synthesized, resources: dict[str, Any]) -> None:
    statements = role_statements(resources, logical_id(default.stack.functions.roles["report_api"]))
    (pass_role,) = [s for s in statements if "iam:PassRole" in s["Action"]]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}


def test_scheduler_role_only_invokes_the_trigger(default: Synthesized, resources: dict[str, Any]) -> None:
    role_id = logical_id(default.stack.schedules.role)
    role = resources[role_id]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert (
        render(trust["Condition"]["ArnEquals"]["aws:SourceArn"])
        == f"{logical_id(default.stack.schedules.group)}.Arn"
    )
    assert grants(role_statements(resources, role_id)) == {
        "lambda:InvokeFunction": {f"{logical_id(default.stack.functions.trigger)}.Arn"}
    }


def test_ses_send_only_from_the_alert_sender_identity(
    variant: Synthesized, variant_resources: dict[str, Any]
) -> None:
    sending = {
        ARN % ("ses", "identity/alerts@example.com"),
        ARN % ("ses", "configuration-set/syncline-prod-alerts"),
    }
    for name, role in variant.stack.functions.roles.items():
        allowed = grants(role_statements(variant_resources, logical_id(role)))
        if name == "alerts":
            assert {a: r for a, r in allowed.items() if a.startswith("ses:")} == {"ses:SendEmail": sending}
        else:
            assert not any(action.startswith("ses:") for action in allowed)
        secrets = {r for a, rs in allowed.items() if a.startswith("secretsmanager:") for r in rs}
        # the reconciler never calls a connector: no credentials at all
        wanted = set() if name == "reconcile" else {ARN % ("secretsmanager", "secret:syncline/prod/*")}
        assert secrets == wanted


def test_no_ses_without_an_alert_sender(resources: dict[str, Any]) -> None:
    for policy in of_type(resources, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert not any(a.startswith("ses:") for a in as_list(statement["Action"]))

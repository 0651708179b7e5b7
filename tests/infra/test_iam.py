"""IAM: each function's whole policy, pinned action by action and resource by resource.

A change to what a function may do has to change this file too, which is the point.
"""

from __future__ import annotations

from typing import Any

import pytest

from syncline import aws_calls, tables

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
SECRETS_READ = ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
SECRETS_WRITE = (
    "secretsmanager:CreateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:PutSecretValue",
)
SCHEDULES = ("scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:UpdateSchedule")
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
    health_queue = f"{logical_id(queues.health_queue)}.Arn"
    objects = f"{logical_id(data.bucket)}.Arn/*"
    secrets = ARN % ("secretsmanager", "secret:syncline/dev/*")
    get_secret = ("secretsmanager:GetSecretValue",)
    put, update, delete = ("dynamodb:PutItem",), ("dynamodb:UpdateItem",), ("dynamodb:DeleteItem",)
    get, query = ("dynamodb:GetItem",), ("dynamodb:Query",)

    expected = Expected()
    expected.allow(XRAY, "*").allow(LOGS, f"{logical_id(functions.log_groups[name])}.Arn")
    if name == "trigger":
        expected.allow(CONSUME, trigger_queue)
        failures = f"{logical_id(queues.trigger_failures)}.Arn"  # its on-failure destination
        expected.allow(("sqs:SendMessage",), sync_queue, trigger_queue, failures)
        expected.allow(("sqs:GetQueueAttributes", "sqs:GetQueueUrl"), failures)
        expected.allow(get + update, config).allow(DDB_READ, syncs, *indexes)
        expected.allow(put + update + delete + ("dynamodb:BatchWriteItem",), syncs)
        expected.allow(("s3:PutObject",), objects).allow(get_secret, secrets)
    elif name == "sync_item":
        expected.allow(CONSUME, sync_queue)
        expected.allow(("sqs:SendMessage", "sqs:ChangeMessageVisibility"), sync_queue)
        expected.allow(("sqs:SendMessage",), sync_dlq)
        expected.allow(get + query, config).allow(update + ("dynamodb:BatchWriteItem",), config)
        expected.allow(DDB_READ, syncs, *indexes).allow(put + update + delete, syncs)
        expected.allow(("s3:GetObject", "s3:PutObject"), objects).allow(get_secret, secrets)
    elif name == "health":
        expected.allow(CONSUME, health_queue).allow(("sqs:SendMessage",), health_queue, sync_queue)
        expected.allow(get + query, config).allow(put + update + ("dynamodb:BatchWriteItem",), config)
        expected.allow(get_secret, secrets)
    elif name == "reconcile":
        expected.allow(("sqs:SendMessage", "sqs:GetQueueAttributes"), sync_queue)
        expected.allow(get + query, config)
        expected.allow(DDB_READ, syncs, *indexes).allow(put + update + delete, syncs)
        expected.allow(("s3:PutObject",), objects)
    elif name == "alerts":
        expected.allow(DDB_READ, config, syncs, *indexes).allow(put + update + delete, config)
        expected.allow(get_secret, secrets)
        expected.allow(("scheduler:DeleteSchedule",), ARN % ("scheduler", "schedule/syncline-dev/*"))
    elif name == "report_api":
        expected.allow(("sqs:SendMessage",), sync_queue, trigger_queue, health_queue)
        expected.allow(DDB_READ, config, syncs, *indexes).allow(put + update + delete, config, syncs)
        expected.allow(("dynamodb:BatchWriteItem",), config, syncs)
        expected.allow(("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"), objects)
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


def test_ses_send_only_from_the_alert_sender_address(
    variant: Synthesized, variant_resources: dict[str, Any]
) -> None:
    """In the SES sandbox SES authorises a send against the sender's identity and each
    recipient's: the alerts role may send on this account's identities (only, and only from the
    alert sender's address) with the stage's configuration set."""
    sending = {
        ARN % ("ses", "identity/*"),
        ARN % ("ses", "configuration-set/syncline-prod-alerts"),
    }
    for name, role in variant.stack.functions.roles.items():
        statements = role_statements(variant_resources, logical_id(role))
        allowed = grants(statements)
        if name == "alerts":
            assert {a: r for a, r in allowed.items() if a.startswith("ses:")} == {"ses:SendEmail": sending}
            (send,) = [s for s in statements if "ses:SendEmail" in s["Action"]]
            assert send["Condition"] == {"StringEquals": {"ses:FromAddress": "alerts@example.com"}}
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


def _resource_names(stack: Any) -> dict[str, str]:
    """The rendered ARN of each resource syncline.aws_calls names (a table: the table itself)."""
    data, queues = stack.data, stack.queues
    return {
        aws_calls.CONFIG: f"{logical_id(data.config_table)}.Arn",
        aws_calls.SYNCS: f"{logical_id(data.syncs_table)}.Arn",
        aws_calls.SYNC_QUEUE: f"{logical_id(queues.sync_queue)}.Arn",
        aws_calls.SYNC_DLQ: f"{logical_id(queues.sync_dlq)}.Arn",
        aws_calls.TRIGGER_QUEUE: f"{logical_id(queues.trigger_queue)}.Arn",
        aws_calls.HEALTH_QUEUE: f"{logical_id(queues.health_queue)}.Arn",
        aws_calls.OBJECTS: f"{logical_id(data.bucket)}.Arn/*",
        aws_calls.SECRETS: ARN % ("secretsmanager", f"secret:{stack.config.secrets_prefix}*"),
        aws_calls.SCHEDULES: ARN % ("scheduler", f"schedule/{stack.config.prefix}/*"),
        aws_calls.ALERT_EMAIL: ARN % ("ses", "identity/*"),
    }


def _lambda_own(stack: Any, name: str) -> set[tuple[str, str]]:
    """What Lambda does for the function, not its code: logs, traces, its event source, its
    failure destination."""
    functions, queues = stack.functions, stack.queues
    own = {(a, "*") for a in XRAY} | {(a, f"{logical_id(functions.log_groups[name])}.Arn") for a in LOGS}
    source = {
        "trigger": queues.trigger_queue,
        "sync_item": queues.sync_queue,
        "health": queues.health_queue,
    }.get(name)
    if source is not None:
        own |= {(a, f"{logical_id(source)}.Arn") for a in CONSUME}
    if name == "trigger":
        failures = f"{logical_id(queues.trigger_failures)}.Arn"
        own |= {(a, failures) for a in ("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")}
    if name == "report_api":  # creating a schedule hands it the scheduler's role
        own.add(("iam:PassRole", f"{logical_id(stack.schedules.role)}.Arn"))
    return own


@pytest.mark.parametrize("setup", ["default", "variant"])
@pytest.mark.parametrize("name", sorted(aws_calls.AWS_CALLS))
def test_each_role_allows_exactly_the_calls_its_code_makes(name: str, setup: str, request: Any) -> None:
    """Role actions against syncline.aws_calls, both ways: nothing granted that no call needs, no
    listed call without its grant (the list itself is checked against the handlers' calls in
    tests/integration/test_aws_calls.py)."""
    synthesized: Synthesized = request.getfixturevalue(setup)
    resources = synthesized.template_json()["Resources"]
    stack = synthesized.stack
    allowed = {
        (action, resource)
        for action, on in grants(role_statements(resources, logical_id(stack.functions.roles[name]))).items()
        for resource in on
    }
    names = _resource_names(stack)
    listed = set()
    for kind, actions in aws_calls.AWS_CALLS[name].items():
        if kind == aws_calls.ALERT_EMAIL and not stack.config.alert_sender:
            continue  # nothing is sent without an alert sender, so nothing is granted
        listed |= {(action, names[kind]) for action in actions}
    granted = {(a, r) for a, r in allowed if "/index/" not in r and "configuration-set/" not in r}
    assert granted - (_lambda_own(stack, name) - listed) == listed

"""Fixtures for the CDK app tests: one synthesized app per session, shared by every test.

Synthesizing bundles four Lambda functions (pip runs once into infra/.bundle-cache), so the
default app is built once; variants that only change context skip bundling.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# aws-cdk-lib runs on Node through jsii; Node 20 works here (see DESIGN.md, tool versions).
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App, Stack  # noqa: E402
from aws_cdk.assertions import Template  # noqa: E402

try:
    from infra.syncline_infra.app import build_app
    from infra.syncline_infra.stack import SynclineStack
except ModuleNotFoundError as exc:  # pragma: no cover - a broken checkout, not a test failure
    raise ImportError(
        "cannot import infra.syncline_infra: tests/__init__.py must exist, or pytest imports "
        "tests/infra as the top-level package 'infra' and hides the CDK app"
    ) from exc


@dataclass
class Synthesized:
    app: App
    stack: SynclineStack
    outdir: Path
    error: Exception | None

    @property
    def template_path(self) -> Path:
        return self.outdir / self.stack.template_file

    def template_json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.template_path.read_text(encoding="utf-8"))
        return data

    def validation_report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.outdir / "validation-report.json").read_text(encoding="utf-8")
        )
        return data


def synthesize(context: dict[str, Any], outdir: Path) -> Synthesized:
    app, stack = build_app(context, outdir=str(outdir), standalone=True)
    try:
        app.synth()
    except RuntimeError as exc:  # cdk-nag findings or another validation failure
        return Synthesized(app, stack, outdir, exc)
    return Synthesized(app, stack, outdir, None)


def _require_success(result: Synthesized) -> Synthesized:
    if result.error is not None:
        violations = [
            f"{v['ruleName']} at {c['constructPath']}"
            for report in result.validation_report()["pluginReports"]
            for v in report["violations"]
            for c in v["violatingConstructs"]
        ]
        pytest.fail(f"synth failed: {result.error}\n" + "\n".join(violations))
    return result


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The default app (stage dev, no context), bundled and checked by cdk-nag."""
    return synthesize({}, tmp_path_factory.mktemp("cdk-default"))


@pytest.fixture(scope="session")
def default(synthesized: Synthesized) -> Synthesized:
    return _require_success(synthesized)


@pytest.fixture(scope="session")
def template(default: Synthesized) -> Template:
    return Template.from_stack(default.stack)


@pytest.fixture(scope="session")
def resources(default: Synthesized) -> dict[str, Any]:
    data: dict[str, Any] = default.template_json()["Resources"]
    return data


# Every optional feature on, with a different stage; bundling is skipped (not what this checks).
VARIANT_CONTEXT: dict[str, Any] = {
    "stage": "prod",
    "alarmEmail": "ops@example.com",
    "alertSender": "alerts@example.com",
    "alertLinkBase": "https://app.example.com/syncline",
    "corsOrigins": "https://app.example.com",
    "retentionDays": "90",
    "logRetentionDays": "365",
    "logLevel": "debug",
    "removalPolicy": "destroy",
    "syncMaxConcurrency": "50",
    "aws:cdk:bundling-stacks": [],
}


@pytest.fixture(scope="session")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return _require_success(synthesize(VARIANT_CONTEXT, tmp_path_factory.mktemp("cdk-variant")))


@pytest.fixture(scope="session")
def variant_resources(variant: Synthesized) -> dict[str, Any]:
    data: dict[str, Any] = variant.template_json()["Resources"]
    return data


def of_type(resources: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {key: value for key, value in resources.items() if value["Type"] == resource_type}


def logical_id(construct: Any) -> str:
    """The logical id of an L2 construct's CloudFormation resource."""
    child = construct.node.default_child
    return str(Stack.of(construct).get_logical_id(child))


def render(value: Any) -> str:
    """A CloudFormation value as text: ``X.Arn`` for GetAtt, ``X`` for Ref, joins concatenated."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (function, argument), *_ = value.items()
        if function == "Ref":
            return f"${{{argument}}}" if str(argument).startswith("AWS::") else str(argument)
        if function == "Fn::GetAtt":
            return f"{argument[0]}.{argument[1]}"
        if function == "Fn::Join":
            separator, parts = argument
            return str(separator).join(render(part) for part in parts)
    return json.dumps(value, sort_keys=True)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(resources: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    """Every statement of every IAM policy attached to the role, with resources rendered."""
    statements = []
    for policy in of_type(resources, "AWS::IAM::Policy").values():
        if {"Ref": role_id} not in policy["Properties"]["Roles"]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            statements.append(
                {
                    **statement,
                    "Action": sorted(as_list(statement["Action"])),
                    "Resource": sorted(render(r) for r in as_list(statement["Resource"])),
                }
            )
    return statements


def grants(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """action -> the set of resources it is allowed on."""
    allowed: dict[str, set[str]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            allowed.setdefault(action, set()).update(statement["Resource"])
    return allowed

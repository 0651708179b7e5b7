"""cdk-nag (AwsSolutions) and cfn-lint on the synthesized template."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import aws_s3 as s3

from infra.syncline_infra.app import build_app

from .conftest import VARIANT_CONTEXT, Synthesized, of_type

# Every acknowledged cdk-nag finding. A new one needs a reason in code and a line here.
ACKNOWLEDGED = {
    "AwsSolutions-L1",
    "AwsSolutions-S1",
    "AwsSolutions-SQS3",
    "AwsSolutions-APIG3",
    "AwsSolutions-APIG4",
    "AwsSolutions-APIG6",
    "AwsSolutions-COG4",
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
    "AwsSolutions-IAM5[Resource::*]",
    "AwsSolutions-IAM5[Resource::<DataBucketE6B0FAA8.Arn>/*]",
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:syncline/dev/*]",
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/syncline-dev/*]",
}


def test_cdk_nag_finds_nothing_unacknowledged(synthesized: Synthesized) -> None:
    report = synthesized.validation_report()
    violations = [
        f"{v['ruleName']} at {c['constructPath']}"
        for plugin in report["pluginReports"]
        for v in plugin["violations"]
        for c in v["violatingConstructs"]
    ]
    assert synthesized.error is None and violations == [], "\n".join(violations)


def test_every_acknowledgement_has_a_reason(resources: dict[str, Any]) -> None:
    found: dict[str, set[str]] = {}
    for resource in resources.values():
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
            found.setdefault(rule["id"], set()).add(rule["reason"])
    assert set(found) == ACKNOWLEDGED
    for rule, reasons in found.items():
        for reason in reasons:
            assert len(reason.split()) >= 12, f"{rule}: reason too thin: {reason!r}"


def test_acknowledgements_sit_on_the_resources_they_excuse(resources: dict[str, Any]) -> None:
    for key, resource in resources.items():
        ids = {r["id"] for r in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])}
        if any(i.startswith(("AwsSolutions-APIG4", "AwsSolutions-COG4")) for i in ids):
            # the method and the invoke permission CDK creates beneath it
            assert resource["Type"] in ("AWS::ApiGateway::Method", "AWS::Lambda::Permission"), key
        if "AwsSolutions-S1" in ids:
            assert resource["Type"] in ("AWS::S3::Bucket", "AWS::S3::BucketPolicy"), key
    assert of_type(resources, "AWS::ApiGateway::Method")


def test_cdk_nag_is_wired_into_every_synth(tmp_path: Path) -> None:
    """An unacknowledged finding fails the synth (proves the plugin runs, not just passes)."""
    app, stack = build_app(VARIANT_CONTEXT, outdir=str(tmp_path), standalone=True)
    s3.Bucket(stack, "Careless")  # no SSL-only policy, no access logs
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text(encoding="utf-8"))
    found = {
        (v["ruleName"], c["constructPath"])
        for plugin in report["pluginReports"]
        for v in plugin["violations"]
        for c in v["violatingConstructs"]
    }
    assert found == {
        ("AwsSolutions-S1", "Syncline-prod/Careless/Resource"),
        ("AwsSolutions-S10", "Syncline-prod/Careless/Resource"),
    }


def _cfn_lint(template: Path) -> subprocess.CompletedProcess[str]:
    """The cfn-lint console script installed next to this Python (the project's venv)."""
    script = Path(sys.executable).parent / "cfn-lint"
    command = str(script) if script.exists() else shutil.which("cfn-lint")
    assert command, "cfn-lint is not installed (pip install -e '.[infra]')"
    return subprocess.run(
        [command, "--ignore-checks", "W3005", "--", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cfn_lint_passes(default: Synthesized) -> None:
    result = _cfn_lint(default.template_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_passes_with_every_option_on(variant: Synthesized) -> None:
    result = _cfn_lint(variant.template_path)
    assert result.returncode == 0, result.stdout + result.stderr

"""`cdk synth` with the CLI pinned in package.json, offline, as `make synth` runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from infra.syncline_infra.context import INFRA_DIR, REPO_ROOT

CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"


def _offline_env() -> dict[str, str]:
    venv_bin = str(Path(sys.prefix) / "bin")
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    # As in the Makefile: the venv is not activated; cdk.json's `python3 app.py` must cope.
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env.update(
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CDK_DISABLE_VERSION_CHECK="true",
        CDK_DISABLE_CLI_TELEMETRY="true",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def test_cli_is_the_pinned_major() -> None:
    pinned = json.loads((REPO_ROOT / "package.json").read_text())["devDependencies"]["aws-cdk"]
    assert pinned.startswith("^2.1148")
    installed = json.loads((REPO_ROOT / "node_modules" / "aws-cdk" / "package.json").read_text())["version"]
    major, minor, *_ = (int(part) for part in installed.split("."))
    assert (major, minor) >= (2, 1148)


def test_cdk_synth_works_offline(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(tmp_path)],
        cwd=INFRA_DIR,
        env=_offline_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    template = json.loads((tmp_path / "Syncline-dev.template.json").read_text())
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert len(functions) == 6  # trigger, sync_item, health, reconcile, alerts, report_api
    assert json.loads((tmp_path / "validation-report.json").read_text())["pluginReports"] == []


def test_cdk_json_runs_the_app_with_python3() -> None:
    config = json.loads((INFRA_DIR / "cdk.json").read_text())
    assert config["app"] == "python3 app.py"
    # Feature flags live in cdk.json and are also applied to apps built in tests.
    assert config["context"]["@aws-cdk/aws-iam:minimizePolicies"] is True

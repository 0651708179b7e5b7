"""Every function's bundle runs on its own: nothing it imports may come from the dev venv.

Each bundle is built by the bundler's own code path (the locked requirement set, the library and
the function, the layers it is given, bytecode), only for this machine's platform instead of the
Lambda one, so it can run here. A child ``python -I -S`` whose path is that bundle, its layers,
the standard library and boto3 (which the Lambda runtime provides) imports every module of
``syncline`` and of the function, then calls the handler with representative events against
moto, with the tables and queues the local stack creates from the deployed definitions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from infra.syncline_infra.bundling import (
    DependencyCache,
    LayerBundler,
    LocalBundler,
    pyproject_requirements,
    python_version,
)
from infra.syncline_infra.context import INFRA_DIR
from infra.syncline_infra.functions import ARCHITECTURE, RUNTIME, SPECS
from syncline.api_keys import create_key
from syncline.local.aws import LocalAws
from syncline.local.http import proxy_event
from syncline.local.lambdas import FakeContext
from syncline.models import Tenant
from syncline.wiring import config_store

PROBE = Path(__file__).with_name("bundle_probe.py")
TENANT = "probe"
# Modules a function without the SFTP layer cannot import, and never reaches: the SFTP connector
# is opened only by trigger, sync_item and health, and validated by report_api.
WITHOUT_SFTP = {"syncline.connectors.sftp"}
# Likewise PyYAML, in the config layer: only report_api reads configuration files (/config/...).
WITHOUT_CONFIG = {"syncline.api.configfiles.yamlio"}

pytestmark = pytest.mark.skipif(
    f"{sys.version_info[0]}.{sys.version_info[1]}" != python_version(RUNTIME),
    reason=f"host bundles need the Lambda runtime's Python {python_version(RUNTIME)}",
)


def api(method: str, path: str, key: str, body: Any = None) -> dict[str, Any]:
    headers = {"x-api-key": key, "content-type": "application/json"}
    return proxy_event(method, path, headers=headers, body=None if body is None else json.dumps(body))


@pytest.fixture(scope="module")
def cache() -> DependencyCache:
    cache_dir = Path(os.environ.get("SYNCLINE_BUNDLE_CACHE") or INFRA_DIR / ".bundle-cache")
    return DependencyCache(cache_dir, RUNTIME, ARCHITECTURE, host=True)


@pytest.fixture(scope="module")
def runtime_boto3(cache: DependencyCache) -> Path:
    """boto3 as the Lambda runtime provides it (the dev venv's version), outside any bundle."""
    target = cache.cache_dir / f"runtime-boto3-{version('boto3')}"
    if not target.is_dir():
        staging = target.with_name(target.name + f".tmp{os.getpid()}")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--target", str(staging),
             f"boto3=={version('boto3')}"],
            check=True,
        )  # fmt: skip
        staging.rename(target)
    return target


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, str]]:
    """moto with the deployed tables and queues, a company group with an SFTP source (nothing
    listens on its port), a REST destination and a service between them."""
    from functions.report_api.handler import handler

    local = LocalAws()
    resources = local.start()
    try:
        config_store().put_tenant(Tenant(tenant_id=TENANT, name="Probe"))
        key = create_key(TENANT)
        for body in (
            {"connector_id": "drop", "system": "sftp", "name": "Drop", "base_url": "sftp://127.0.0.1:9/in",
             "credentials": {"username": "u", "password": "p"}},
            {"connector_id": "wms", "system": "rest", "name": "WMS", "base_url": "http://127.0.0.1:9/api",
             "credentials": {"token": "t"}},
        ):  # fmt: skip
            answer = handler(api("POST", "/connectors", key, body), FakeContext("report_api"))
            assert answer["statusCode"] == 201, answer["body"]
        service = {
            "service_id": "drops", "name": "Drops",
            "source": {"connector_id": "drop", "entity": "orders"},
            "destination": {"connector_id": "wms", "entity": "orders"},
            "schedule": "rate(5 minutes)", "active": False,
        }  # fmt: skip
        answer = handler(api("POST", "/services", key, service), FakeContext("report_api"))
        assert answer["statusCode"] == 201, answer["body"]
        yield {**resources.env, "PROBE_KEY": key}
    finally:
        local.stop()


def events(function: str, key: str) -> list[dict[str, Any]]:
    sftp = {
        "connector_id": "drop2", "system": "sftp", "name": "Drop 2", "base_url": "sftp://127.0.0.1:9/in",
        "credentials": {"username": "u", "password": "p"},
    }  # fmt: skip
    message = {
        "tenant_id": TENANT, "service_id": "drops", "run_id": "20261130T120000000-abcdef",
        "sync_id": "probe-sync-1", "record": {"id": "1", "total": 9.5},
    }  # fmt: skip
    by_function: dict[str, list[dict[str, Any]]] = {
        "report_api": [
            api("GET", "/systems", key),
            api("GET", "/systems/shopify", key),
            api("GET", "/systems/sftp", key),
            api("POST", "/connectors", key, sftp),
            api("GET", "/reports", key),
        ],
        "trigger": [{"tenant_id": TENANT, "service_id": "drops", "trigger": "manual"}],
        "sync_item": [{"Records": [sqs_record(message)]}],
        "health": [{}],
        "reconcile": [{}],
        "alerts": [{"time": "2026-11-30T12:00:00Z"}],
    }
    return by_function[function]


def sqs_record(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "messageId": "m-1", "receiptHandle": "r-1", "body": json.dumps(body),
        "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:probe-sync", "awsRegion": "us-east-1",
    }  # fmt: skip


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_bundle_imports_and_runs_on_its_own(
    spec: Any, cache: DependencyCache, runtime_boto3: Path, stack: dict[str, str], tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    LocalBundler(spec.name, pyproject_requirements(), cache).try_bundle(str(bundle))
    paths = [str(bundle)]
    for layer in spec.layers:
        LayerBundler(pyproject_requirements([layer], base=False), cache).try_bundle(str(tmp_path / layer))
        paths.append(str(tmp_path / layer / "python"))  # /opt/python comes after /var/task
    paths.append(str(runtime_boto3))

    request = {"paths": paths, "function": spec.name, "events": events(spec.name, stack["PROBE_KEY"])}
    env = {k: v for k, v in stack.items() if k != "PROBE_KEY"} | {"PATH": os.environ.get("PATH", "")}
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(PROBE)],
        input=json.dumps(request), capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["outside"] == [], "imported from outside the bundle"
    without = {"asyncssh": set() if "sftp" in spec.layers else WITHOUT_SFTP}
    without["yaml"] = set() if "config" in spec.layers else WITHOUT_CONFIG
    assert set(report["failed"]) == set().union(*without.values()), report["failed"]
    for missing, names in without.items():
        for name in names:
            assert f"No module named '{missing}'" in report["failed"][name]
    assert f"functions.{spec.name}.handler" in report["imported"]
    assert len(report["imported"]) > 50

    errors = [r["error"] for r in report["results"] if "error" in r]
    assert not errors, errors[0]
    outcomes = [r["ok"] for r in report["results"]]
    check_outcomes(spec.name, outcomes)


def check_outcomes(function: str, outcomes: list[Any]) -> None:
    if function == "report_api":
        statuses = [o["statusCode"] for o in outcomes]
        assert statuses == [200, 200, 200, 201, 200], [(o["statusCode"], o["body"][:300]) for o in outcomes]
        assert '"sftp"' in outcomes[0]["body"] and '"shopify"' in outcomes[1]["body"]
    elif function == "trigger":
        (run,) = outcomes[0]["runs"]
        assert run, outcomes  # the pull failed (nothing listens) and the run says so
    elif function == "sync_item":
        assert isinstance(outcomes[0]["batchItemFailures"], list), outcomes
    elif function == "health":
        assert outcomes[0]["checked"] == 2, outcomes
    else:
        assert isinstance(outcomes[0], dict), outcomes

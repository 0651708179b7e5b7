"""Lambda concurrency: the event sources are sized to the account (a new account allows 10
concurrent executions), and `make deploy` prints the account's limit (one GetAccountSettings call)
and warns when the stack's maxima exceed it."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from infra.syncline_infra import limits
from infra.syncline_infra.context import StageConfig

from .conftest import Synthesized, _require_success, synthesize


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The default context, unbundled."""
    return _require_success(
        synthesize({"aws:cdk:bundling-stacks": []}, tmp_path_factory.mktemp("cdk-limits"))
    )


def _settings(total: int, unreserved: int | None = None) -> dict[str, Any]:
    return {
        "AccountLimit": {
            "TotalCodeSize": 80530636800,
            "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800,
            "ConcurrentExecutions": total,
            "UnreservedConcurrentExecutions": total if unreserved is None else unreserved,
        },
        "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 0},
    }


def _make_deploy_check(template_path: Path, total: int) -> str:
    """What `make deploy` runs after the synth, against a Lambda API that answers `total`."""
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    out = io.StringIO()
    with Stubber(client) as stub, redirect_stdout(out):
        stub.add_response("get_account_settings", _settings(total), {})
        assert limits.main([str(template_path)], lambda_client=client) == 0
        stub.assert_no_pending_responses()
    return out.getvalue()


def test_the_default_stack_fits_a_new_account(plain: Synthesized) -> None:
    maxima = limits.stack_maxima(plain.template_json())
    assert set(maxima) == {"sync_item", "trigger", "health", "report_api", "reconcile", "alerts"}
    assert sum(maxima.values()) <= limits.NEW_ACCOUNT_CONCURRENCY == 10
    assert min(maxima[n] for n in limits.EVENT_SOURCES) >= 2  # SQS event sources' least
    assert maxima == plain.stack.config.concurrency_maxima
    printed = _make_deploy_check(plain.template_path, 10)
    assert "allow 10 concurrent executions" in printed and "WARNING" not in printed


def test_make_deploy_warns_when_the_maxima_exceed_the_account(variant: Synthesized) -> None:
    """The variant asks for syncMaxConcurrency 50: over a new account's 10, fine for 1,000."""
    total = sum(limits.stack_maxima(variant.template_json()).values())
    assert total > 50
    warned = _make_deploy_check(variant.template_path, 10)
    assert f"WARNING: the stack's maxima ({total}) exceed" in warned and "accountConcurrency=10" in warned
    assert "WARNING" not in _make_deploy_check(variant.template_path, 1000)


def test_no_answer_is_said_not_fatal(plain: Synthesized) -> None:
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    out = io.StringIO()
    with Stubber(client) as stub, redirect_stdout(out):
        stub.add_client_error("get_account_settings", "AccessDeniedException")
        assert limits.main([str(plain.template_path)], lambda_client=client) == 0
    assert "not checked" in out.getvalue()


@pytest.mark.parametrize(
    ("context", "sync_item", "trigger", "health"),
    [
        ({}, 2, 2, 2),  # 10: 2 + 2 + 2 and 4 for the API, reconciler and alerts
        ({"accountConcurrency": "13"}, 5, 2, 2),
        ({"accountConcurrency": "1000"}, 10, 2, 2),  # sync_item's pushes are rate-bounded anyway
        ({"accountConcurrency": "1000", "syncMaxConcurrency": "40", "triggerMaxConcurrency": "5"}, 40, 5, 2),
    ],
)
def test_account_concurrency_sizes_the_event_sources(
    context: dict[str, str], sync_item: int, trigger: int, health: int
) -> None:
    config = StageConfig.from_mapping(context)
    assert (config.sync_max_concurrency, config.trigger_max_concurrency, config.health_max_concurrency) == (
        sync_item,
        trigger,
        health,
    )

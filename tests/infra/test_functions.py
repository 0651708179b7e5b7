"""Functions: runtime, architecture, tracing, logs, environment and the SQS event sources."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Match, Template

from infra.syncline_infra.functions import SPECS
from syncline import observability, tables
from syncline.settings import ENV, load_settings

from .conftest import Synthesized, logical_id, of_type, render

NAMES = [spec.name for spec in SPECS]


def _function(resources: dict[str, Any], name: str) -> dict[str, Any]:
    function_name = f"syncline-dev-{name.replace('_', '-')}"
    (found,) = [
        f["Properties"]
        for f in of_type(resources, "AWS::Lambda::Function").values()
        if f["Properties"]["FunctionName"] == function_name
    ]
    return found


def _python_runtimes() -> list[str]:
    return [
        f"python3.{match.group(1)}"
        for attribute in dir(lambda_.Runtime)
        if (match := re.fullmatch(r"PYTHON_3_(\d+)", attribute))
    ]


def test_six_functions(resources: dict[str, Any]) -> None:
    assert sorted(
        f["Properties"]["FunctionName"] for f in of_type(resources, "AWS::Lambda::Function").values()
    ) == [
        "syncline-dev-alerts",
        "syncline-dev-health",
        "syncline-dev-reconcile",
        "syncline-dev-report-api",
        "syncline-dev-sync-item",
        "syncline-dev-trigger",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_arm64_python_of_the_test_suite_traced(resources: dict[str, Any], name: str) -> None:
    """The deployed Python is the one this suite runs on (CI runs it on the Makefile's Python)."""
    props = _function(resources, name)
    assert props["Architectures"] == ["arm64"]
    assert props["Runtime"] == f"python{sys.version_info[0]}.{sys.version_info[1]}"
    assert props["Runtime"] in _python_runtimes()
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["Handler"] == f"functions.{name}.handler.handler"


def test_memory_sizes_are_the_ones_the_cost_model_uses(resources: dict[str, Any]) -> None:
    assert _function(resources, "sync_item")["MemorySize"] == tables.SYNC_ITEM_MEMORY_MB
    assert _function(resources, "trigger")["MemorySize"] == tables.TRIGGER_MEMORY_MB


def test_each_function_has_its_own_role_and_log_group(
    resources: dict[str, Any], default: Synthesized
) -> None:
    roles = {render(_function(resources, name)["Role"]) for name in NAMES}
    log_groups = {render(_function(resources, name)["LoggingConfig"]["LogGroup"]) for name in NAMES}
    assert len(roles) == len(log_groups) == len(NAMES)
    for log_group in log_groups:
        assert (
            resources[log_group]["Properties"]["RetentionInDays"] == default.stack.config.log_retention_days
        )
    assert all(r.endswith(".Arn") for r in roles)


def test_log_retention_follows_context(variant_resources: dict[str, Any]) -> None:
    retention = {
        g["Properties"]["RetentionInDays"] for g in of_type(variant_resources, "AWS::Logs::LogGroup").values()
    }
    assert retention == {365}


def _settings_env(env: dict[str, Any]) -> dict[str, str]:
    # CloudFormation references resolve at deploy time; any non-empty text stands in for them.
    return {key: value if isinstance(value, str) else f"resolved-{key.lower()}" for key, value in env.items()}


@pytest.mark.parametrize("name", NAMES)
def test_environment_passes_settings_validation(resources: dict[str, Any], name: str) -> None:
    env = _function(resources, name)["Environment"]["Variables"]
    allowed = set(ENV.values())
    assert {key for key in env if not key.startswith("POWERTOOLS_")} <= allowed
    settings = load_settings(_settings_env(env))
    assert settings.secrets_prefix == "syncline/dev/"
    assert settings.retention_days == 30
    assert settings.queue_max_receive_count == tables.SYNC_QUEUE.max_receive_count
    assert env["POWERTOOLS_SERVICE_NAME"] == "syncline"
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert env["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == observability.NAMESPACE
    assert "POWERTOOLS_TRACE_DISABLED" not in env  # traced on AWS (off locally and in tests)


def test_queue_urls_point_at_the_right_queues(resources: dict[str, Any], default: Synthesized) -> None:
    queues = default.stack.queues
    for name in NAMES:
        env = _function(resources, name)["Environment"]["Variables"]
        assert render(env[ENV["sync_queue_url"]]) == logical_id(queues.sync_queue)
        assert render(env[ENV["sync_dlq_url"]]) == logical_id(queues.sync_dlq)
        assert render(env[ENV["trigger_queue_url"]]) == logical_id(queues.trigger_queue)
        assert render(env[ENV["health_queue_url"]]) == logical_id(queues.health_queue)


def test_trigger_budget_ends_before_its_timeout(resources: dict[str, Any]) -> None:
    props = _function(resources, "trigger")
    budget = float(props["Environment"]["Variables"][ENV["trigger_budget_seconds"]])
    assert 0 < budget <= props["Timeout"] - 30
    assert props["Timeout"] == tables.TRIGGER_TIMEOUT_SECONDS


def test_report_api_can_create_service_schedules(resources: dict[str, Any], default: Synthesized) -> None:
    env = _function(resources, "report_api")["Environment"]["Variables"]
    schedules = default.stack.schedules
    assert env[ENV["schedule_group"]] == "syncline-dev"
    assert render(env[ENV["trigger_function_arn"]]) == f"{logical_id(default.stack.functions.trigger)}.Arn"
    assert render(env[ENV["scheduler_role_arn"]]) == f"{logical_id(schedules.role)}.Arn"
    for name in ("trigger", "sync_item", "health"):
        assert ENV["schedule_group"] not in _function(resources, name)["Environment"]["Variables"]


def test_alert_sender_and_log_level_from_context(variant_resources: dict[str, Any]) -> None:
    for function in of_type(variant_resources, "AWS::Lambda::Function").values():
        env = function["Properties"]["Environment"]["Variables"]
        if function["Properties"]["FunctionName"] == "syncline-prod-alerts":
            assert env[ENV["alert_sender"]] == "alerts@example.com"
            assert env[ENV["alert_configuration_set"]] == "syncline-prod-alerts"
            assert env[ENV["alert_link_base"]] == "https://app.example.com/syncline"
        else:  # only the alerts function sends email
            assert ENV["alert_sender"] not in env
        assert env["POWERTOOLS_LOG_LEVEL"] == "DEBUG"
        assert env[ENV["secrets_prefix"]] == "syncline/prod/"
        assert env[ENV["retention_days"]] == "90"


def test_no_alert_sender_by_default(resources: dict[str, Any], default: Synthesized) -> None:
    for name in NAMES:
        assert ENV["alert_sender"] not in _function(resources, name)["Environment"]["Variables"]
    # no console, no link: the API's URLs need a key in a header (a click only gets a 401)
    env = _function(resources, "alerts")["Environment"]["Variables"]
    assert ENV["alert_link_base"] not in env


def test_alerts_run_every_minute_and_may_delete_schedules(
    resources: dict[str, Any], default: Synthesized
) -> None:
    alerts = f"{logical_id(default.stack.functions.alerts)}.Arn"
    rules = [
        r["Properties"]
        for r in of_type(resources, "AWS::Events::Rule").values()
        if any(render(t["Arn"]) == alerts for t in r["Properties"]["Targets"])
    ]
    assert [r["ScheduleExpression"] for r in rules] == [f"rate({tables.ALERTS_RATE_MINUTES} minute)"]
    env = _function(resources, "alerts")["Environment"]["Variables"]
    assert env[ENV["schedule_group"]] == "syncline-dev"


def test_sync_item_event_source_batches_and_reports_item_failures(
    template: Template, default: Synthesized
) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": logical_id(default.stack.functions.sync_item)},
            "EventSourceArn": {"Fn::GetAtt": [logical_id(default.stack.queues.sync_queue), "Arn"]},
            "BatchSize": 10,
            "MaximumBatchingWindowInSeconds": default.stack.config.sync_batch_window_seconds,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": default.stack.config.sync_max_concurrency},
        },
    )


def test_sync_item_maximum_concurrency_is_configurable(variant_resources: dict[str, Any]) -> None:
    concurrency = {
        m["Properties"]["FunctionName"]["Ref"]: m["Properties"]["ScalingConfig"]["MaximumConcurrency"]
        for m in of_type(variant_resources, "AWS::Lambda::EventSourceMapping").values()
    }
    (sync_item,) = [k for k in concurrency if k.startswith("FunctionsSyncItem")]
    assert concurrency[sync_item] == 50


def test_trigger_consumes_its_queue_one_message_at_a_time(template: Template, default: Synthesized) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": logical_id(default.stack.functions.trigger)},
            "EventSourceArn": {"Fn::GetAtt": [logical_id(default.stack.queues.trigger_queue), "Arn"]},
            "BatchSize": 1,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 3)


def test_health_checks_a_batch_of_connectors_per_invocation(template: Template, default: Synthesized) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": logical_id(default.stack.functions.health)},
            "EventSourceArn": {"Fn::GetAtt": [logical_id(default.stack.queues.health_queue), "Arn"]},
            "BatchSize": tables.HEALTH_BATCH_SIZE,
            "ScalingConfig": {"MaximumConcurrency": default.stack.config.health_max_concurrency},
        },
    )


def test_scheduled_functions_are_not_retried_asynchronously(template: Template, default: Synthesized) -> None:
    for function in (default.stack.functions.trigger, default.stack.functions.health):
        template.has_resource_properties(
            "AWS::Lambda::EventInvokeConfig",
            {
                "FunctionName": {"Ref": logical_id(function)},
                "MaximumRetryAttempts": 0,
                "Qualifier": Match.any_value(),
            },
        )


def test_a_failed_scheduled_trigger_lands_on_a_queue(resources: dict[str, Any], default: Synthesized) -> None:
    """Scheduled invocations are not retried; one that raised or expired is recorded, not lost."""
    trigger = logical_id(default.stack.functions.trigger)
    (config,) = [
        c["Properties"]
        for c in of_type(resources, "AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": trigger}
    ]
    failures = default.stack.queues.trigger_failures
    assert config["MaximumRetryAttempts"] == 0
    assert config["MaximumEventAgeInSeconds"] == tables.TRIGGER_MAX_EVENT_AGE_SECONDS
    assert render(config["DestinationConfig"]["OnFailure"]["Destination"]) == f"{logical_id(failures)}.Arn"
    props = resources[logical_id(failures)]["Properties"]
    assert props["QueueName"] == "syncline-dev-trigger-failed" and props["SqsManagedSseEnabled"] is True
    others = [
        c
        for c in of_type(resources, "AWS::Lambda::EventInvokeConfig").values()
        if "DestinationConfig" in c["Properties"]
    ]
    assert len(others) == 1  # only the trigger is invoked by per-service schedules

"""Schedules: the group the API creates service schedules in, and the fixed-rate health check and
reconciler."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match, Template

from syncline import tables

from .conftest import Synthesized, logical_id, of_type


def test_schedule_group_and_no_service_schedules_at_deploy(template: Template) -> None:
    template.has_resource_properties("AWS::Scheduler::ScheduleGroup", {"Name": "syncline-dev"})
    template.resource_count_is("AWS::Scheduler::Schedule", 0)


def test_health_runs_on_a_fixed_rate(template: Template, default: Synthesized) -> None:
    health = logical_id(default.stack.functions.health)
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "rate(5 minutes)",
            "State": "ENABLED",
            "Targets": [
                Match.object_like(
                    {
                        "Arn": {"Fn::GetAtt": [health, "Arn"]},
                        "RetryPolicy": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 300},
                    }
                )
            ],
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "Principal": "events.amazonaws.com",
            "FunctionName": Match.any_value(),
        },
    )


def test_the_reconciler_runs_on_a_fixed_rate(template: Template, default: Synthesized) -> None:
    reconcile = logical_id(default.stack.functions.reconcile)
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": f"rate({tables.RECONCILE_RATE_MINUTES} minutes)",
            "Targets": [Match.object_like({"Arn": {"Fn::GetAtt": [reconcile, "Arn"]}})],
        },
    )


def test_only_the_health_check_the_reconciler_and_alerts_are_invoked_by_eventbridge(
    resources: dict[str, Any], default: Synthesized
) -> None:
    functions = default.stack.functions
    allowed = [
        {"Fn::GetAtt": [logical_id(f), "Arn"]}
        for f in (functions.health, functions.reconcile, functions.alerts)
    ]
    invoked = [
        p["Properties"]["FunctionName"]
        for p in of_type(resources, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "events.amazonaws.com"
    ]
    assert sorted(map(str, invoked)) == sorted(map(str, allowed))


def test_schedule_group_and_its_schedules_go_with_the_stack(resources: dict[str, Any]) -> None:
    (group,) = of_type(resources, "AWS::Scheduler::ScheduleGroup").values()
    assert group["DeletionPolicy"] == "Delete"

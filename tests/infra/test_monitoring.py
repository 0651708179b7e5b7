"""Monitoring: alarms on dead letters, queue age, function errors and throttles; a dashboard."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match, Template

from .conftest import Synthesized, logical_id, of_type, render


def _alarms(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        a["Properties"]["AlarmName"]: a["Properties"]
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
    }


def _dimension(alarm: dict[str, Any]) -> tuple[str, str]:
    (dimension,) = alarm["Dimensions"]
    return dimension["Name"], render(dimension["Value"])


def test_dead_letter_alarms_fire_on_the_first_message(
    resources: dict[str, Any], default: Synthesized
) -> None:
    alarms = _alarms(resources)
    queues = default.stack.queues
    for name, queue in (("SyncDeadLetters", queues.sync_dlq), ("TriggerDeadLetters", queues.trigger_dlq)):
        alarm = alarms[f"syncline-dev-{name}"]
        assert alarm["Namespace"] == "AWS/SQS"
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert _dimension(alarm) == ("QueueName", f"{logical_id(queue)}.QueueName")
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_oldest_message_age_alarms(resources: dict[str, Any], default: Synthesized) -> None:
    alarms = _alarms(resources)
    queues = default.stack.queues
    for name, queue in (("SyncQueueAge", queues.sync_queue), ("TriggerQueueAge", queues.trigger_queue)):
        alarm = alarms[f"syncline-dev-{name}"]
        assert alarm["MetricName"] == "ApproximateAgeOfOldestMessage"
        assert _dimension(alarm) == ("QueueName", f"{logical_id(queue)}.QueueName")
        assert alarm["Threshold"] == default.stack.config.queue_age_alarm_seconds


def test_error_and_throttle_alarms_for_every_function(
    resources: dict[str, Any], default: Synthesized
) -> None:
    alarms = _alarms(resources)
    for name, function in default.stack.functions.functions.items():
        title = "".join(part.capitalize() for part in name.split("_"))
        for metric in ("Errors", "Throttles"):
            alarm = alarms[f"syncline-dev-{title}{metric}"]
            assert alarm["Namespace"] == "AWS/Lambda"
            assert alarm["MetricName"] == metric
            assert alarm["Statistic"] == "Sum"
            assert _dimension(alarm) == ("FunctionName", logical_id(function))
            assert alarm["Threshold"] == 1


def test_api_server_error_alarm(resources: dict[str, Any]) -> None:
    alarm = _alarms(resources)["syncline-dev-Api5xx"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/ApiGateway", "5XXError")


def test_every_alarm_notifies_the_topic_and_ignores_missing_data(
    resources: dict[str, Any], default: Synthesized
) -> None:
    topic = logical_id(default.stack.monitoring.topic)
    alarms = _alarms(resources)
    assert len(alarms) == 5 + 2 * len(default.stack.functions.functions) + 1
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [{"Ref": topic}]
        assert alarm["OKActions"] == [{"Ref": topic}]
        assert alarm["TreatMissingData"] == "notBreaching"


def test_topic_refuses_plain_http_and_has_no_subscriber_by_default(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        )
                    ]
                )
            }
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)


def test_alarm_email_subscribes(variant_resources: dict[str, Any]) -> None:
    (subscription,) = of_type(variant_resources, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == "ops@example.com"


def test_dashboard(template: Template) -> None:
    template.has_resource_properties("AWS::CloudWatch::Dashboard", {"DashboardName": "syncline-dev"})


def test_cloudwatch_of_this_account_may_publish_to_the_alarm_topic(
    resources: dict[str, Any], default: Synthesized
) -> None:
    """enforce_ssl leaves the topic a policy with only its deny: without an allow, no alarm arrives."""
    topic = logical_id(default.stack.monitoring.topic)
    (policy,) = [
        p["Properties"]
        for p in of_type(resources, "AWS::SNS::TopicPolicy").values()
        if {"Ref": topic} in p["Properties"]["Topics"]
    ]
    statements = policy["PolicyDocument"]["Statement"]
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Action"] == "sns:Publish"
    assert render(allow["Resource"]) == topic
    assert allow["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_a_failed_scheduled_trigger_raises_an_alarm(resources: dict[str, Any], default: Synthesized) -> None:
    alarm = _alarms(resources)["syncline-dev-TriggerInvokeFailures"]
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert _dimension(alarm) == (
        "QueueName",
        f"{logical_id(default.stack.queues.trigger_failures)}.QueueName",
    )
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"

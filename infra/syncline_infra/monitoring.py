"""Monitoring: alarms to an SNS topic (email when ``alarmEmail`` is set) and a dashboard.

Alarms: a message in either dead-letter queue or in the trigger's failure queue; the oldest
message of the sync or trigger queue older than ``queueAgeAlarmSeconds``; any error or throttle of
any function; API 5xx.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .context import StageConfig

PERIOD = Duration.minutes(5)


@dataclass(frozen=True)
class Watched:
    functions: dict[str, lambda_.Function]
    sync_queue: sqs.IQueue
    sync_dlq: sqs.IQueue
    trigger_queue: sqs.IQueue
    trigger_dlq: sqs.IQueue
    trigger_failures: sqs.IQueue
    rest_api: apigw.RestApi


class Monitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, watched: Watched) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name=f"Syncline {config.stage} alarms",
            enforce_ssl=True,
            # No KMS key: notifications carry only alarm names and metric values, and CloudWatch
            # cannot publish to a topic under the AWS-managed SNS key (a customer key is $1/month).
        )
        # enforce_ssl gives the topic a policy holding only its deny statement: CloudWatch may
        # publish only when the policy allows it, and only for alarms of this account.
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        )
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        self.action = cw_actions.SnsAction(self.topic)
        self.alarms: dict[str, cw.Alarm] = {}

        for name, dlq in (("SyncDeadLetters", watched.sync_dlq), ("TriggerDeadLetters", watched.trigger_dlq)):
            self._alarm(
                name,
                dlq.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                threshold=1,
                description=f"Messages in {name}: records or pulls that exhausted their attempts",
            )
        self._alarm(
            "TriggerInvokeFailures",
            watched.trigger_failures.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum"
            ),
            threshold=1,
            description="a scheduled trigger invocation failed or expired (TriggerInvokeFailures)",
        )
        for name, queue in (("SyncQueueAge", watched.sync_queue), ("TriggerQueueAge", watched.trigger_queue)):
            self._alarm(
                name,
                queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic="Maximum"),
                threshold=config.queue_age_alarm_seconds,
                description=f"{name}: a message waits longer than {config.queue_age_alarm_seconds} s",
            )
        for name, function in watched.functions.items():
            title = "".join(part.capitalize() for part in name.split("_"))
            self._alarm(
                f"{title}Errors",
                function.metric_errors(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"{name} raised an error",
            )
            self._alarm(
                f"{title}Throttles",
                function.metric_throttles(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"{name} was throttled",
            )
        self._alarm(
            "Api5xx",
            watched.rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
            threshold=5,
            description="The API answered 5xx",
        )

        self.dashboard = self._dashboard(watched)

    def _alarm(self, name: str, metric: cw.Metric, *, threshold: float, description: str) -> None:
        alarm = metric.create_alarm(
            self,
            name,
            alarm_name=f"{self.config.prefix}-{name}",
            alarm_description=f"Syncline {self.config.stage}: {description}",
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self.action)
        alarm.add_ok_action(self.action)
        self.alarms[name] = alarm

    def _dashboard(self, watched: Watched) -> cw.Dashboard:
        dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=self.config.prefix)
        queues = (
            ("sync", watched.sync_queue),
            ("sync DLQ", watched.sync_dlq),
            ("trigger", watched.trigger_queue),
            ("trigger DLQ", watched.trigger_dlq),
            ("trigger failures", watched.trigger_failures),
        )
        dashboard.add_widgets(
            cw.GraphWidget(
                title="Queue depth (visible)",
                left=[
                    q.metric_approximate_number_of_messages_visible(
                        period=PERIOD, label=label, statistic="Maximum"
                    )
                    for label, q in queues
                ],
                width=12,
            ),
            cw.GraphWidget(
                title="Oldest message age (s)",
                left=[
                    q.metric_approximate_age_of_oldest_message(
                        period=PERIOD, label=label, statistic="Maximum"
                    )
                    for label, q in (("sync", watched.sync_queue), ("trigger", watched.trigger_queue))
                ],
                width=12,
            ),
        )
        functions = watched.functions.items()
        dashboard.add_widgets(
            cw.GraphWidget(
                title="Invocations",
                left=[f.metric_invocations(period=PERIOD, label=n) for n, f in functions],
                width=8,
            ),
            cw.GraphWidget(
                title="Errors and throttles",
                left=[f.metric_errors(period=PERIOD, label=f"{n} errors") for n, f in functions],
                right=[f.metric_throttles(period=PERIOD, label=f"{n} throttles") for n, f in functions],
                width=8,
            ),
            cw.GraphWidget(
                title="Duration p95 (ms)",
                left=[f.metric_duration(period=PERIOD, label=n, statistic="p95") for n, f in functions],
                width=8,
            ),
        )
        api = watched.rest_api
        dashboard.add_widgets(
            cw.GraphWidget(
                title="API requests and errors",
                left=[api.metric_count(period=PERIOD, label="requests")],
                right=[
                    api.metric_client_error(period=PERIOD, label="4xx"),
                    api.metric_server_error(period=PERIOD, label="5xx"),
                ],
                width=12,
            ),
            cw.GraphWidget(
                title="API latency p95 (ms)",
                left=[
                    api.metric_latency(period=PERIOD, label="latency", statistic="p95"),
                    api.metric_integration_latency(period=PERIOD, label="integration", statistic="p95"),
                ],
                width=12,
            ),
            cw.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=24),
        )
        return dashboard

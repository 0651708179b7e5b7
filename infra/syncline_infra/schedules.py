"""Schedules: the EventBridge Scheduler group for service schedules, and the health check.

The deploy does not know any service: report_api creates, updates and deletes one schedule per
active service in the group at runtime, with the role below as the schedule's execution role
(it may only invoke the trigger function); the alerts function may delete one (auto-pause). The
health check, the reconciler and the alerts tick run on fixed rates.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from syncline import tables
from syncline.settings import ENV

from .context import StageConfig


class Schedules(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        trigger: lambda_.IFunction,
        health: lambda_.IFunction,
        reconcile: lambda_.IFunction,
        alerts: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.group_name = config.prefix
        # Deleting the group deletes its schedules: they are derived from the services (kept in
        # the config table) and must not outlive the trigger function they invoke.
        self.group = scheduler.ScheduleGroup(
            self,
            "ServiceSchedules",
            schedule_group_name=self.group_name,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.schedules_arn = stack.format_arn(
            service="scheduler", resource="schedule", resource_name=f"{self.group_name}/*"
        )

        # The execution role of every service schedule; Scheduler assumes it only on behalf of
        # this account's schedule group.
        self.role = iam.Role(
            self,
            "SchedulerRole",
            description=f"Syncline {config.stage}: EventBridge Scheduler invokes the trigger function",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnEquals": {"aws:SourceArn": self.group.schedule_group_arn},
                },
            ),
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="InvokeTrigger", actions=["lambda:InvokeFunction"], resources=[trigger.function_arn]
            )
        )
        self.trigger_function_arn = trigger.function_arn

        self.health_rule = self._every(
            "HealthCheck",
            f"Syncline {config.stage}: check every connector",
            health,
            config.health_rate_minutes,
        )
        self.reconcile_rule = self._every(
            "Reconcile",
            f"Syncline {config.stage}: re-queue lost records, close runs whose batches died",
            reconcile,
            tables.RECONCILE_RATE_MINUTES,
        )
        self.alerts_rule = self._every(
            "Alerts",
            f"Syncline {config.stage}: send the failure, recovery and connector emails that are due",
            alerts,
            tables.ALERTS_RATE_MINUTES,
        )

    def _every(
        self, rule_id: str, description: str, function: lambda_.IFunction, minutes: int
    ) -> events.Rule:
        """A fixed-rate rule invoking `function`; a missed tick is not retried (the next one does
        the same work)."""
        return events.Rule(
            self,
            rule_id,
            description=description,
            schedule=events.Schedule.rate(Duration.minutes(minutes)),
            targets=[
                targets.LambdaFunction(function, retry_attempts=0, max_event_age=Duration.minutes(minutes))
            ],
        )

    def environment(self) -> dict[str, str]:
        """What report_api needs to create service schedules."""
        return {
            ENV["schedule_group"]: self.group_name,
            ENV["trigger_function_arn"]: self.trigger_function_arn,
            ENV["scheduler_role_arn"]: self.role.role_arn,
        }

    def grant(self, role: iam.Role, actions: tuple[str, ...]) -> None:
        """Let ``role`` make these calls on the group's schedules; one that creates or updates a
        schedule may also hand it the execution role (and only to Scheduler)."""
        role.add_to_principal_policy(
            iam.PolicyStatement(sid="ServiceSchedules", actions=list(actions), resources=[self.schedules_arn])
        )
        if {"scheduler:CreateSchedule", "scheduler:UpdateSchedule"} & set(actions):
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    sid="PassSchedulerRole",
                    actions=["iam:PassRole"],
                    resources=[self.role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
                )
            )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:"
                f"schedule/{self.group_name}/*]",
                reason=(
                    "Service schedules are created at runtime, one per active service, so their names "
                    "are not known at deploy time; the grant is limited to Syncline's schedule group."
                ),
            )
        )

"""Functions: trigger, sync_item, health, reconcile, alerts and report_api, and the SQS event sources.

Each function has its own role (its permissions are in :mod:`.permissions`), its own log group
with retention, X-Ray tracing, arm64 and Python 3.13, the Python the test suite runs on. Every
function gets the same Syncline environment (``syncline.settings.ENV``), because the settings
model validates all of it at cold start.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk.aws_lambda_event_sources import SqsEventSource
from constructs import Construct

from syncline import observability, tables
from syncline.settings import ENV

from .bundling import DependencyCache, function_code, layer_code, pyproject_requirements
from .context import StageConfig
from .data import Data
from .queues import Queues

# The Python the test suite runs on (the Makefile builds the venv, so CI, with it).
RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64

# The trigger stops pulling this long before its timeout and hands over to a continuation.
TRIGGER_BUDGET_MARGIN_SECONDS = 60
# A batch of sync messages: SendMessageBatch and the event source both top out at 10.
SYNC_BATCH_SIZE = 10
# Continuations and manual runs: one pull per invocation.
TRIGGER_BATCH_SIZE = 1
POWERTOOLS_SERVICE = observability.SERVICE
METRICS_NAMESPACE = observability.NAMESPACE


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    description: str
    memory_mb: int
    timeout_seconds: int
    # Optional dependency groups of pyproject.toml the function gets as layers (one layer per
    # group, shared by every function that has it) on top of its bundled [project] dependencies.
    layers: tuple[str, ...] = ()
    # Retries of asynchronous invocations (scheduled ones); None for Lambda's default.
    async_retries: int | None = None
    # Asynchronous invocations that failed (or waited too long) are recorded on a queue.
    failure_queue: bool = False

    @property
    def handler(self) -> str:
        return f"functions.{self.name}.handler.handler"

    @property
    def title(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))


SPECS = (
    FunctionSpec(
        "trigger",
        "Pulls changed records of a service and fans them out to the sync queue",
        memory_mb=tables.TRIGGER_MEMORY_MB,
        timeout_seconds=tables.TRIGGER_TIMEOUT_SECONDS,
        layers=("sftp",),
        # The next scheduled run picks up from the same cursor; a retry would only pull twice. A
        # failed or expired scheduled invocation goes to the trigger failure queue (alarmed).
        async_retries=0,
        failure_queue=True,
    ),
    FunctionSpec(
        "sync_item",
        "Pushes a batch of records to their destination and records each outcome",
        memory_mb=tables.SYNC_ITEM_MEMORY_MB,
        timeout_seconds=tables.SYNC_ITEM_TIMEOUT_SECONDS,
        layers=("sftp",),
    ),
    FunctionSpec(
        "health",
        "Checks every connector and records its health status",
        memory_mb=256,
        timeout_seconds=tables.HEALTH_TIMEOUT_SECONDS,
        layers=("sftp",),
        async_retries=0,
    ),
    FunctionSpec(
        "reconcile",
        "Re-queues or fails records that lost their message and closes runs whose batches died",
        memory_mb=256,
        timeout_seconds=tables.RECONCILE_TIMEOUT_SECONDS,
        # The next scheduled pass does the same work: a retry would only overlap it.
        async_retries=0,
    ),
    FunctionSpec(
        "alerts",
        "Sends failure digests, recovery, connector status and auto-pause emails (SES)",
        memory_mb=256,
        timeout_seconds=tables.ALERTS_TIMEOUT_SECONDS,
        # The next tick sends what this one could not: a retry would only overlap it.
        async_retries=0,
    ),
    FunctionSpec(
        "report_api",
        "Report, runs, services and connectors API behind API Gateway",
        memory_mb=512,
        # API Gateway stops waiting after 29 seconds.
        timeout_seconds=29,
        # Validating an SFTP connector (host key, private key) needs asyncssh; the configuration
        # files of /config/... need PyYAML.
        layers=("sftp", "config"),
    ),
)


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: Data,
        queues: Queues,
        cache: DependencyCache,
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.functions: dict[str, lambda_.Function] = {}
        self.roles: dict[str, iam.Role] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        self.layers = {
            name: lambda_.LayerVersion(
                self,
                f"{name.capitalize()}Layer",
                code=layer_code(name, pyproject_requirements([name], base=False), cache),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description=f"Syncline {config.stage}: the {name} dependencies",
            )
            for name in sorted({layer for spec in SPECS for layer in spec.layers})
        }

        environment = self.common_environment(config, data, queues)
        for spec in SPECS:
            extra = {}
            if spec.name == "alerts" and config.alert_sender:
                extra[ENV["alert_sender"]] = config.alert_from or ""
                extra[ENV["alert_configuration_set"]] = config.alert_configuration_set
            if spec.name == "trigger":
                budget = tables.TRIGGER_TIMEOUT_SECONDS - TRIGGER_BUDGET_MARGIN_SECONDS
                extra[ENV["trigger_budget_seconds"]] = str(budget)
                extra[ENV["trigger_timeout_seconds"]] = str(tables.TRIGGER_TIMEOUT_SECONDS)
            self._function(spec, {**environment, **extra}, cache, queues)

        self.trigger = self.functions["trigger"]
        self.sync_item = self.functions["sync_item"]
        self.health = self.functions["health"]
        self.reconcile = self.functions["reconcile"]
        self.alerts = self.functions["alerts"]
        self.report_api = self.functions["report_api"]

        # sync_item: batches of up to 10 from the sync queue; each failed record is reported on
        # its own (ReportBatchItemFailures) so the rest of the batch is not redelivered.
        self.sync_item.add_event_source(
            SqsEventSource(
                queues.sync_queue,
                batch_size=SYNC_BATCH_SIZE,
                max_batching_window=Duration.seconds(config.sync_batch_window_seconds),
                report_batch_item_failures=True,
                max_concurrency=config.sync_max_concurrency,
            )
        )
        # trigger: continuations of long pulls and manual runs, one per invocation.
        self.trigger.add_event_source(
            SqsEventSource(
                queues.trigger_queue,
                batch_size=TRIGGER_BATCH_SIZE,
                report_batch_item_failures=True,
                max_concurrency=config.trigger_max_concurrency,
            )
        )

    @staticmethod
    def common_environment(config: StageConfig, data: Data, queues: Queues) -> dict[str, str]:
        sync_queue = queues.definitions[tables.SYNC_QUEUE.logical_id]
        environment = {
            ENV["config_table"]: data.config_table.table_name,
            ENV["syncs_table"]: data.syncs_table.table_name,
            ENV["sync_queue_url"]: queues.sync_queue.queue_url,
            ENV["sync_dlq_url"]: queues.sync_dlq.queue_url,
            ENV["trigger_queue_url"]: queues.trigger_queue.queue_url,
            ENV["bucket"]: data.bucket.bucket_name,
            ENV["secrets_prefix"]: config.secrets_prefix,
            ENV["retention_days"]: str(config.retention_days),
            ENV["queue_max_receive_count"]: str(sync_queue.max_receive_count),
            "POWERTOOLS_SERVICE_NAME": POWERTOOLS_SERVICE,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "POWERTOOLS_LOG_LEVEL": config.log_level,
            # Events and responses can carry customer data: never log or trace them whole.
            "POWERTOOLS_LOGGER_LOG_EVENT": "false",
            "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
        }
        return environment

    def _function(
        self, spec: FunctionSpec, environment: dict[str, str], cache: DependencyCache, queues: Queues
    ) -> None:
        role = iam.Role(
            self,
            f"{spec.title}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Syncline {self.config.stage} {spec.name} function",
        )
        log_group = logs.LogGroup(
            self,
            f"{spec.title}Logs",
            retention=self.config.log_retention,
            removal_policy=self.config.removal_policy,
        )
        function = lambda_.Function(
            self,
            spec.title,
            function_name=f"{self.config.prefix}-{spec.name.replace('_', '-')}",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=function_code(spec.name, pyproject_requirements(), cache),
            layers=[self.layers[name] for name in spec.layers],
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_seconds),
            environment=environment,
            role=role,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            retry_attempts=spec.async_retries,
            on_failure=destinations.SqsDestination(queues.trigger_failures) if spec.failure_queue else None,
            max_event_age=(
                Duration.seconds(tables.TRIGGER_MAX_EVENT_AGE_SECONDS) if spec.failure_queue else None
            ),
        )
        log_group.grant_write(role)
        Validations.of(function).acknowledge(
            Acknowledgment(
                id="AwsSolutions-L1",
                reason=(
                    "Python 3.13, not the newest runtime: the test suite and CI run on 3.13, so the "
                    "deployed Python is the one every test ran on."
                ),
            )
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "xray:PutTraceSegments and xray:PutTelemetryRecords (added for active tracing) "
                    "do not support resource-level permissions; no other action has Resource '*'."
                ),
            )
        )
        self.functions[spec.name] = function
        self.roles[spec.name] = role
        self.log_groups[spec.name] = log_group

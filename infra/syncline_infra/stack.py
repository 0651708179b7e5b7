"""The Syncline stack: one ``cdk deploy`` puts the whole service into an account."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from syncline.api.cors import CORS_ORIGINS_ENV
from syncline.settings import ENV

from .alert_email import AlertEmail
from .api import Api
from .bundling import DependencyCache
from .console import Console
from .context import StageConfig
from .data import Data
from .functions import ARCHITECTURE, RUNTIME, Functions
from .monitoring import Monitoring, Watched
from .permissions import grant_all
from .queues import Queues
from .schedules import Schedules


class SynclineStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        cache: DependencyCache | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"Syncline integration sync service ({config.stage})",
            **kwargs,
        )
        self.config = config
        Tags.of(self).add("project", "syncline")
        Tags.of(self).add("stage", config.stage)
        cache = cache or DependencyCache(config.bundle_cache_dir, RUNTIME, ARCHITECTURE)

        self.data = Data(self, "Data", config=config)
        self.queues = Queues(self, "Queues", config=config)
        self.functions = Functions(
            self, "Functions", config=config, data=self.data, queues=self.queues, cache=cache
        )
        self.schedules = Schedules(
            self,
            "Schedules",
            config=config,
            trigger=self.functions.trigger,
            health=self.functions.health,
            reconcile=self.functions.reconcile,
            alerts=self.functions.alerts,
        )
        for name, value in self.schedules.environment().items():
            self.functions.report_api.add_environment(name, value)
            self.functions.alerts.add_environment(name, value)  # auto-pause deletes a schedule

        self.console = Console(self, "Console", config=config) if config.console else None
        self.api = Api(
            self,
            "Api",
            config=config,
            handler=self.functions.report_api,
            extra_origins=[self.console.origin] if self.console else [],
        )
        if self.console:  # config.json names the API: published after both exist
            self.console.publish(self.api.url)
        if self.api.origins:  # report_api answers with the CORS headers of an allowed origin
            self.functions.report_api.add_environment(CORS_ORIGINS_ENV, ",".join(self.api.origins))
        # Alert emails link to the console's views (the API's URLs need a key: a click gets a 401).
        console_url = config.alert_link_base or (f"{self.console.origin}/" if self.console else None)
        if console_url:
            self.functions.alerts.add_environment(ENV["alert_link_base"], console_url)
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            config=config,
            watched=Watched(
                functions=self.functions.functions,
                sync_queue=self.queues.sync_queue,
                sync_dlq=self.queues.sync_dlq,
                trigger_queue=self.queues.trigger_queue,
                trigger_dlq=self.queues.trigger_dlq,
                trigger_failures=self.queues.trigger_failures,
                rest_api=self.api.rest_api,
            ),
        )
        self.alert_email = (
            AlertEmail(self, "AlertEmail", config=config, alarm_action=self.monitoring.action)
            if config.alert_sender
            else None
        )
        grant_all(config, self.functions, self.data, self.queues, self.schedules, self.alert_email)

        outputs = {
            "ApiUrl": self.api.url,
            "ConfigTableName": self.data.config_table.table_name,
            "SyncsTableName": self.data.syncs_table.table_name,
            "BucketName": self.data.bucket.bucket_name,
            "SyncQueueUrl": self.queues.sync_queue.queue_url,
            "SyncDeadLetterQueueUrl": self.queues.sync_dlq.queue_url,
            "TriggerQueueUrl": self.queues.trigger_queue.queue_url,
            "TriggerFailureQueueUrl": self.queues.trigger_failures.queue_url,
            "ScheduleGroupName": self.schedules.group_name,
            "SecretsPrefix": config.secrets_prefix,
            "AlarmTopicArn": self.monitoring.topic.topic_arn,
        }
        if self.console:
            outputs["ConsoleUrl"] = f"{self.console.origin}/"
            outputs["ConsoleBucketName"] = self.console.bucket.bucket_name
            if self.console.domain:  # the DNS record for the domain points here (CNAME or alias)
                outputs["ConsoleDistributionDomain"] = self.console.distribution.distribution_domain_name
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)

"""Function settings: environment variables parsed once, validated at cold start.

Every function reads the same names; the CDK app sets them and the local stack sets them for
its embedded AWS. A missing or malformed variable fails with a message naming it.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENV = {
    "config_table": "SYNCLINE_CONFIG_TABLE",
    "syncs_table": "SYNCLINE_SYNCS_TABLE",
    "sync_queue_url": "SYNCLINE_SYNC_QUEUE_URL",
    "sync_dlq_url": "SYNCLINE_SYNC_DLQ_URL",
    "trigger_queue_url": "SYNCLINE_TRIGGER_QUEUE_URL",
    "health_queue_url": "SYNCLINE_HEALTH_QUEUE_URL",
    "bucket": "SYNCLINE_BUCKET",
    "secrets_prefix": "SYNCLINE_SECRETS_PREFIX",
    "retention_days": "SYNCLINE_RETENTION_DAYS",
    "queue_max_receive_count": "SYNCLINE_QUEUE_MAX_RECEIVE_COUNT",
    "trigger_budget_seconds": "SYNCLINE_TRIGGER_BUDGET_SECONDS",
    "schedule_group": "SYNCLINE_SCHEDULE_GROUP",
    "trigger_function_arn": "SYNCLINE_TRIGGER_FUNCTION_ARN",
    "scheduler_role_arn": "SYNCLINE_SCHEDULER_ROLE_ARN",
    "alert_sender": "SYNCLINE_ALERT_SENDER",
    "alert_configuration_set": "SYNCLINE_ALERT_CONFIGURATION_SET",
    "alert_link_base": "SYNCLINE_ALERT_LINK_BASE",
    "alert_eml_dir": "SYNCLINE_ALERT_EML_DIR",
    "trigger_timeout_seconds": "SYNCLINE_TRIGGER_TIMEOUT_SECONDS",
    "reconcile_grace_seconds": "SYNCLINE_RECONCILE_GRACE_SECONDS",
    # Connectors may reach private, loopback and link-local addresses (the local stack only).
    # Read on each check by syncline.connectors.network, which must work without the rest.
    "allow_private_networks": "SYNCLINE_ALLOW_PRIVATE_NETWORKS",
    "cursor_key": "SYNCLINE_CURSOR_KEY",
    # report_api: comma-separated origins whose requests get CORS headers (syncline.api.cors)
    "cors_origins": "SYNCLINE_CORS_ORIGINS",
}


class SettingsError(RuntimeError):
    pass


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    config_table: str = Field(min_length=3)
    syncs_table: str = Field(min_length=3)
    sync_queue_url: str = Field(min_length=1)
    sync_dlq_url: str = Field(min_length=1)
    trigger_queue_url: str = Field(min_length=1)
    # The health check's queue (one message per connector to check); unset: checks are not fanned out.
    health_queue_url: str = ""
    bucket: str | None = None
    secrets_prefix: str = "syncline/"
    retention_days: int = Field(default=30, ge=1, le=3650)
    queue_max_receive_count: int = Field(default=5, ge=1, le=1000)
    # A trigger invocation stops pulling and hands over to a continuation after this long.
    trigger_budget_seconds: float = Field(default=240.0, gt=0)
    schedule_group: str | None = None
    trigger_function_arn: str | None = None
    scheduler_role_arn: str | None = None
    # Alert emails: the SES identity they are sent from (an address, or any address of a verified
    # domain), the configuration set (reputation metrics, bounce and complaint events), the web
    # console's URL the emails link to (its views of a service's failures; none: no links), and a
    # folder that also gets each email as an .eml file (the local stack).
    alert_sender: str | None = None
    alert_configuration_set: str | None = None
    alert_link_base: str | None = None
    alert_eml_dir: str | None = None
    # The trigger function's timeout: a pull silent for longer than this has lost its trigger.
    trigger_timeout_seconds: float = Field(default=300.0, gt=0, le=900)
    # The reconciler leaves an item or run alone while anything touched it within this long.
    reconcile_grace_seconds: float = Field(default=300.0, ge=0, le=86400)
    # Deployed stages refuse connector destinations on internal addresses (SSRF); the local stack
    # sets this to true to reach its demo systems on 127.0.0.1.
    allow_private_networks: bool = False
    # The key report cursors are signed with; unset: a random key kept in the config table.
    cursor_key: str | None = Field(default=None, min_length=16)
    # Origins allowed by CORS (corsOrigins and the web console's); read by syncline.api.cors.
    cors_origins: str | None = None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    values = {field: env[name] for field, name in ENV.items() if env.get(name)}
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{ENV.get(str(err['loc'][0]), err['loc'][0])}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"invalid Syncline configuration: {problems}") from None


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The function's settings, parsed once per cold start."""
    return load_settings()

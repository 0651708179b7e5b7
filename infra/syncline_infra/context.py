"""Deployment settings read from CDK context (``cdk.json`` or ``cdk deploy -c key=value``).

Every key has a default here, so ``cdk synth`` works with no context at all. Values given on the
command line arrive as strings; they are parsed and checked, and a bad one fails the synth with a
message naming the key.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Node

from syncline import tables

from . import limits

INFRA_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = INFRA_DIR.parent

# CloudWatch Logs accepts only these retention periods.
_LOG_RETENTION_DAYS = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH",
    60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
    365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS",
    1827: "FIVE_YEARS", 2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS",
}  # fmt: skip
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_STAGE_RE = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CERTIFICATE_RE = re.compile(r"^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/[0-9a-f-]{36}$")
_DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

# The context keys this app reads, with their defaults (documented in infra/README.md).
DEFAULTS: dict[str, Any] = {
    "stage": "dev",
    "alarmEmail": "",
    "alertSender": "",
    "alertLinkBase": "",
    "retentionDays": 30,
    "logRetentionDays": 30,
    "logLevel": "INFO",
    "removalPolicy": "retain",
    "accountConcurrency": limits.NEW_ACCOUNT_CONCURRENCY,
    "syncMaxConcurrency": "",  # "": sized to fit accountConcurrency (see `limits.event_sources`)
    "syncBatchWindowSeconds": 2,
    "triggerMaxConcurrency": "",
    "healthMaxConcurrency": "",
    "healthRateMinutes": tables.HEALTH_RATE_MINUTES,
    "queueAgeAlarmSeconds": 3600,
    "apiRateLimit": 50,
    "apiBurstLimit": 100,
    "apiCloudWatchRole": True,
    "apiExecutionLogs": "off",
    "corsOrigins": "",
    "console": False,
    "console_domain": "",
    "console_certificate_arn": "",
    "bundleCacheDir": "",
    "statusIndexProjection": "KEYS_ONLY",
    "keepIndexes": "",
}


class ContextError(ValueError):
    pass


@dataclass(frozen=True)
class StageConfig:
    stage: str = "dev"
    alarm_email: str | None = None
    # The SES identity alert emails are sent from: an email address, or a domain (DKIM records are
    # output, mail goes out as syncline-alerts@<domain>).
    alert_sender: str | None = None
    # The base URL of the report links in alert emails (a dashboard's); none: the API's URL.
    alert_link_base: str | None = None
    retention_days: int = 30
    log_retention_days: int = 30
    log_level: str = "INFO"
    destroy_on_removal: bool = False
    # The Lambda concurrency the stage may use at once, and what its event sources are sized to.
    account_concurrency: int = limits.NEW_ACCOUNT_CONCURRENCY
    sync_max_concurrency: int = limits.MIN_EVENT_SOURCE
    sync_batch_window_seconds: int = 2
    trigger_max_concurrency: int = limits.MIN_EVENT_SOURCE
    health_max_concurrency: int = limits.MIN_EVENT_SOURCE
    health_rate_minutes: int = tables.HEALTH_RATE_MINUTES
    queue_age_alarm_seconds: int = 3600
    api_rate_limit: int = 50
    api_burst_limit: int = 100
    api_cloudwatch_role: bool = True
    # API Gateway execution logs: OFF, ERROR or INFO (a log group of the stack's, with retention).
    api_execution_logs: str = "OFF"
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    # The web console in S3 behind CloudFront; the API's CORS then allows its origin too.
    console: bool = False
    # The console on your own domain, with an ACM certificate of us-east-1 for it (TLS 1.2 minimum).
    console_domain: str | None = None
    console_certificate_arn: str | None = None
    bundle_cache_dir: Path = INFRA_DIR / ".bundle-cache"
    status_index_projection: str = "KEYS_ONLY"
    # Retired report indexes a stack deployed before keeps for one more deploy (see tables.py).
    keep_indexes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def prefix(self) -> str:
        """Physical-name prefix of tables, queues, functions and the schedule group."""
        return f"syncline-{self.stage}"

    @property
    def alert_from(self) -> str | None:
        """The address alert emails are sent from."""
        if not self.alert_sender:
            return None
        return self.alert_sender if "@" in self.alert_sender else f"syncline-alerts@{self.alert_sender}"

    @property
    def alert_identity(self) -> str | None:
        """The SES identity: the address, or the domain."""
        return self.alert_sender

    @property
    def alert_configuration_set(self) -> str:
        return f"{self.prefix}-alerts"

    @property
    def concurrency_maxima(self) -> dict[str, int]:
        """What each function may run at once: the event sources' maxima, and an allowance for
        those that have none (the API, the reconciler, the alerts tick)."""
        return {
            "sync_item": self.sync_max_concurrency,
            "trigger": self.trigger_max_concurrency,
            "health": self.health_max_concurrency,
            **limits.ALLOWANCES,
        }

    @property
    def secrets_prefix(self) -> str:
        """Connector secrets live under ``syncline/<stage>/``: stages in one account stay apart."""
        return f"syncline/{self.stage}/"

    @property
    def removal_policy(self) -> RemovalPolicy:
        """Kept when the stack is deleted or the resource replaced, but deleted when the stack's
        first deploy rolls back: a retry then finds no leftover table of the same name."""
        return RemovalPolicy.DESTROY if self.destroy_on_removal else RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE

    @property
    def log_retention(self) -> logs.RetentionDays:
        return logs.RetentionDays[_LOG_RETENTION_DAYS[self.log_retention_days]]

    @classmethod
    def from_node(cls, node: Node) -> StageConfig:
        return cls.from_mapping({key: node.try_get_context(key) for key in DEFAULTS})

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> StageConfig:
        values = {key: DEFAULTS[key] if raw.get(key) is None else raw[key] for key in DEFAULTS}

        stage = str(values["stage"])
        if not _STAGE_RE.match(stage):
            raise ContextError(f"stage: {stage!r} must be 1-16 of a-z, 0-9, '-', starting with a letter")
        alarm_email = str(values["alarmEmail"]).strip() or None
        alert_sender = str(values["alertSender"]).strip() or None
        if alarm_email is not None and not _EMAIL_RE.match(alarm_email):
            raise ContextError(f"alarmEmail: {alarm_email!r} is not an email address")
        if alert_sender is not None and not (
            _EMAIL_RE.match(alert_sender) or _DOMAIN_RE.match(alert_sender.lower())
        ):
            raise ContextError(f"alertSender: {alert_sender!r} is not an email address or a domain")
        alert_link_base = str(values["alertLinkBase"]).strip() or None
        if alert_link_base is not None and not re.match(r"^https://[^\s]+$", alert_link_base):
            raise ContextError(f"alertLinkBase: {alert_link_base!r} is not an https:// URL")
        log_retention_days = _int(values, "logRetentionDays", 1, 3653)
        if log_retention_days not in _LOG_RETENTION_DAYS:
            allowed = ", ".join(str(d) for d in sorted(_LOG_RETENTION_DAYS))
            raise ContextError(f"logRetentionDays: {log_retention_days} is not one of {allowed}")
        log_level = str(values["logLevel"]).upper()
        if log_level not in _LOG_LEVELS:
            raise ContextError(f"logLevel: {values['logLevel']!r} is not one of {', '.join(_LOG_LEVELS)}")
        removal = str(values["removalPolicy"]).lower()
        if removal not in ("retain", "destroy"):
            raise ContextError(f"removalPolicy: {values['removalPolicy']!r} is not 'retain' or 'destroy'")
        api_rate_limit = _int(values, "apiRateLimit", 1, 10_000)
        api_burst_limit = _int(values, "apiBurstLimit", 1, 5_000)
        projection = str(values["statusIndexProjection"]).upper()
        if projection not in ("KEYS_ONLY", "ALL"):
            raise ContextError(
                f"statusIndexProjection: {values['statusIndexProjection']!r} is not 'KEYS_ONLY' or 'ALL'"
            )
        keep = _str_list(values["keepIndexes"])
        retired = {index.name for index in tables.RETIRED_INDEXES}
        for name in keep:
            if name not in retired:
                raise ContextError(
                    f"keepIndexes: {name!r} is not a retired index ({', '.join(sorted(retired))})"
                )
        cache = str(values["bundleCacheDir"]).strip() or os.environ.get("SYNCLINE_BUNDLE_CACHE", "")
        account = _int(values, "accountConcurrency", limits.NEW_ACCOUNT_CONCURRENCY, 100_000)
        given = {
            name: _int(values, key, limits.MIN_EVENT_SOURCE, 1000) if str(values[key]).strip() else None
            for name, key in (
                ("sync_item", "syncMaxConcurrency"),
                ("trigger", "triggerMaxConcurrency"),
                ("health", "healthMaxConcurrency"),
            )
        }
        sized = limits.event_sources(account, **given)
        execution_logs = str(values["apiExecutionLogs"]).strip().upper()
        if execution_logs not in ("OFF", "ERROR", "INFO"):
            raise ContextError(f"apiExecutionLogs: {values['apiExecutionLogs']!r} is not off, error or info")
        console_domain = str(values["console_domain"]).strip().lower() or None
        certificate = str(values["console_certificate_arn"]).strip() or None
        if console_domain is not None and not _DOMAIN_RE.match(console_domain):
            raise ContextError(f"console_domain: {console_domain!r} is not a domain name")
        if console_domain is not None and not _bool(values, "console"):
            raise ContextError("console_domain: the console is not deployed (set console=true too)")
        if (console_domain is None) != (certificate is None):
            raise ContextError(
                "console_domain: give console_domain and console_certificate_arn together"
                if certificate
                else "console_certificate_arn: give console_domain and console_certificate_arn together"
            )
        if certificate is not None and not _CERTIFICATE_RE.match(certificate):
            raise ContextError(
                "console_certificate_arn: not an ACM certificate ARN of us-east-1 "
                "(arn:aws:acm:us-east-1:<account>:certificate/<id>; CloudFront takes certificates of "
                "that region only)"
            )
        return cls(
            stage=stage,
            alarm_email=alarm_email,
            alert_sender=alert_sender,
            alert_link_base=alert_link_base,
            retention_days=_int(values, "retentionDays", 1, 3650),
            log_retention_days=log_retention_days,
            log_level=log_level,
            destroy_on_removal=removal == "destroy",
            account_concurrency=account,
            sync_max_concurrency=sized["sync_item"],
            sync_batch_window_seconds=_int(values, "syncBatchWindowSeconds", 0, 300),
            trigger_max_concurrency=sized["trigger"],
            health_max_concurrency=sized["health"],
            health_rate_minutes=_int(values, "healthRateMinutes", 1, 1440),
            queue_age_alarm_seconds=_int(values, "queueAgeAlarmSeconds", 60, 14 * 24 * 3600),
            api_rate_limit=api_rate_limit,
            api_burst_limit=api_burst_limit,
            api_cloudwatch_role=_bool(values, "apiCloudWatchRole"),
            api_execution_logs=execution_logs,
            cors_origins=_str_list(values["corsOrigins"]),
            console=_bool(values, "console"),
            console_domain=console_domain,
            console_certificate_arn=certificate,
            bundle_cache_dir=(INFRA_DIR / cache).resolve() if cache else INFRA_DIR / ".bundle-cache",
            status_index_projection=projection,
            keep_indexes=keep,
        )


def _int(values: dict[str, Any], key: str, low: int, high: int) -> int:
    raw = values[key]
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise ContextError(f"{key}: {raw!r} is not a whole number") from None
    if not low <= number <= high:
        raise ContextError(f"{key}: {number} is not between {low} and {high}")
    return number


def _bool(values: dict[str, Any], key: str) -> bool:
    raw = values[key]
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ContextError(f"{key}: {raw!r} is not true or false")


def _str_list(raw: Any) -> tuple[str, ...]:
    """A list from JSON context, or a comma-separated string from ``-c key=a,b``."""
    if isinstance(raw, list | tuple):
        items = [str(item) for item in raw]
    else:
        text = str(raw).strip()
        items = json.loads(text) if text.startswith("[") else text.split(",")
    return tuple(item.strip() for item in items if str(item).strip())


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` block of infra/cdk.json (feature flags), for apps built outside the CLI."""
    with (INFRA_DIR / "cdk.json").open(encoding="utf-8") as handle:
        context: dict[str, Any] = json.load(handle).get("context", {})
    return context

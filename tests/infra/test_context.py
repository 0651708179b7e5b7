"""Context keys: defaults, parsing of `-c key=value` strings, and errors that name the key."""

from __future__ import annotations

import pytest

from infra.syncline_infra.context import DEFAULTS, INFRA_DIR, ContextError, StageConfig


def test_defaults() -> None:
    config = StageConfig.from_mapping({})
    assert config.stage == "dev"
    assert config.prefix == "syncline-dev"
    assert config.secrets_prefix == "syncline/dev/"
    assert config.alarm_email is None and config.alert_sender is None
    assert config.retention_days == 30 and config.log_retention_days == 30
    assert config.log_level == "INFO"
    assert not config.destroy_on_removal
    assert config.cors_origins == ()
    assert config.bundle_cache_dir == INFRA_DIR / ".bundle-cache"
    # sized for a new account's 10 concurrent executions
    assert config.account_concurrency == 10 and sum(config.concurrency_maxima.values()) <= 10
    assert config.api_execution_logs == "OFF" and config.api_cloudwatch_role
    assert config.console_domain is None and config.console_certificate_arn is None


def test_command_line_strings_are_parsed() -> None:
    config = StageConfig.from_mapping(
        {
            "stage": "prod",
            "retentionDays": "90",
            "logLevel": "warning",
            "removalPolicy": "DESTROY",
            "apiCloudWatchRole": "false",
            "corsOrigins": "https://a.example.com, https://b.example.com",
            "bundleCacheDir": "/tmp/syncline-cache",
        }
    )
    assert (config.stage, config.retention_days, config.log_level) == ("prod", 90, "WARNING")
    assert config.destroy_on_removal and not config.api_cloudwatch_role
    assert config.cors_origins == ("https://a.example.com", "https://b.example.com")
    assert str(config.bundle_cache_dir) == "/tmp/syncline-cache"
    assert StageConfig.from_mapping({"corsOrigins": ["https://c.example.com"]}).cors_origins == (
        "https://c.example.com",
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("stage", "Prod_1"),
        ("alarmEmail", "not-an-email"),
        ("retentionDays", "0"),
        ("logRetentionDays", "31"),
        ("logLevel", "LOUD"),
        ("removalPolicy", "snapshot"),
        ("syncMaxConcurrency", "1"),
        ("healthMaxConcurrency", "1"),
        ("accountConcurrency", "5"),
        ("apiExecutionLogs", "verbose"),
        ("apiCloudWatchRole", "maybe"),
        ("queueAgeAlarmSeconds", "soon"),
    ],
)
def test_bad_values_name_the_key(key: str, value: str) -> None:
    assert key in DEFAULTS
    with pytest.raises(ContextError, match=f"^{key}: "):
        StageConfig.from_mapping({key: value})

"""The scheduled health check: every connector of every company group, checked with a cheap
authenticated call; the result goes on the connector row (which sync_item's circuit breaker
reads) and a history row is kept when the status changes."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from syncline.connectors import ConfigurationError, Connector
from syncline.models import ConnectorConfig, HealthStatus, utcnow
from syncline.store import ConfigStore

CHECK_CONCURRENCY = 8


@dataclass
class CheckOutcome:
    tenant_id: str
    connector_id: str
    status: HealthStatus
    reason: str | None
    changed: bool


def check_one(
    row: ConnectorConfig, open_connector: Callable[[ConnectorConfig], Connector]
) -> tuple[HealthStatus, str | None]:
    from syncline.health import check

    try:
        connector = open_connector(row)
    except ConfigurationError as exc:
        from syncline.connectors.redact import safe_message

        status = HealthStatus.AUTH_FAILED if exc.field.startswith("credentials") else HealthStatus.UNREACHABLE
        return status, safe_message(f"configuration: {exc}")
    except Exception as exc:  # e.g. the secret is gone: the connector cannot authenticate
        return HealthStatus.AUTH_FAILED, f"credentials unavailable: {type(exc).__name__}"
    with connector:
        result = check(connector)
    return result.status, result.reason


def check_and_record(
    config: ConfigStore, row: ConnectorConfig, open_connector: Callable[[ConnectorConfig], Connector]
) -> CheckOutcome:
    """Check one connector and record the result as the scheduled check does (history on change)."""
    status, reason = check_one(row, open_connector)
    changed = config.record_health(row.tenant_id, row.connector_id, status, reason, utcnow())
    return CheckOutcome(row.tenant_id, row.connector_id, status, reason, changed)


def check_all(
    config: ConfigStore, open_connector: Callable[[ConnectorConfig], Connector]
) -> list[CheckOutcome]:
    rows = [row for tenant_id in config.list_tenant_ids() for row in config.list_connectors(tenant_id)]
    if not rows:
        return []
    with ThreadPoolExecutor(max_workers=min(CHECK_CONCURRENCY, len(rows))) as pool:
        return list(pool.map(lambda row: check_and_record(config, row, open_connector), rows))

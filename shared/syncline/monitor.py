"""The health check: every connector of every company group, checked with a cheap authenticated
call; the result goes on the connector row (which sync_item's circuit breaker reads), a history row
is kept when the status changes, and a connector found Operational gets the records the circuit
breaker held for it sent at once (syncline.pipeline.breaker).

The checks are fanned out, so a round takes about as long as its slowest connector, not as long
as all of them in turn: the scheduled run (`dispatch`) only lists the connectors and sends one
message per connector to the health queue; the health function, fed by that queue in batches,
checks the connectors of a batch side by side (`check_batch`). A slow connector holds up its own
batch only, and a batch that dies is delivered again. `POST /connectors/{id}/check` checks at once
when the connector's longest check fits the API's time, and queues it otherwise (`request_check`).

Inbound connectors are not checked: there is nothing to call. Their status is what their pushes
say (syncline.inbound.ingest records each push and rejection on the connector).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from syncline.connectors import ConfigurationError, Connector
from syncline.deps import Deps
from syncline.models import ID_PATTERN, ConnectorConfig, HealthStatus, utcnow

# Systems whose status comes from what they push, not from a check.
UNCHECKED_SYSTEMS = frozenset({"inbound"})
# What report_api gives a check it runs itself: API Gateway waits 29 s for the whole request.
API_CHECK_SECONDS = 20.0


class CheckRequest(BaseModel):
    """One connector to check: the body of a health-queue message."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: str = Field(pattern=ID_PATTERN)
    connector_id: str = Field(pattern=ID_PATTERN)


@dataclass
class CheckOutcome:
    tenant_id: str
    connector_id: str
    status: HealthStatus
    reason: str | None
    changed: bool
    released: int = 0  # records the circuit breaker held, sent again now


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


def record(deps: Deps, row: ConnectorConfig, status: HealthStatus, reason: str | None) -> CheckOutcome:
    """Record a check's result as the scheduled check does (history on change); an Operational
    connector gets the records held for it sent again."""
    from syncline.pipeline.breaker import release

    changed = deps.config.record_health(row.tenant_id, row.connector_id, status, reason, utcnow())
    released = release(deps, row.tenant_id, row.connector_id) if status == HealthStatus.OPERATIONAL else 0
    return CheckOutcome(row.tenant_id, row.connector_id, status, reason, changed, released)


def check_and_record(deps: Deps, row: ConnectorConfig) -> CheckOutcome:
    status, reason = check_one(row, deps.open_connector)
    return record(deps, row, status, reason)


def dispatch(deps: Deps) -> int:
    """The scheduled run: one message per connector to check on the health queue."""
    from syncline.pipeline.fanout import enqueue

    bodies = [
        CheckRequest(tenant_id=row.tenant_id, connector_id=row.connector_id).model_dump_json()
        for tenant_id in deps.config.list_tenant_ids()
        for row in deps.config.list_connectors(tenant_id)
        if row.system not in UNCHECKED_SYSTEMS
    ]
    if bodies:
        enqueue(deps.health_queue_url, bodies)
    return len(bodies)


def check_batch(deps: Deps, requests: list[CheckRequest]) -> list[CheckOutcome]:
    """Check the connectors of one batch side by side (each as it is stored now; a connector
    deleted meanwhile, or one whose status comes from pushes, is skipped)."""
    rows = [deps.config.get_connector(r.tenant_id, r.connector_id) for r in requests]
    wanted = [row for row in rows if row is not None and row.system not in UNCHECKED_SYSTEMS]
    if not wanted:
        return []
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        return list(pool.map(lambda row: check_and_record(deps, row), wanted))


def request_check(deps: Deps, row: ConnectorConfig) -> datetime | None:
    """`POST /connectors/{id}/check`: check now when the connector's longest check fits the API's
    time (returns None: done and recorded), else queue it for the health function (returns when
    it was asked for: once done, the status has a `health_checked_at` after that)."""
    from syncline.health import check
    from syncline.pipeline.fanout import enqueue

    if row.system in UNCHECKED_SYSTEMS:
        return None
    try:
        connector = deps.open_connector(row)
    except Exception:  # check_one records why it cannot be opened
        check_and_record(deps, row)
        return None
    with connector:
        if connector.max_check_seconds > API_CHECK_SECONDS:
            asked = utcnow()
            request = CheckRequest(tenant_id=row.tenant_id, connector_id=row.connector_id)
            enqueue(deps.health_queue_url, [request.model_dump_json()])
            return asked
        result = check(connector)
    record(deps, row, result.status, result.reason)
    return None

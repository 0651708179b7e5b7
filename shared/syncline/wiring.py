"""What a function needs at run time, built once per container: stores, secrets, connectors.

Connector credentials are read from Secrets Manager and cached for a few minutes, so an update
to a connector's secret is picked up by every service that uses it without a redeploy.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from functools import lru_cache
from threading import Lock
from typing import Any

from syncline import aws
from syncline.connectors import Connector, build_connector
from syncline.deps import Deps
from syncline.models import Connector as ConnectorRow
from syncline.settings import Settings, settings
from syncline.store import ConfigStore, SyncStore

CREDENTIALS_TTL_SECONDS = 300.0


@lru_cache(maxsize=1)
def config_store() -> ConfigStore:
    return ConfigStore(settings().config_table)


@lru_cache(maxsize=1)
def sync_store() -> SyncStore:
    cfg = settings()
    return SyncStore(cfg.syncs_table, retention_days=cfg.retention_days)


def reset() -> None:
    """Forget cached settings, stores, clients and credentials (tests and the local stack)."""
    settings.cache_clear()
    config_store.cache_clear()
    sync_store.cache_clear()
    _deps.cache_clear()
    aws.reset_clients()
    _credentials.clear()


_credentials: dict[str, tuple[float, dict[str, str]]] = {}
_credentials_lock = Lock()


def secret_name(cfg: Settings, tenant_id: str, connector_id: str) -> str:
    return f"{cfg.secrets_prefix}{tenant_id}/{connector_id}"


def credentials(secret_arn: str | None) -> Mapping[str, str]:
    if not secret_arn:
        return {}
    now = time.monotonic()
    with _credentials_lock:
        cached = _credentials.get(secret_arn)
        if cached and now - cached[0] < CREDENTIALS_TTL_SECONDS:
            return cached[1]
    value = aws.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"]
    parsed = {str(k): str(v) for k, v in json.loads(value).items()}
    with _credentials_lock:
        _credentials[secret_arn] = (now, parsed)
    return parsed


def store_credentials(tenant_id: str, connector_id: str, values: Mapping[str, Any]) -> str:
    """Create or replace a connector's secret; returns its ARN. Values never touch DynamoDB."""
    cfg = settings()
    sm = aws.client("secretsmanager")
    name = secret_name(cfg, tenant_id, connector_id)
    body = json.dumps({k: str(v) for k, v in values.items()})
    try:
        arn: str = sm.create_secret(Name=name, SecretString=body)["ARN"]
    except sm.exceptions.ResourceExistsException:
        arn = sm.put_secret_value(SecretId=name, SecretString=body)["ARN"]
    with _credentials_lock:
        _credentials.pop(arn, None)
    return arn


def secret_value(tenant_id: str, connector_id: str) -> str | None:
    """The connector's current secret as stored (None: it has none), to put back after a failure."""
    sm = aws.client("secretsmanager")
    try:
        value: str = sm.get_secret_value(SecretId=secret_name(settings(), tenant_id, connector_id))[
            "SecretString"
        ]
    except sm.exceptions.ResourceNotFoundException:
        return None
    return value


def restore_credentials(tenant_id: str, connector_id: str, previous: str | None) -> None:
    """Put a connector's secret back as `secret_value` returned it (None: delete it)."""
    sm = aws.client("secretsmanager")
    name = secret_name(settings(), tenant_id, connector_id)
    if previous is None:
        arn: str = sm.describe_secret(SecretId=name)["ARN"]
        delete_credentials(arn)
        return
    arn = sm.put_secret_value(SecretId=name, SecretString=previous)["ARN"]
    with _credentials_lock:
        _credentials.pop(arn, None)


def delete_credentials(secret_arn: str) -> None:
    """Delete a connector's secret at once (no recovery window: the id can be used again)."""
    aws.client("secretsmanager").delete_secret(SecretId=secret_arn, ForceDeleteWithoutRecovery=True)
    with _credentials_lock:
        _credentials.pop(secret_arn, None)


def open_connector(row: ConnectorRow) -> Connector:
    return build_connector(
        row.system,
        base_url=str(row.base_url) if row.base_url else None,
        credentials=credentials(row.credentials_secret_arn),
        settings=row.settings,
        timezone=row.timezone,
        date_format=row.date_format,
        connector_id=row.connector_id,
    )


def deps() -> Deps:
    """The dependency object of this container, built once from the settings."""
    return _deps()


@lru_cache(maxsize=1)
def _deps() -> Deps:
    cfg = settings()
    return Deps(
        config=config_store(),
        syncs=sync_store(),
        sync_queue_url=cfg.sync_queue_url,
        trigger_queue_url=cfg.trigger_queue_url,
        sync_dlq_url=cfg.sync_dlq_url,
        bucket=cfg.bucket,
        queue_max_receive_count=cfg.queue_max_receive_count,
        open_connector=open_connector,
        invocation_seconds=cfg.trigger_timeout_seconds,
        grace_seconds=cfg.reconcile_grace_seconds,
    )

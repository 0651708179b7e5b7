"""What a function needs at run time, built once per container: stores, secrets, connectors.

Connector credentials are read from Secrets Manager and cached for a few minutes, so an update
to a connector's secret is picked up by every service that uses it without a redeploy.

sync_item keeps its destination connectors (and their HTTP clients, with open connections and
OAuth2 tokens) from one batch to the next in a warm container: building one (settings and address
checks, the secrets redactor, an HTTP client and its TLS context) is about a quarter of a batch's
CPU (bench/warm.py). A connector is built again when what it is built from changes:
its row (system, URL, settings, time zone, date format) or its credentials as read now, so an
edited connector or a rotated secret is used from the next batch on (a rotated secret once the
credentials cache above reads it again).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections import OrderedDict
from collections.abc import Mapping
from functools import lru_cache
from threading import Lock
from typing import Any

from syncline import aws
from syncline.connectors import Connector, build_connector
from syncline.deps import Deps
from syncline.models import ConnectorConfig
from syncline.settings import Settings, settings
from syncline.store import ConfigStore, SyncStore
from syncline.store.rate_store import RateStore

CREDENTIALS_TTL_SECONDS = 300.0
# Connectors one container keeps open; more than one batch's records (10) can name, so a batch
# never closes a connector it is still using.
KEPT_CONNECTORS = 16


@lru_cache(maxsize=1)
def config_store() -> ConfigStore:
    return ConfigStore(settings().config_table)


@lru_cache(maxsize=1)
def rate_store() -> RateStore:
    """The connectors' shared rate budgets (in the config table); one lease pool per container."""
    return RateStore(settings().config_table)


@lru_cache(maxsize=1)
def sync_store() -> SyncStore:
    cfg = settings()
    return SyncStore(cfg.syncs_table, retention_days=cfg.retention_days)


def reset() -> None:
    """Forget cached settings, stores, clients and credentials (tests and the local stack)."""
    settings.cache_clear()
    config_store.cache_clear()
    rate_store.cache_clear()
    sync_store.cache_clear()
    _deps.cache_clear()
    aws.reset_clients()
    _credentials.clear()
    close_connectors()


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


def open_connector(row: ConnectorConfig) -> Connector:
    """A new connector; the caller closes it."""
    return _build(row, credentials(row.credentials_secret_arn))


def _build(row: ConnectorConfig, creds: Mapping[str, str]) -> Connector:
    return build_connector(
        row.system,
        base_url=str(row.base_url) if row.base_url else None,
        credentials=creds,
        settings=row.settings,
        timezone=row.timezone,
        date_format=row.date_format,
        connector_id=row.connector_id,
        tenant_id=row.tenant_id,
        rate_store=_rate_store_if_configured(),
    )


def _rate_store_if_configured() -> RateStore | None:
    """The shared budgets' store; None where no config table is configured (a connector built
    outside a deployed function then keeps its budget in-process)."""
    from syncline.settings import SettingsError

    try:
        return rate_store()
    except SettingsError:
        return None


# A key of this process only: fingerprints compare credentials without keeping them in a form
# that could be looked up (or that means anything outside this process).
_FINGERPRINT_KEY = secrets.token_bytes(32)


def _fingerprint(row: ConnectorConfig, creds: Mapping[str, str]) -> bytes:
    """What a connector is built from, hashed."""
    built_from = [
        row.system,
        str(row.base_url) if row.base_url else None,
        row.settings,
        row.timezone,
        row.date_format,
        sorted(creds.items()),
    ]
    text = json.dumps(built_from, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), key=_FINGERPRINT_KEY, digest_size=16).digest()


# (company group, connector id) -> (fingerprint, connector), least recently used first.
_kept: OrderedDict[tuple[str, str], tuple[bytes, Connector]] = OrderedDict()
_kept_lock = Lock()


def kept_connector(row: ConnectorConfig) -> Connector:
    """The connector for `row`, kept open for later batches of this container; never close it.

    Built again when its row or credentials changed (the old one is closed), and the least
    recently used is closed when more than KEPT_CONNECTORS are open. A Lambda container runs one
    invocation at a time, so a connector is never closed under a batch that is using it.
    """
    creds = credentials(row.credentials_secret_arn)
    key, fingerprint = (row.tenant_id, row.connector_id), _fingerprint(row, creds)
    stale: list[Connector] = []
    with _kept_lock:
        found = _kept.get(key)
        if found is not None and found[0] == fingerprint:
            _kept.move_to_end(key)
            return found[1]
        connector = _build(row, creds)
        if found is not None:
            stale.append(found[1])
        _kept[key] = (fingerprint, connector)
        _kept.move_to_end(key)
        while len(_kept) > KEPT_CONNECTORS:
            stale.append(_kept.popitem(last=False)[1][1])
    for old in stale:
        old.close()
    return connector


def close_connectors() -> None:
    """Close every kept connector (tests, the local stack, benchmarks)."""
    with _kept_lock:
        stale = [connector for _, connector in _kept.values()]
        _kept.clear()
    for connector in stale:
        connector.close()


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
        health_queue_url=cfg.health_queue_url,
        sync_dlq_url=cfg.sync_dlq_url,
        bucket=cfg.bucket,
        queue_max_receive_count=cfg.queue_max_receive_count,
        open_connector=open_connector,
        kept_connector=kept_connector,
        invocation_seconds=cfg.trigger_timeout_seconds,
        grace_seconds=cfg.reconcile_grace_seconds,
    )

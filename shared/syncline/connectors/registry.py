"""System name -> connector class, imported lazily so a function loads only what it uses.

Also the configuration checks the management API runs before it stores a connector
(`validate_connector_config`) and the per-system metadata it shows (`describe`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from syncline.connectors.base import ConfigurationError, Connector, ConnectorContext, has_control_characters
from syncline.connectors.network import REFUSED, check_destination
from syncline.connectors.timeutil import check_date_format, zone

_SYSTEMS: dict[str, str] = {
    "rest": "syncline.connectors.rest:RestConnector",
    "shopify": "syncline.connectors.shopify:ShopifyConnector",
    "woocommerce": "syncline.connectors.woocommerce:WooCommerceConnector",
    "bigcommerce": "syncline.connectors.bigcommerce:BigCommerceConnector",
    "magento2": "syncline.connectors.magento2:Magento2Connector",
    "sftp": "syncline.connectors.sftp:SftpConnector",
    "inbound": "syncline.connectors.inbound:InboundConnector",
}


def systems() -> list[str]:
    return sorted(_SYSTEMS)


def connector_class(system: str) -> type[Connector]:
    target = _SYSTEMS.get(system) if isinstance(system, str) else None
    if target is None:
        raise ConfigurationError("system", f"unknown system; known: {', '.join(systems())}")
    module_name, _, attr = target.partition(":")
    cls: type[Connector] = getattr(importlib.import_module(module_name), attr)
    return cls


def validate_connector_config(
    system: str,
    base_url: str | None,
    settings: Mapping[str, Any] | None,
    credentials: Mapping[str, Any] | None = None,
    *,
    timezone: str | None = None,
    date_format: str | None = None,
) -> None:
    """Raise ConfigurationError(field, message) for the first problem in a connector's configuration.

    Checks: known system; settings against the system's settings model (unknown keys, types,
    ranges); base URL (well formed, allowed scheme, no embedded user/password); the credential
    fields these settings need (only when `credentials` is given: the API may store them
    separately); time zone and date format when given. Nothing is contacted.
    """
    cls = connector_class(system)
    if settings is not None and not isinstance(settings, Mapping):
        raise ConfigurationError("settings", "must be an object")
    parsed = cls.parse_settings(settings)
    if base_url is not None and not isinstance(base_url, str):
        raise ConfigurationError("base_url", "must be a string")
    cls.check_base_url(base_url, parsed)
    check_destinations(base_url, parsed)
    if credentials is not None:
        if not isinstance(credentials, Mapping):
            raise ConfigurationError("credentials", "must be an object")
        check_credential_values(credentials)
        cls.check_credentials(parsed, credentials)
    if timezone is not None:
        zone(timezone)
    if date_format is not None:
        check_date_format(date_format)


# Key material (PEM/OpenSSH text) spans lines; it never goes into a header.
MULTILINE_CREDENTIALS = frozenset({"private_key", "certificate", "client_certificate", "client_key"})


def check_credential_values(credentials: Mapping[str, Any]) -> None:
    """Every credential value a string without control characters (a trailing newline ends up in
    a header, and the HTTP library's error then quotes the whole value). Never echoes a value."""
    for name, value in credentials.items():
        if not isinstance(name, str) or not name or has_control_characters(name):
            raise ConfigurationError("credentials", "credential names must be non-empty plain text")
        if not isinstance(value, str):
            raise ConfigurationError(f"credentials.{name}", "must be a string")
        checked = value.replace("\r", "").replace("\n", "") if name in MULTILINE_CREDENTIALS else value
        if has_control_characters(checked):
            raise ConfigurationError(
                f"credentials.{name}",
                "must not contain control characters (newline, carriage return, tab, NUL...); "
                "check for a trailing newline",
            )


def destinations(base_url: str | None, settings: BaseModel) -> list[tuple[str, str]]:
    """(field, URL) of every place a connector sends requests (and so its credentials) to."""
    out = [("base_url", base_url)] if base_url else []
    token_url = getattr(settings, "token_url", None)
    if isinstance(token_url, str) and token_url:
        out.append(("settings.token_url", token_url))
    return [(name, url) for name, url in out if url]


def check_destinations(base_url: str | None, settings: BaseModel) -> None:
    """Refuse internal addresses (after DNS resolution) unless private networks are allowed."""
    for name, url in destinations(base_url, settings):
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
        except ValueError:
            continue  # reported by the URL check
        if not check_destination(host, port):
            raise ConfigurationError(name, REFUSED)


def describe(system: str) -> dict[str, Any]:
    """What a system offers: entities and directions, credential fields, settings JSON schema."""
    return connector_class(system).describe()


def build_connector(
    system: str,
    *,
    base_url: str | None,
    credentials: Mapping[str, str],
    settings: Mapping[str, Any] | None = None,
    timezone: str = "UTC",
    date_format: str = "%Y-%m-%dT%H:%M:%S%z",
    connector_id: str = "",
    tenant_id: str = "",
    rate_store: Any = None,
) -> Connector:
    """A ready connector; bad configuration raises ConfigurationError naming the field."""
    validate_connector_config(
        system, base_url, settings, credentials, timezone=timezone, date_format=date_format
    )
    cls = connector_class(system)
    context = ConnectorContext(
        base_url=base_url,
        credentials=credentials,
        settings=dict(settings or {}),
        timezone=timezone,
        date_format=date_format,
        connector_id=connector_id,
        tenant_id=tenant_id,
        rate_store=rate_store,
    )
    return cls(context)

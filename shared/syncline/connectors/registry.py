"""System name -> connector class, imported lazily so a function loads only what it uses."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from syncline.connectors.base import ConfigurationError, Connector, ConnectorContext

_SYSTEMS: dict[str, str] = {
    "rest": "syncline.connectors.rest:RestConnector",
}


def systems() -> list[str]:
    return sorted(_SYSTEMS)


def connector_class(system: str) -> type[Connector]:
    target = _SYSTEMS.get(system)
    if target is None:
        raise ConfigurationError("system", f"unknown system {system!r}; known: {', '.join(systems())}")
    module_name, _, attr = target.partition(":")
    cls: type[Connector] = getattr(importlib.import_module(module_name), attr)
    return cls


def build_connector(
    system: str,
    *,
    base_url: str | None,
    credentials: Mapping[str, str],
    settings: Mapping[str, Any] | None = None,
    timezone: str = "UTC",
    date_format: str = "%Y-%m-%dT%H:%M:%S%z",
    connector_id: str = "",
) -> Connector:
    cls = connector_class(system)
    missing = [name for name in cls.credential_fields if not credentials.get(name)]
    if missing:
        raise ConfigurationError(f"credentials.{missing[0]}", "required credential field is missing")
    context = ConnectorContext(
        base_url=base_url,
        credentials=credentials,
        settings=dict(settings or {}),
        timezone=timezone,
        date_format=date_format,
        connector_id=connector_id,
    )
    return cls(context)

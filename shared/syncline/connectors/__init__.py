"""Connectors: the registry of systems and the factory the pipeline uses."""

from __future__ import annotations

from syncline.connectors.base import (
    AuthenticationError,
    ConfigurationError,
    Confirmation,
    Connector,
    ConnectorContext,
    ConnectorError,
    Page,
    PermanentError,
    PushResult,
    RateLimitedError,
    RefetchUnsupported,
    SourceRecord,
    TransientError,
    UnreachableError,
)
from syncline.connectors.registry import (
    build_connector,
    connector_class,
    describe,
    systems,
    validate_connector_config,
)

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "Confirmation",
    "Connector",
    "ConnectorContext",
    "ConnectorError",
    "Page",
    "PermanentError",
    "PushResult",
    "RateLimitedError",
    "RefetchUnsupported",
    "SourceRecord",
    "TransientError",
    "UnreachableError",
    "build_connector",
    "connector_class",
    "describe",
    "systems",
    "validate_connector_config",
]

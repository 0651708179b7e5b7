"""Where an entry's record is: its page in the source's and the destination's own admin.

Computed when an entry is shown (the API, the CSV), from the connectors of the entry's service,
never stored: report rows are paid by the kilobyte, and a connector's URL can change.
"""

from __future__ import annotations

from pydantic import BaseModel

from syncline.connectors.base import ConfigurationError
from syncline.connectors.registry import connector_class
from syncline.deps import Deps
from syncline.models import ConnectorConfig, Service, SyncItem


class Links:
    """The record links of one company group's entries; its services and connectors are read once
    (a Query each), the first time an entry asks."""

    def __init__(self, deps: Deps, tenant_id: str) -> None:
        self._deps, self._tenant_id = deps, tenant_id
        self._services: dict[str, Service] | None = None
        self._connectors: dict[str, ConnectorConfig] = {}
        self._settings: dict[str, BaseModel | None] = {}

    def _load(self) -> dict[str, Service]:
        if self._services is None:
            config = self._deps.config
            self._services = {s.service_id: s for s in config.list_services(self._tenant_id)}
            self._connectors = {c.connector_id: c for c in config.list_connectors(self._tenant_id)}
        return self._services

    def of(self, item: SyncItem) -> dict[str, str | None]:
        """`source_url` and `endpoint_url` of the entry (None where the system has no page for it)."""
        service = self._load().get(item.service_id)
        if service is None:
            return {"source_url": None, "endpoint_url": None}
        return {
            "source_url": self._url(service.source.connector_id, item.source_entity, item.source_id),
            "endpoint_url": self._url(
                service.destination.connector_id, item.destination_entity, item.endpoint_id
            ),
        }

    def _url(self, connector_id: str, entity: str, record_id: str | None) -> str | None:
        row = self._connectors.get(connector_id)
        if row is None or not record_id:
            return None
        try:
            cls = connector_class(row.system)
            if connector_id not in self._settings:
                self._settings[connector_id] = cls.parse_settings(row.settings)
        except ConfigurationError:
            self._settings[connector_id] = None
        settings = self._settings.get(connector_id)
        if settings is None:
            return None
        return connector_class(row.system).record_url(
            str(row.base_url) if row.base_url else None, settings, entity, record_id
        )

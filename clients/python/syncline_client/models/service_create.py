from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.service_create_type import ServiceCreateType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alerts_body import AlertsBody
    from ..models.endpoint import Endpoint
    from ..models.service_create_filters_item import ServiceCreateFiltersItem
    from ..models.service_create_mappings_item import ServiceCreateMappingsItem
    from ..models.service_settings import ServiceSettings
    from ..models.sweeper_body import SweeperBody


T = TypeVar("T", bound="ServiceCreate")


@_attrs_define
class ServiceCreate:
    """
    Attributes:
        destination (Endpoint): One side of a service: a connector and an entity (orders, products, ...).
        name (str):
        service_id (str): an id: letters, digits, '_', '.', '-' (max 64)
        source (Endpoint): One side of a service: a connector and an entity (orders, products, ...).
        active (bool | Unset):  Default: True.
        alerts (AlertsBody | Unset): A service's alert settings as a JSON body gives them (the whole set: what is not
            given takes
            its default).
        filters (list[ServiceCreateFiltersItem] | Unset):
        inbound_path (None | str | Unset): inbound source only: the slug of POST /inbound/{tenant_id}/{path} (default:
            the service id)
        mappings (list[ServiceCreateMappingsItem] | Unset):
        notes (str | Unset):  Default: ''.
        payload_script (None | str | Unset):
        schedule (None | str | Unset):  Default: 'rate(5 minutes)'.
        settings (ServiceSettings | Unset):
        sweeper (None | SweeperBody | Unset): type sweeper only: what it sweeps (sweeps, window_days, include_permanent,
            max_per_run)
        type_ (ServiceCreateType | Unset):  Default: ServiceCreateType.STANDARD.
    """

    destination: Endpoint
    name: str
    service_id: str
    source: Endpoint
    active: bool | Unset = True
    alerts: AlertsBody | Unset = UNSET
    filters: list[ServiceCreateFiltersItem] | Unset = UNSET
    inbound_path: None | str | Unset = UNSET
    mappings: list[ServiceCreateMappingsItem] | Unset = UNSET
    notes: str | Unset = ""
    payload_script: None | str | Unset = UNSET
    schedule: None | str | Unset = "rate(5 minutes)"
    settings: ServiceSettings | Unset = UNSET
    sweeper: None | SweeperBody | Unset = UNSET
    type_: ServiceCreateType | Unset = ServiceCreateType.STANDARD

    def to_dict(self) -> dict[str, Any]:
        from ..models.sweeper_body import SweeperBody  # noqa: PLC0415

        destination = self.destination.to_dict()

        name = self.name

        service_id = self.service_id

        source = self.source.to_dict()

        active = self.active

        alerts: dict[str, Any] | Unset = UNSET
        if not isinstance(self.alerts, Unset):
            alerts = self.alerts.to_dict()

        filters: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.filters, Unset):
            filters = []
            for filters_item_data in self.filters:
                filters_item = filters_item_data.to_dict()
                filters.append(filters_item)

        inbound_path: None | str | Unset
        if isinstance(self.inbound_path, Unset):
            inbound_path = UNSET
        else:
            inbound_path = self.inbound_path

        mappings: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.mappings, Unset):
            mappings = []
            for mappings_item_data in self.mappings:
                mappings_item = mappings_item_data.to_dict()
                mappings.append(mappings_item)

        notes = self.notes

        payload_script: None | str | Unset
        if isinstance(self.payload_script, Unset):
            payload_script = UNSET
        else:
            payload_script = self.payload_script

        schedule: None | str | Unset
        if isinstance(self.schedule, Unset):
            schedule = UNSET
        else:
            schedule = self.schedule

        settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.settings, Unset):
            settings = self.settings.to_dict()

        sweeper: dict[str, Any] | None | Unset
        if isinstance(self.sweeper, Unset):
            sweeper = UNSET
        elif isinstance(self.sweeper, SweeperBody):
            sweeper = self.sweeper.to_dict()
        else:
            sweeper = self.sweeper

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "destination": destination,
                "name": name,
                "service_id": service_id,
                "source": source,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active
        if alerts is not UNSET:
            field_dict["alerts"] = alerts
        if filters is not UNSET:
            field_dict["filters"] = filters
        if inbound_path is not UNSET:
            field_dict["inbound_path"] = inbound_path
        if mappings is not UNSET:
            field_dict["mappings"] = mappings
        if notes is not UNSET:
            field_dict["notes"] = notes
        if payload_script is not UNSET:
            field_dict["payload_script"] = payload_script
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if settings is not UNSET:
            field_dict["settings"] = settings
        if sweeper is not UNSET:
            field_dict["sweeper"] = sweeper
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alerts_body import AlertsBody  # noqa: PLC0415
        from ..models.endpoint import Endpoint  # noqa: PLC0415
        from ..models.service_create_filters_item import ServiceCreateFiltersItem  # noqa: PLC0415
        from ..models.service_create_mappings_item import ServiceCreateMappingsItem  # noqa: PLC0415
        from ..models.service_settings import ServiceSettings  # noqa: PLC0415
        from ..models.sweeper_body import SweeperBody  # noqa: PLC0415

        d = dict(src_dict)
        destination = Endpoint.from_dict(d.pop("destination"))

        name = d.pop("name")

        service_id = d.pop("service_id")

        source = Endpoint.from_dict(d.pop("source"))

        active = d.pop("active", UNSET)

        _alerts = d.pop("alerts", UNSET)
        alerts: AlertsBody | Unset
        if isinstance(_alerts, Unset):
            alerts = UNSET
        else:
            alerts = AlertsBody.from_dict(_alerts)

        _filters = d.pop("filters", UNSET)
        filters: list[ServiceCreateFiltersItem] | Unset = UNSET
        if _filters is not UNSET:
            filters = []
            for filters_item_data in _filters:
                filters_item = ServiceCreateFiltersItem.from_dict(filters_item_data)

                filters.append(filters_item)

        def _parse_inbound_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        inbound_path = _parse_inbound_path(d.pop("inbound_path", UNSET))

        _mappings = d.pop("mappings", UNSET)
        mappings: list[ServiceCreateMappingsItem] | Unset = UNSET
        if _mappings is not UNSET:
            mappings = []
            for mappings_item_data in _mappings:
                mappings_item = ServiceCreateMappingsItem.from_dict(mappings_item_data)

                mappings.append(mappings_item)

        notes = d.pop("notes", UNSET)

        def _parse_payload_script(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payload_script = _parse_payload_script(d.pop("payload_script", UNSET))

        def _parse_schedule(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        schedule = _parse_schedule(d.pop("schedule", UNSET))

        _settings = d.pop("settings", UNSET)
        settings: ServiceSettings | Unset
        if isinstance(_settings, Unset):
            settings = UNSET
        else:
            settings = ServiceSettings.from_dict(_settings)

        def _parse_sweeper(data: object) -> None | SweeperBody | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sweeper_type_0 = SweeperBody.from_dict(data)

                return sweeper_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SweeperBody | Unset, data)

        sweeper = _parse_sweeper(d.pop("sweeper", UNSET))

        _type_ = d.pop("type", UNSET)
        type_: ServiceCreateType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = ServiceCreateType(_type_)

        service_create = cls(
            destination=destination,
            name=name,
            service_id=service_id,
            source=source,
            active=active,
            alerts=alerts,
            filters=filters,
            inbound_path=inbound_path,
            mappings=mappings,
            notes=notes,
            payload_script=payload_script,
            schedule=schedule,
            settings=settings,
            sweeper=sweeper,
            type_=type_,
        )

        return service_create

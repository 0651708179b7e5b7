from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.service_update_type_type_0 import ServiceUpdateTypeType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alerts_body import AlertsBody
    from ..models.endpoint import Endpoint
    from ..models.service_settings_patch import ServiceSettingsPatch
    from ..models.service_update_filters_type_0_item import (
        ServiceUpdateFiltersType0Item,
    )
    from ..models.service_update_mappings_type_0_item import (
        ServiceUpdateMappingsType0Item,
    )
    from ..models.sweeper_body import SweeperBody


T = TypeVar("T", bound="ServiceUpdate")


@_attrs_define
class ServiceUpdate:
    """
    Attributes:
        active (bool | None | Unset):
        alerts (AlertsBody | None | Unset): replaces the service's alert settings
        destination (Endpoint | None | Unset):
        filters (list[ServiceUpdateFiltersType0Item] | None | Unset):
        inbound_path (None | str | Unset):
        mappings (list[ServiceUpdateMappingsType0Item] | None | Unset):
        name (None | str | Unset):
        notes (None | str | Unset):
        payload_script (None | str | Unset):
        schedule (None | str | Unset):
        settings (None | ServiceSettingsPatch | Unset):
        source (Endpoint | None | Unset):
        sweeper (None | SweeperBody | Unset): type sweeper only: replaces the set
        type_ (None | ServiceUpdateTypeType0 | Unset):
    """

    active: bool | None | Unset = UNSET
    alerts: AlertsBody | None | Unset = UNSET
    destination: Endpoint | None | Unset = UNSET
    filters: list[ServiceUpdateFiltersType0Item] | None | Unset = UNSET
    inbound_path: None | str | Unset = UNSET
    mappings: list[ServiceUpdateMappingsType0Item] | None | Unset = UNSET
    name: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET
    payload_script: None | str | Unset = UNSET
    schedule: None | str | Unset = UNSET
    settings: None | ServiceSettingsPatch | Unset = UNSET
    source: Endpoint | None | Unset = UNSET
    sweeper: None | SweeperBody | Unset = UNSET
    type_: None | ServiceUpdateTypeType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.alerts_body import AlertsBody  # noqa: PLC0415
        from ..models.endpoint import Endpoint  # noqa: PLC0415
        from ..models.service_settings_patch import ServiceSettingsPatch  # noqa: PLC0415
        from ..models.sweeper_body import SweeperBody  # noqa: PLC0415

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        alerts: dict[str, Any] | None | Unset
        if isinstance(self.alerts, Unset):
            alerts = UNSET
        elif isinstance(self.alerts, AlertsBody):
            alerts = self.alerts.to_dict()
        else:
            alerts = self.alerts

        destination: dict[str, Any] | None | Unset
        if isinstance(self.destination, Unset):
            destination = UNSET
        elif isinstance(self.destination, Endpoint):
            destination = self.destination.to_dict()
        else:
            destination = self.destination

        filters: list[dict[str, Any]] | None | Unset
        if isinstance(self.filters, Unset):
            filters = UNSET
        elif isinstance(self.filters, list):
            filters = []
            for filters_type_0_item_data in self.filters:
                filters_type_0_item = filters_type_0_item_data.to_dict()
                filters.append(filters_type_0_item)

        else:
            filters = self.filters

        inbound_path: None | str | Unset
        if isinstance(self.inbound_path, Unset):
            inbound_path = UNSET
        else:
            inbound_path = self.inbound_path

        mappings: list[dict[str, Any]] | None | Unset
        if isinstance(self.mappings, Unset):
            mappings = UNSET
        elif isinstance(self.mappings, list):
            mappings = []
            for mappings_type_0_item_data in self.mappings:
                mappings_type_0_item = mappings_type_0_item_data.to_dict()
                mappings.append(mappings_type_0_item)

        else:
            mappings = self.mappings

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
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

        settings: dict[str, Any] | None | Unset
        if isinstance(self.settings, Unset):
            settings = UNSET
        elif isinstance(self.settings, ServiceSettingsPatch):
            settings = self.settings.to_dict()
        else:
            settings = self.settings

        source: dict[str, Any] | None | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        elif isinstance(self.source, Endpoint):
            source = self.source.to_dict()
        else:
            source = self.source

        sweeper: dict[str, Any] | None | Unset
        if isinstance(self.sweeper, Unset):
            sweeper = UNSET
        elif isinstance(self.sweeper, SweeperBody):
            sweeper = self.sweeper.to_dict()
        else:
            sweeper = self.sweeper

        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        elif isinstance(self.type_, ServiceUpdateTypeType0):
            type_ = self.type_.value
        else:
            type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if alerts is not UNSET:
            field_dict["alerts"] = alerts
        if destination is not UNSET:
            field_dict["destination"] = destination
        if filters is not UNSET:
            field_dict["filters"] = filters
        if inbound_path is not UNSET:
            field_dict["inbound_path"] = inbound_path
        if mappings is not UNSET:
            field_dict["mappings"] = mappings
        if name is not UNSET:
            field_dict["name"] = name
        if notes is not UNSET:
            field_dict["notes"] = notes
        if payload_script is not UNSET:
            field_dict["payload_script"] = payload_script
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if settings is not UNSET:
            field_dict["settings"] = settings
        if source is not UNSET:
            field_dict["source"] = source
        if sweeper is not UNSET:
            field_dict["sweeper"] = sweeper
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alerts_body import AlertsBody  # noqa: PLC0415
        from ..models.endpoint import Endpoint  # noqa: PLC0415
        from ..models.service_settings_patch import ServiceSettingsPatch  # noqa: PLC0415
        from ..models.service_update_filters_type_0_item import (
            ServiceUpdateFiltersType0Item,  # noqa: PLC0415
        )
        from ..models.service_update_mappings_type_0_item import (
            ServiceUpdateMappingsType0Item,  # noqa: PLC0415
        )
        from ..models.sweeper_body import SweeperBody  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_alerts(data: object) -> AlertsBody | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                alerts_type_0 = AlertsBody.from_dict(data)

                return alerts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AlertsBody | None | Unset, data)

        alerts = _parse_alerts(d.pop("alerts", UNSET))

        def _parse_destination(data: object) -> Endpoint | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                destination_type_0 = Endpoint.from_dict(data)

                return destination_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Endpoint | None | Unset, data)

        destination = _parse_destination(d.pop("destination", UNSET))

        def _parse_filters(
            data: object,
        ) -> list[ServiceUpdateFiltersType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                filters_type_0 = []
                _filters_type_0 = data
                for filters_type_0_item_data in _filters_type_0:
                    filters_type_0_item = ServiceUpdateFiltersType0Item.from_dict(
                        filters_type_0_item_data
                    )

                    filters_type_0.append(filters_type_0_item)

                return filters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ServiceUpdateFiltersType0Item] | None | Unset, data)

        filters = _parse_filters(d.pop("filters", UNSET))

        def _parse_inbound_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        inbound_path = _parse_inbound_path(d.pop("inbound_path", UNSET))

        def _parse_mappings(
            data: object,
        ) -> list[ServiceUpdateMappingsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                mappings_type_0 = []
                _mappings_type_0 = data
                for mappings_type_0_item_data in _mappings_type_0:
                    mappings_type_0_item = ServiceUpdateMappingsType0Item.from_dict(
                        mappings_type_0_item_data
                    )

                    mappings_type_0.append(mappings_type_0_item)

                return mappings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ServiceUpdateMappingsType0Item] | None | Unset, data)

        mappings = _parse_mappings(d.pop("mappings", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

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

        def _parse_settings(data: object) -> None | ServiceSettingsPatch | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                settings_type_0 = ServiceSettingsPatch.from_dict(data)

                return settings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServiceSettingsPatch | Unset, data)

        settings = _parse_settings(d.pop("settings", UNSET))

        def _parse_source(data: object) -> Endpoint | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0 = Endpoint.from_dict(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Endpoint | None | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

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

        def _parse_type_(data: object) -> None | ServiceUpdateTypeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                type_type_0 = ServiceUpdateTypeType0(data)

                return type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServiceUpdateTypeType0 | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        service_update = cls(
            active=active,
            alerts=alerts,
            destination=destination,
            filters=filters,
            inbound_path=inbound_path,
            mappings=mappings,
            name=name,
            notes=notes,
            payload_script=payload_script,
            schedule=schedule,
            settings=settings,
            source=source,
            sweeper=sweeper,
            type_=type_,
        )

        return service_update

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.service_list_params_alerts_type_0 import ServiceListParamsAlertsType0
from ..models.service_list_params_status_type_0 import ServiceListParamsStatusType0
from ..models.service_list_params_type_type_0 import ServiceListParamsTypeType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="ServiceListParams")


@_attrs_define
class ServiceListParams:
    """
    Attributes:
        alerts (None | ServiceListParamsAlertsType0 | Unset): whether its alerts are enabled
        destination_entity (None | str | Unset):
        destination_system (None | str | Unset):
        q (None | str | Unset): matches id, type and name, case insensitive
        source_entity (None | str | Unset):
        source_system (None | str | Unset):
        status (None | ServiceListParamsStatusType0 | Unset):
        type_ (None | ServiceListParamsTypeType0 | Unset):
    """

    alerts: None | ServiceListParamsAlertsType0 | Unset = UNSET
    destination_entity: None | str | Unset = UNSET
    destination_system: None | str | Unset = UNSET
    q: None | str | Unset = UNSET
    source_entity: None | str | Unset = UNSET
    source_system: None | str | Unset = UNSET
    status: None | ServiceListParamsStatusType0 | Unset = UNSET
    type_: None | ServiceListParamsTypeType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        alerts: None | str | Unset
        if isinstance(self.alerts, Unset):
            alerts = UNSET
        elif isinstance(self.alerts, ServiceListParamsAlertsType0):
            alerts = self.alerts.value
        else:
            alerts = self.alerts

        destination_entity: None | str | Unset
        if isinstance(self.destination_entity, Unset):
            destination_entity = UNSET
        else:
            destination_entity = self.destination_entity

        destination_system: None | str | Unset
        if isinstance(self.destination_system, Unset):
            destination_system = UNSET
        else:
            destination_system = self.destination_system

        q: None | str | Unset
        if isinstance(self.q, Unset):
            q = UNSET
        else:
            q = self.q

        source_entity: None | str | Unset
        if isinstance(self.source_entity, Unset):
            source_entity = UNSET
        else:
            source_entity = self.source_entity

        source_system: None | str | Unset
        if isinstance(self.source_system, Unset):
            source_system = UNSET
        else:
            source_system = self.source_system

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, ServiceListParamsStatusType0):
            status = self.status.value
        else:
            status = self.status

        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        elif isinstance(self.type_, ServiceListParamsTypeType0):
            type_ = self.type_.value
        else:
            type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if alerts is not UNSET:
            field_dict["alerts"] = alerts
        if destination_entity is not UNSET:
            field_dict["destination_entity"] = destination_entity
        if destination_system is not UNSET:
            field_dict["destination_system"] = destination_system
        if q is not UNSET:
            field_dict["q"] = q
        if source_entity is not UNSET:
            field_dict["source_entity"] = source_entity
        if source_system is not UNSET:
            field_dict["source_system"] = source_system
        if status is not UNSET:
            field_dict["status"] = status
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_alerts(data: object) -> None | ServiceListParamsAlertsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                alerts_type_0 = ServiceListParamsAlertsType0(data)

                return alerts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServiceListParamsAlertsType0 | Unset, data)

        alerts = _parse_alerts(d.pop("alerts", UNSET))

        def _parse_destination_entity(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        destination_entity = _parse_destination_entity(
            d.pop("destination_entity", UNSET)
        )

        def _parse_destination_system(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        destination_system = _parse_destination_system(
            d.pop("destination_system", UNSET)
        )

        def _parse_q(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        q = _parse_q(d.pop("q", UNSET))

        def _parse_source_entity(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_entity = _parse_source_entity(d.pop("source_entity", UNSET))

        def _parse_source_system(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_system = _parse_source_system(d.pop("source_system", UNSET))

        def _parse_status(data: object) -> None | ServiceListParamsStatusType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = ServiceListParamsStatusType0(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServiceListParamsStatusType0 | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_type_(data: object) -> None | ServiceListParamsTypeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                type_type_0 = ServiceListParamsTypeType0(data)

                return type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServiceListParamsTypeType0 | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        service_list_params = cls(
            alerts=alerts,
            destination_entity=destination_entity,
            destination_system=destination_system,
            q=q,
            source_entity=source_entity,
            source_system=source_system,
            status=status,
            type_=type_,
        )

        return service_list_params

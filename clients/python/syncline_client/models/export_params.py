from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.export_params_order import ExportParamsOrder
from ..models.export_params_period_type_0 import ExportParamsPeriodType0
from ..models.export_params_sort import ExportParamsSort
from ..models.status import Status
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportParams")


@_attrs_define
class ExportParams:
    """
    Attributes:
        days (int | None | Unset): the last N days (default 5)
        destination_entity (list[str] | None | Unset):
        destination_system (list[str] | None | Unset): destination systems (several)
        endpoint_id (None | str | Unset): exact, or a prefix ending in '*'
        entity (list[str] | None | Unset): entity on either side (several)
        from_ (datetime.datetime | None | Unset): window start, ISO 8601
        order (ExportParamsOrder | Unset):  Default: ExportParamsOrder.DESC.
        period (ExportParamsPeriodType0 | None | Unset): today, yesterday, this_week or last_week, in the company
            group's time zone (GET /company-group; weeks start on Monday)
        reference (None | str | Unset): exact, or a prefix ending in '*'
        run (None | str | Unset): one run's entries (no default window)
        service (list[str] | None | Unset): service ids (several)
        sort (ExportParamsSort | Unset):  Default: ExportParamsSort.TIME.
        source_entity (list[str] | None | Unset):
        source_id (None | str | Unset): exact, or a prefix ending in '*'
        source_system (list[str] | None | Unset): source systems (several)
        status (list[Status] | None | Unset): OK, Sent, Pending, Failed (several)
        sync_id (list[str] | None | Unset): sync ids, exact (no default window)
        to (datetime.datetime | None | Unset): window end, ISO 8601 (default now)
    """

    days: int | None | Unset = UNSET
    destination_entity: list[str] | None | Unset = UNSET
    destination_system: list[str] | None | Unset = UNSET
    endpoint_id: None | str | Unset = UNSET
    entity: list[str] | None | Unset = UNSET
    from_: datetime.datetime | None | Unset = UNSET
    order: ExportParamsOrder | Unset = ExportParamsOrder.DESC
    period: ExportParamsPeriodType0 | None | Unset = UNSET
    reference: None | str | Unset = UNSET
    run: None | str | Unset = UNSET
    service: list[str] | None | Unset = UNSET
    sort: ExportParamsSort | Unset = ExportParamsSort.TIME
    source_entity: list[str] | None | Unset = UNSET
    source_id: None | str | Unset = UNSET
    source_system: list[str] | None | Unset = UNSET
    status: list[Status] | None | Unset = UNSET
    sync_id: list[str] | None | Unset = UNSET
    to: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        days: int | None | Unset
        if isinstance(self.days, Unset):
            days = UNSET
        else:
            days = self.days

        destination_entity: list[str] | None | Unset
        if isinstance(self.destination_entity, Unset):
            destination_entity = UNSET
        elif isinstance(self.destination_entity, list):
            destination_entity = self.destination_entity

        else:
            destination_entity = self.destination_entity

        destination_system: list[str] | None | Unset
        if isinstance(self.destination_system, Unset):
            destination_system = UNSET
        elif isinstance(self.destination_system, list):
            destination_system = self.destination_system

        else:
            destination_system = self.destination_system

        endpoint_id: None | str | Unset
        if isinstance(self.endpoint_id, Unset):
            endpoint_id = UNSET
        else:
            endpoint_id = self.endpoint_id

        entity: list[str] | None | Unset
        if isinstance(self.entity, Unset):
            entity = UNSET
        elif isinstance(self.entity, list):
            entity = self.entity

        else:
            entity = self.entity

        from_: None | str | Unset
        if isinstance(self.from_, Unset):
            from_ = UNSET
        elif isinstance(self.from_, datetime.datetime):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        order: str | Unset = UNSET
        if not isinstance(self.order, Unset):
            order = self.order.value

        period: None | str | Unset
        if isinstance(self.period, Unset):
            period = UNSET
        elif isinstance(self.period, ExportParamsPeriodType0):
            period = self.period.value
        else:
            period = self.period

        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        run: None | str | Unset
        if isinstance(self.run, Unset):
            run = UNSET
        else:
            run = self.run

        service: list[str] | None | Unset
        if isinstance(self.service, Unset):
            service = UNSET
        elif isinstance(self.service, list):
            service = self.service

        else:
            service = self.service

        sort: str | Unset = UNSET
        if not isinstance(self.sort, Unset):
            sort = self.sort.value

        source_entity: list[str] | None | Unset
        if isinstance(self.source_entity, Unset):
            source_entity = UNSET
        elif isinstance(self.source_entity, list):
            source_entity = self.source_entity

        else:
            source_entity = self.source_entity

        source_id: None | str | Unset
        if isinstance(self.source_id, Unset):
            source_id = UNSET
        else:
            source_id = self.source_id

        source_system: list[str] | None | Unset
        if isinstance(self.source_system, Unset):
            source_system = UNSET
        elif isinstance(self.source_system, list):
            source_system = self.source_system

        else:
            source_system = self.source_system

        status: list[str] | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, list):
            status = []
            for status_type_0_item_data in self.status:
                status_type_0_item = status_type_0_item_data.value
                status.append(status_type_0_item)

        else:
            status = self.status

        sync_id: list[str] | None | Unset
        if isinstance(self.sync_id, Unset):
            sync_id = UNSET
        elif isinstance(self.sync_id, list):
            sync_id = self.sync_id

        else:
            sync_id = self.sync_id

        to: None | str | Unset
        if isinstance(self.to, Unset):
            to = UNSET
        elif isinstance(self.to, datetime.datetime):
            to = self.to.isoformat()
        else:
            to = self.to

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if days is not UNSET:
            field_dict["days"] = days
        if destination_entity is not UNSET:
            field_dict["destination_entity"] = destination_entity
        if destination_system is not UNSET:
            field_dict["destination_system"] = destination_system
        if endpoint_id is not UNSET:
            field_dict["endpoint_id"] = endpoint_id
        if entity is not UNSET:
            field_dict["entity"] = entity
        if from_ is not UNSET:
            field_dict["from"] = from_
        if order is not UNSET:
            field_dict["order"] = order
        if period is not UNSET:
            field_dict["period"] = period
        if reference is not UNSET:
            field_dict["reference"] = reference
        if run is not UNSET:
            field_dict["run"] = run
        if service is not UNSET:
            field_dict["service"] = service
        if sort is not UNSET:
            field_dict["sort"] = sort
        if source_entity is not UNSET:
            field_dict["source_entity"] = source_entity
        if source_id is not UNSET:
            field_dict["source_id"] = source_id
        if source_system is not UNSET:
            field_dict["source_system"] = source_system
        if status is not UNSET:
            field_dict["status"] = status
        if sync_id is not UNSET:
            field_dict["sync_id"] = sync_id
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days = _parse_days(d.pop("days", UNSET))

        def _parse_destination_entity(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                destination_entity_type_0 = cast(list[str], data)

                return destination_entity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        destination_entity = _parse_destination_entity(
            d.pop("destination_entity", UNSET)
        )

        def _parse_destination_system(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                destination_system_type_0 = cast(list[str], data)

                return destination_system_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        destination_system = _parse_destination_system(
            d.pop("destination_system", UNSET)
        )

        def _parse_endpoint_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        endpoint_id = _parse_endpoint_id(d.pop("endpoint_id", UNSET))

        def _parse_entity(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                entity_type_0 = cast(list[str], data)

                return entity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        entity = _parse_entity(d.pop("entity", UNSET))

        def _parse_from_(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.datetime.fromisoformat(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        from_ = _parse_from_(d.pop("from", UNSET))

        _order = d.pop("order", UNSET)
        order: ExportParamsOrder | Unset
        if isinstance(_order, Unset):
            order = UNSET
        else:
            order = ExportParamsOrder(_order)

        def _parse_period(data: object) -> ExportParamsPeriodType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_type_0 = ExportParamsPeriodType0(data)

                return period_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportParamsPeriodType0 | None | Unset, data)

        period = _parse_period(d.pop("period", UNSET))

        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        def _parse_run(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run = _parse_run(d.pop("run", UNSET))

        def _parse_service(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                service_type_0 = cast(list[str], data)

                return service_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        service = _parse_service(d.pop("service", UNSET))

        _sort = d.pop("sort", UNSET)
        sort: ExportParamsSort | Unset
        if isinstance(_sort, Unset):
            sort = UNSET
        else:
            sort = ExportParamsSort(_sort)

        def _parse_source_entity(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                source_entity_type_0 = cast(list[str], data)

                return source_entity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        source_entity = _parse_source_entity(d.pop("source_entity", UNSET))

        def _parse_source_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_id = _parse_source_id(d.pop("source_id", UNSET))

        def _parse_source_system(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                source_system_type_0 = cast(list[str], data)

                return source_system_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        source_system = _parse_source_system(d.pop("source_system", UNSET))

        def _parse_status(data: object) -> list[Status] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                status_type_0 = []
                _status_type_0 = data
                for status_type_0_item_data in _status_type_0:
                    status_type_0_item = Status(status_type_0_item_data)

                    status_type_0.append(status_type_0_item)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Status] | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_sync_id(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                sync_id_type_0 = cast(list[str], data)

                return sync_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        sync_id = _parse_sync_id(d.pop("sync_id", UNSET))

        def _parse_to(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.datetime.fromisoformat(data)

                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        to = _parse_to(d.pop("to", UNSET))

        export_params = cls(
            days=days,
            destination_entity=destination_entity,
            destination_system=destination_system,
            endpoint_id=endpoint_id,
            entity=entity,
            from_=from_,
            order=order,
            period=period,
            reference=reference,
            run=run,
            service=service,
            sort=sort,
            source_entity=source_entity,
            source_id=source_id,
            source_system=source_system,
            status=status,
            sync_id=sync_id,
            to=to,
        )

        return export_params

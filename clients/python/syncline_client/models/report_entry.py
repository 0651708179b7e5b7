from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.status import Status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.report_entry_latest_type_0 import ReportEntryLatestType0


T = TypeVar("T", bound="ReportEntry")


@_attrs_define
class ReportEntry:
    """
    Attributes:
        created_at (str):
        destination_entity (str):
        destination_system (str):
        reference (str):
        run_id (str):
        service_id (str):
        source_entity (str):
        source_system (str):
        status (Status):
        sync_id (str):
        updated_at (str):
        earlier_runs (list[str] | None | Unset): with fields=additional: the runs the entry was in before its run_id (a
            resync moved it), oldest first, the last 20; empty if never resynced
        endpoint_id (None | str | Unset): with fields=additional
        latest (None | ReportEntryLatestType0 | Unset): with fields=additional
        source_id (None | str | Unset): with fields=additional
    """

    created_at: str
    destination_entity: str
    destination_system: str
    reference: str
    run_id: str
    service_id: str
    source_entity: str
    source_system: str
    status: Status
    sync_id: str
    updated_at: str
    earlier_runs: list[str] | None | Unset = UNSET
    endpoint_id: None | str | Unset = UNSET
    latest: None | ReportEntryLatestType0 | Unset = UNSET
    source_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.report_entry_latest_type_0 import ReportEntryLatestType0  # noqa: PLC0415

        created_at = self.created_at

        destination_entity = self.destination_entity

        destination_system = self.destination_system

        reference = self.reference

        run_id = self.run_id

        service_id = self.service_id

        source_entity = self.source_entity

        source_system = self.source_system

        status = self.status.value

        sync_id = self.sync_id

        updated_at = self.updated_at

        earlier_runs: list[str] | None | Unset
        if isinstance(self.earlier_runs, Unset):
            earlier_runs = UNSET
        elif isinstance(self.earlier_runs, list):
            earlier_runs = self.earlier_runs

        else:
            earlier_runs = self.earlier_runs

        endpoint_id: None | str | Unset
        if isinstance(self.endpoint_id, Unset):
            endpoint_id = UNSET
        else:
            endpoint_id = self.endpoint_id

        latest: dict[str, Any] | None | Unset
        if isinstance(self.latest, Unset):
            latest = UNSET
        elif isinstance(self.latest, ReportEntryLatestType0):
            latest = self.latest.to_dict()
        else:
            latest = self.latest

        source_id: None | str | Unset
        if isinstance(self.source_id, Unset):
            source_id = UNSET
        else:
            source_id = self.source_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "destination_entity": destination_entity,
                "destination_system": destination_system,
                "reference": reference,
                "run_id": run_id,
                "service_id": service_id,
                "source_entity": source_entity,
                "source_system": source_system,
                "status": status,
                "sync_id": sync_id,
                "updated_at": updated_at,
            }
        )
        if earlier_runs is not UNSET:
            field_dict["earlier_runs"] = earlier_runs
        if endpoint_id is not UNSET:
            field_dict["endpoint_id"] = endpoint_id
        if latest is not UNSET:
            field_dict["latest"] = latest
        if source_id is not UNSET:
            field_dict["source_id"] = source_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.report_entry_latest_type_0 import ReportEntryLatestType0  # noqa: PLC0415

        d = dict(src_dict)
        created_at = d.pop("created_at")

        destination_entity = d.pop("destination_entity")

        destination_system = d.pop("destination_system")

        reference = d.pop("reference")

        run_id = d.pop("run_id")

        service_id = d.pop("service_id")

        source_entity = d.pop("source_entity")

        source_system = d.pop("source_system")

        status = Status(d.pop("status"))

        sync_id = d.pop("sync_id")

        updated_at = d.pop("updated_at")

        def _parse_earlier_runs(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                earlier_runs_type_0 = cast(list[str], data)

                return earlier_runs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        earlier_runs = _parse_earlier_runs(d.pop("earlier_runs", UNSET))

        def _parse_endpoint_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        endpoint_id = _parse_endpoint_id(d.pop("endpoint_id", UNSET))

        def _parse_latest(data: object) -> None | ReportEntryLatestType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latest_type_0 = ReportEntryLatestType0.from_dict(data)

                return latest_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReportEntryLatestType0 | Unset, data)

        latest = _parse_latest(d.pop("latest", UNSET))

        def _parse_source_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_id = _parse_source_id(d.pop("source_id", UNSET))

        report_entry = cls(
            created_at=created_at,
            destination_entity=destination_entity,
            destination_system=destination_system,
            reference=reference,
            run_id=run_id,
            service_id=service_id,
            source_entity=source_entity,
            source_system=source_system,
            status=status,
            sync_id=sync_id,
            updated_at=updated_at,
            earlier_runs=earlier_runs,
            endpoint_id=endpoint_id,
            latest=latest,
            source_id=source_id,
        )

        report_entry.additional_properties = d
        return report_entry

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

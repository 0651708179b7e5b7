from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.get_inbound_ingests_ingest_id_response_200_counts import (
        GetInboundIngestsIngestIdResponse200Counts,
    )
    from ..models.get_inbound_ingests_ingest_id_response_200_records_item import (
        GetInboundIngestsIngestIdResponse200RecordsItem,
    )


T = TypeVar("T", bound="GetInboundIngestsIngestIdResponse200")


@_attrs_define
class GetInboundIngestsIngestIdResponse200:
    """
    Attributes:
        accepted (int):
        counts (GetInboundIngestsIngestIdResponse200Counts):
        ingest_id (str):
        records (list[GetInboundIngestsIngestIdResponse200RecordsItem]):
        run_id (str):
        rejected (int | Unset):
        service_id (str | Unset):
    """

    accepted: int
    counts: GetInboundIngestsIngestIdResponse200Counts
    ingest_id: str
    records: list[GetInboundIngestsIngestIdResponse200RecordsItem]
    run_id: str
    rejected: int | Unset = UNSET
    service_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        counts = self.counts.to_dict()

        ingest_id = self.ingest_id

        records = []
        for records_item_data in self.records:
            records_item = records_item_data.to_dict()
            records.append(records_item)

        run_id = self.run_id

        rejected = self.rejected

        service_id = self.service_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted": accepted,
                "counts": counts,
                "ingest_id": ingest_id,
                "records": records,
                "run_id": run_id,
            }
        )
        if rejected is not UNSET:
            field_dict["rejected"] = rejected
        if service_id is not UNSET:
            field_dict["service_id"] = service_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.get_inbound_ingests_ingest_id_response_200_counts import (
            GetInboundIngestsIngestIdResponse200Counts,  # noqa: PLC0415
        )
        from ..models.get_inbound_ingests_ingest_id_response_200_records_item import (
            GetInboundIngestsIngestIdResponse200RecordsItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        accepted = d.pop("accepted")

        counts = GetInboundIngestsIngestIdResponse200Counts.from_dict(d.pop("counts"))

        ingest_id = d.pop("ingest_id")

        records = []
        _records = d.pop("records")
        for records_item_data in _records:
            records_item = GetInboundIngestsIngestIdResponse200RecordsItem.from_dict(
                records_item_data
            )

            records.append(records_item)

        run_id = d.pop("run_id")

        rejected = d.pop("rejected", UNSET)

        service_id = d.pop("service_id", UNSET)

        get_inbound_ingests_ingest_id_response_200 = cls(
            accepted=accepted,
            counts=counts,
            ingest_id=ingest_id,
            records=records,
            run_id=run_id,
            rejected=rejected,
            service_id=service_id,
        )

        get_inbound_ingests_ingest_id_response_200.additional_properties = d
        return get_inbound_ingests_ingest_id_response_200

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

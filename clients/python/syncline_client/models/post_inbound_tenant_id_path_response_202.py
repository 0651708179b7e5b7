from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.post_inbound_tenant_id_path_response_202_rejected_item import (
        PostInboundTenantIdPathResponse202RejectedItem,
    )


T = TypeVar("T", bound="PostInboundTenantIdPathResponse202")


@_attrs_define
class PostInboundTenantIdPathResponse202:
    """
    Attributes:
        accepted (int):
        ingest_id (str):
        run_id (str):
        status_url (str):
        sync_ids (list[str]):
        rejected (list[PostInboundTenantIdPathResponse202RejectedItem] | Unset):
    """

    accepted: int
    ingest_id: str
    run_id: str
    status_url: str
    sync_ids: list[str]
    rejected: list[PostInboundTenantIdPathResponse202RejectedItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        ingest_id = self.ingest_id

        run_id = self.run_id

        status_url = self.status_url

        sync_ids = self.sync_ids

        rejected: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rejected, Unset):
            rejected = []
            for rejected_item_data in self.rejected:
                rejected_item = rejected_item_data.to_dict()
                rejected.append(rejected_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted": accepted,
                "ingest_id": ingest_id,
                "run_id": run_id,
                "status_url": status_url,
                "sync_ids": sync_ids,
            }
        )
        if rejected is not UNSET:
            field_dict["rejected"] = rejected

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.post_inbound_tenant_id_path_response_202_rejected_item import (
            PostInboundTenantIdPathResponse202RejectedItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        accepted = d.pop("accepted")

        ingest_id = d.pop("ingest_id")

        run_id = d.pop("run_id")

        status_url = d.pop("status_url")

        sync_ids = cast(list[str], d.pop("sync_ids"))

        _rejected = d.pop("rejected", UNSET)
        rejected: list[PostInboundTenantIdPathResponse202RejectedItem] | Unset = UNSET
        if _rejected is not UNSET:
            rejected = []
            for rejected_item_data in _rejected:
                rejected_item = (
                    PostInboundTenantIdPathResponse202RejectedItem.from_dict(
                        rejected_item_data
                    )
                )

                rejected.append(rejected_item)

        post_inbound_tenant_id_path_response_202 = cls(
            accepted=accepted,
            ingest_id=ingest_id,
            run_id=run_id,
            status_url=status_url,
            sync_ids=sync_ids,
            rejected=rejected,
        )

        post_inbound_tenant_id_path_response_202.additional_properties = d
        return post_inbound_tenant_id_path_response_202

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

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.post_inbound_tenant_id_path_response_202_rejected_item_fields_item import (
        PostInboundTenantIdPathResponse202RejectedItemFieldsItem,
    )


T = TypeVar("T", bound="PostInboundTenantIdPathResponse202RejectedItem")


@_attrs_define
class PostInboundTenantIdPathResponse202RejectedItem:
    """
    Attributes:
        fields (list[PostInboundTenantIdPathResponse202RejectedItemFieldsItem]):
        index (int):
    """

    fields: list[PostInboundTenantIdPathResponse202RejectedItemFieldsItem]
    index: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        fields = []
        for fields_item_data in self.fields:
            fields_item = fields_item_data.to_dict()
            fields.append(fields_item)

        index = self.index

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fields": fields,
                "index": index,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.post_inbound_tenant_id_path_response_202_rejected_item_fields_item import (
            PostInboundTenantIdPathResponse202RejectedItemFieldsItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        fields = []
        _fields = d.pop("fields")
        for fields_item_data in _fields:
            fields_item = (
                PostInboundTenantIdPathResponse202RejectedItemFieldsItem.from_dict(
                    fields_item_data
                )
            )

            fields.append(fields_item)

        index = d.pop("index")

        post_inbound_tenant_id_path_response_202_rejected_item = cls(
            fields=fields,
            index=index,
        )

        post_inbound_tenant_id_path_response_202_rejected_item.additional_properties = d
        return post_inbound_tenant_id_path_response_202_rejected_item

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

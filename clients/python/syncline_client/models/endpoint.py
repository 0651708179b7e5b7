from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Endpoint")


@_attrs_define
class Endpoint:
    """One side of a service: a connector and an entity (orders, products, ...).

    Attributes:
        connector_id (str):
        entity (str):
    """

    connector_id: str
    entity: str

    def to_dict(self) -> dict[str, Any]:
        connector_id = self.connector_id

        entity = self.entity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "connector_id": connector_id,
                "entity": entity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connector_id = d.pop("connector_id")

        entity = d.pop("entity")

        endpoint = cls(
            connector_id=connector_id,
            entity=entity,
        )

        return endpoint

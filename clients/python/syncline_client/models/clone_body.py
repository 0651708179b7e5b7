from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CloneBody")


@_attrs_define
class CloneBody:
    """
    Attributes:
        service_id (str): an id: letters, digits, '_', '.', '-' (max 64)
        name (None | str | Unset):
    """

    service_id: str
    name: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        service_id = self.service_id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service_id": service_id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        service_id = d.pop("service_id")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        clone_body = cls(
            service_id=service_id,
            name=name,
        )

        return clone_body

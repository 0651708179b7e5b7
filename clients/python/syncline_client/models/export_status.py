from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.export_status_status import ExportStatusStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportStatus")


@_attrs_define
class ExportStatus:
    """
    Attributes:
        export_id (str):
        rows (int):
        status (ExportStatusStatus):
        expires_at (None | str | Unset):
        poll (None | str | Unset):
        url (None | str | Unset):
    """

    export_id: str
    rows: int
    status: ExportStatusStatus
    expires_at: None | str | Unset = UNSET
    poll: None | str | Unset = UNSET
    url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        export_id = self.export_id

        rows = self.rows

        status = self.status.value

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = self.expires_at

        poll: None | str | Unset
        if isinstance(self.poll, Unset):
            poll = UNSET
        else:
            poll = self.poll

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "export_id": export_id,
                "rows": rows,
                "status": status,
            }
        )
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if poll is not UNSET:
            field_dict["poll"] = poll
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        export_id = d.pop("export_id")

        rows = d.pop("rows")

        status = ExportStatusStatus(d.pop("status"))

        def _parse_expires_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_poll(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        poll = _parse_poll(d.pop("poll", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        export_status = cls(
            export_id=export_id,
            rows=rows,
            status=status,
            expires_at=expires_at,
            poll=poll,
            url=url,
        )

        export_status.additional_properties = d
        return export_status

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RunNowBody")


@_attrs_define
class RunNowBody:
    """
    Attributes:
        page_size (int | None | Unset):
        since (None | str | Unset): pull from this ISO 8601 time, not the cursor
    """

    page_size: int | None | Unset = UNSET
    since: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        page_size: int | None | Unset
        if isinstance(self.page_size, Unset):
            page_size = UNSET
        else:
            page_size = self.page_size

        since: None | str | Unset
        if isinstance(self.since, Unset):
            since = UNSET
        else:
            since = self.since

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if page_size is not UNSET:
            field_dict["page_size"] = page_size
        if since is not UNSET:
            field_dict["since"] = since

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_page_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        page_size = _parse_page_size(d.pop("page_size", UNSET))

        def _parse_since(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        since = _parse_since(d.pop("since", UNSET))

        run_now_body = cls(
            page_size=page_size,
            since=since,
        )

        return run_now_body

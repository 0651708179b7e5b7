from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ServiceSettingsPatch")


@_attrs_define
class ServiceSettingsPatch:
    """
    Attributes:
        concurrency (int | None | Unset):
        max_attempts (int | None | Unset):
        page_size (int | None | Unset):
        retry_base_seconds (int | None | Unset):
        retry_max_seconds (int | None | Unset):
    """

    concurrency: int | None | Unset = UNSET
    max_attempts: int | None | Unset = UNSET
    page_size: int | None | Unset = UNSET
    retry_base_seconds: int | None | Unset = UNSET
    retry_max_seconds: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        concurrency: int | None | Unset
        if isinstance(self.concurrency, Unset):
            concurrency = UNSET
        else:
            concurrency = self.concurrency

        max_attempts: int | None | Unset
        if isinstance(self.max_attempts, Unset):
            max_attempts = UNSET
        else:
            max_attempts = self.max_attempts

        page_size: int | None | Unset
        if isinstance(self.page_size, Unset):
            page_size = UNSET
        else:
            page_size = self.page_size

        retry_base_seconds: int | None | Unset
        if isinstance(self.retry_base_seconds, Unset):
            retry_base_seconds = UNSET
        else:
            retry_base_seconds = self.retry_base_seconds

        retry_max_seconds: int | None | Unset
        if isinstance(self.retry_max_seconds, Unset):
            retry_max_seconds = UNSET
        else:
            retry_max_seconds = self.retry_max_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if concurrency is not UNSET:
            field_dict["concurrency"] = concurrency
        if max_attempts is not UNSET:
            field_dict["max_attempts"] = max_attempts
        if page_size is not UNSET:
            field_dict["page_size"] = page_size
        if retry_base_seconds is not UNSET:
            field_dict["retry_base_seconds"] = retry_base_seconds
        if retry_max_seconds is not UNSET:
            field_dict["retry_max_seconds"] = retry_max_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_concurrency(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        concurrency = _parse_concurrency(d.pop("concurrency", UNSET))

        def _parse_max_attempts(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_attempts = _parse_max_attempts(d.pop("max_attempts", UNSET))

        def _parse_page_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        page_size = _parse_page_size(d.pop("page_size", UNSET))

        def _parse_retry_base_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retry_base_seconds = _parse_retry_base_seconds(
            d.pop("retry_base_seconds", UNSET)
        )

        def _parse_retry_max_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retry_max_seconds = _parse_retry_max_seconds(d.pop("retry_max_seconds", UNSET))

        service_settings_patch = cls(
            concurrency=concurrency,
            max_attempts=max_attempts,
            page_size=page_size,
            retry_base_seconds=retry_base_seconds,
            retry_max_seconds=retry_max_seconds,
        )

        return service_settings_patch

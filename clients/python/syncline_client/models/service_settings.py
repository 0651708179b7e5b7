from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ServiceSettings")


@_attrs_define
class ServiceSettings:
    """
    Attributes:
        concurrency (int | Unset):  Default: 10.
        max_attempts (int | Unset):  Default: 5.
        page_size (int | Unset):  Default: 100.
        retry_base_seconds (int | Unset):  Default: 30.
        retry_max_seconds (int | Unset):  Default: 900.
    """

    concurrency: int | Unset = 10
    max_attempts: int | Unset = 5
    page_size: int | Unset = 100
    retry_base_seconds: int | Unset = 30
    retry_max_seconds: int | Unset = 900

    def to_dict(self) -> dict[str, Any]:
        concurrency = self.concurrency

        max_attempts = self.max_attempts

        page_size = self.page_size

        retry_base_seconds = self.retry_base_seconds

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
        concurrency = d.pop("concurrency", UNSET)

        max_attempts = d.pop("max_attempts", UNSET)

        page_size = d.pop("page_size", UNSET)

        retry_base_seconds = d.pop("retry_base_seconds", UNSET)

        retry_max_seconds = d.pop("retry_max_seconds", UNSET)

        service_settings = cls(
            concurrency=concurrency,
            max_attempts=max_attempts,
            page_size=page_size,
            retry_base_seconds=retry_base_seconds,
            retry_max_seconds=retry_max_seconds,
        )

        return service_settings

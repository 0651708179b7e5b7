from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FailuresParams")


@_attrs_define
class FailuresParams:
    """
    Attributes:
        days (int | Unset): the last N days (default 7) Default: 7.
        service (list[str] | None | Unset): service ids
    """

    days: int | Unset = 7
    service: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        days = self.days

        service: list[str] | None | Unset
        if isinstance(self.service, Unset):
            service = UNSET
        elif isinstance(self.service, list):
            service = self.service

        else:
            service = self.service

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if days is not UNSET:
            field_dict["days"] = days
        if service is not UNSET:
            field_dict["service"] = service

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days = d.pop("days", UNSET)

        def _parse_service(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                service_type_0 = cast(list[str], data)

                return service_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        service = _parse_service(d.pop("service", UNSET))

        failures_params = cls(
            days=days,
            service=service,
        )

        return failures_params

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="InboundClientCreate")


@_attrs_define
class InboundClientCreate:
    """
    Attributes:
        burst (int | Unset): token bucket size Default: 100.
        name (str | Unset):  Default: ''.
        rate_per_second (float | Unset): token bucket refill rate Default: 50.0.
        services (list[str] | None | Unset): the services it may push to (default: all)
    """

    burst: int | Unset = 100
    name: str | Unset = ""
    rate_per_second: float | Unset = 50.0
    services: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        burst = self.burst

        name = self.name

        rate_per_second = self.rate_per_second

        services: list[str] | None | Unset
        if isinstance(self.services, Unset):
            services = UNSET
        elif isinstance(self.services, list):
            services = self.services

        else:
            services = self.services

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if burst is not UNSET:
            field_dict["burst"] = burst
        if name is not UNSET:
            field_dict["name"] = name
        if rate_per_second is not UNSET:
            field_dict["rate_per_second"] = rate_per_second
        if services is not UNSET:
            field_dict["services"] = services

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        burst = d.pop("burst", UNSET)

        name = d.pop("name", UNSET)

        rate_per_second = d.pop("rate_per_second", UNSET)

        def _parse_services(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                services_type_0 = cast(list[str], data)

                return services_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        services = _parse_services(d.pop("services", UNSET))

        inbound_client_create = cls(
            burst=burst,
            name=name,
            rate_per_second=rate_per_second,
            services=services,
        )

        return inbound_client_create

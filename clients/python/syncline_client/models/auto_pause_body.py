from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AutoPauseBody")


@_attrs_define
class AutoPauseBody:
    """
    Attributes:
        enabled (bool | Unset):  Default: False.
        failed_runs (int | Unset):  Default: 6.
    """

    enabled: bool | Unset = False
    failed_runs: int | Unset = 6

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        failed_runs = self.failed_runs

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if failed_runs is not UNSET:
            field_dict["failed_runs"] = failed_runs

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enabled = d.pop("enabled", UNSET)

        failed_runs = d.pop("failed_runs", UNSET)

        auto_pause_body = cls(
            enabled=enabled,
            failed_runs=failed_runs,
        )

        return auto_pause_body

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AlertEventsBody")


@_attrs_define
class AlertEventsBody:
    """
    Attributes:
        connector_status (bool | Unset):  Default: True.
        item_failed (bool | Unset):  Default: True.
        run_pull_failed (bool | Unset):  Default: True.
    """

    connector_status: bool | Unset = True
    item_failed: bool | Unset = True
    run_pull_failed: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        connector_status = self.connector_status

        item_failed = self.item_failed

        run_pull_failed = self.run_pull_failed

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if connector_status is not UNSET:
            field_dict["connector_status"] = connector_status
        if item_failed is not UNSET:
            field_dict["item_failed"] = item_failed
        if run_pull_failed is not UNSET:
            field_dict["run_pull_failed"] = run_pull_failed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connector_status = d.pop("connector_status", UNSET)

        item_failed = d.pop("item_failed", UNSET)

        run_pull_failed = d.pop("run_pull_failed", UNSET)

        alert_events_body = cls(
            connector_status=connector_status,
            item_failed=item_failed,
            run_pull_failed=run_pull_failed,
        )

        return alert_events_body

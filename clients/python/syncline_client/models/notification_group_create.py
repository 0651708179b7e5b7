from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="NotificationGroupCreate")


@_attrs_define
class NotificationGroupCreate:
    """
    Attributes:
        group_id (str): an id: letters, digits, '_', '.', '-' (max 64)
        name (str):
        recipients (list[str]):
    """

    group_id: str
    name: str
    recipients: list[str]

    def to_dict(self) -> dict[str, Any]:
        group_id = self.group_id

        name = self.name

        recipients = self.recipients

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "group_id": group_id,
                "name": name,
                "recipients": recipients,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        group_id = d.pop("group_id")

        name = d.pop("name")

        recipients = cast(list[str], d.pop("recipients"))

        notification_group_create = cls(
            group_id=group_id,
            name=name,
            recipients=recipients,
        )

        return notification_group_create

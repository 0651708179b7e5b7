from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.report_entry import ReportEntry
    from ..models.report_page_response_window import ReportPageResponseWindow


T = TypeVar("T", bound="ReportPageResponse")


@_attrs_define
class ReportPageResponse:
    """
    Attributes:
        items (list[ReportEntry]):
        next_cursor (None | str):
        plan (str):
        window (ReportPageResponseWindow):
    """

    items: list[ReportEntry]
    next_cursor: None | str
    plan: str
    window: ReportPageResponseWindow
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        plan = self.plan

        window = self.window.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "next_cursor": next_cursor,
                "plan": plan,
                "window": window,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.report_entry import ReportEntry  # noqa: PLC0415
        from ..models.report_page_response_window import ReportPageResponseWindow  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = ReportEntry.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        plan = d.pop("plan")

        window = ReportPageResponseWindow.from_dict(d.pop("window"))

        report_page_response = cls(
            items=items,
            next_cursor=next_cursor,
            plan=plan,
            window=window,
        )

        report_page_response.additional_properties = d
        return report_page_response

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LookupCreate")


@_attrs_define
class LookupCreate:
    """A new lookup table. Rows are [left, right]; left values are unique.

    Attributes:
        name (str): an id: letters, digits, '_', '.', '-' (max 64)
        default_left (None | str | Unset): the answer when a right-to-left lookup misses
        default_right (None | str | Unset): the answer when a left-to-right lookup misses
        left_column (str | Unset): a column name: letters, digits, ' ', '_', '.', '-' Default: 'left'.
        right_column (str | Unset): a column name: letters, digits, ' ', '_', '.', '-' Default: 'right'.
        rows (list[list[str]] | Unset): [left, right] pairs
    """

    name: str
    default_left: None | str | Unset = UNSET
    default_right: None | str | Unset = UNSET
    left_column: str | Unset = "left"
    right_column: str | Unset = "right"
    rows: list[list[str]] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        default_left: None | str | Unset
        if isinstance(self.default_left, Unset):
            default_left = UNSET
        else:
            default_left = self.default_left

        default_right: None | str | Unset
        if isinstance(self.default_right, Unset):
            default_right = UNSET
        else:
            default_right = self.default_right

        left_column = self.left_column

        right_column = self.right_column

        rows: list[list[str]] | Unset = UNSET
        if not isinstance(self.rows, Unset):
            rows = []
            for rows_item_data in self.rows:
                rows_item = rows_item_data

                rows.append(rows_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if default_left is not UNSET:
            field_dict["default_left"] = default_left
        if default_right is not UNSET:
            field_dict["default_right"] = default_right
        if left_column is not UNSET:
            field_dict["left_column"] = left_column
        if right_column is not UNSET:
            field_dict["right_column"] = right_column
        if rows is not UNSET:
            field_dict["rows"] = rows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_default_left(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_left = _parse_default_left(d.pop("default_left", UNSET))

        def _parse_default_right(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_right = _parse_default_right(d.pop("default_right", UNSET))

        left_column = d.pop("left_column", UNSET)

        right_column = d.pop("right_column", UNSET)

        _rows = d.pop("rows", UNSET)
        rows: list[list[str]] | Unset = UNSET
        if _rows is not UNSET:
            rows = []
            for rows_item_data in _rows:
                rows_item = cast(list[str], rows_item_data)

                rows.append(rows_item)

        lookup_create = cls(
            name=name,
            default_left=default_left,
            default_right=default_right,
            left_column=left_column,
            right_column=right_column,
            rows=rows,
        )

        return lookup_create

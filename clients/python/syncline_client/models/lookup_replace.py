from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LookupReplace")


@_attrs_define
class LookupReplace:
    """A lookup table's new content (everything not given takes its default).

    Attributes:
        default_left (None | str | Unset): the answer when a right-to-left lookup misses
        default_right (None | str | Unset): the answer when a left-to-right lookup misses
        left_column (str | Unset): a column name: letters, digits, ' ', '_', '.', '-' Default: 'left'.
        name (None | str | Unset): if given, the name in the path
        right_column (str | Unset): a column name: letters, digits, ' ', '_', '.', '-' Default: 'right'.
        rows (list[list[str]] | Unset): [left, right] pairs
    """

    default_left: None | str | Unset = UNSET
    default_right: None | str | Unset = UNSET
    left_column: str | Unset = "left"
    name: None | str | Unset = UNSET
    right_column: str | Unset = "right"
    rows: list[list[str]] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
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

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        right_column = self.right_column

        rows: list[list[str]] | Unset = UNSET
        if not isinstance(self.rows, Unset):
            rows = []
            for rows_item_data in self.rows:
                rows_item = rows_item_data

                rows.append(rows_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if default_left is not UNSET:
            field_dict["default_left"] = default_left
        if default_right is not UNSET:
            field_dict["default_right"] = default_right
        if left_column is not UNSET:
            field_dict["left_column"] = left_column
        if name is not UNSET:
            field_dict["name"] = name
        if right_column is not UNSET:
            field_dict["right_column"] = right_column
        if rows is not UNSET:
            field_dict["rows"] = rows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

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

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        right_column = d.pop("right_column", UNSET)

        _rows = d.pop("rows", UNSET)
        rows: list[list[str]] | Unset = UNSET
        if _rows is not UNSET:
            rows = []
            for rows_item_data in _rows:
                rows_item = cast(list[str], rows_item_data)

                rows.append(rows_item)

        lookup_replace = cls(
            default_left=default_left,
            default_right=default_right,
            left_column=left_column,
            name=name,
            right_column=right_column,
            rows=rows,
        )

        return lookup_replace

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.preview_body_filters_type_0_item import PreviewBodyFiltersType0Item
    from ..models.preview_body_mappings_type_0_item import PreviewBodyMappingsType0Item
    from ..models.preview_body_record import PreviewBodyRecord


T = TypeVar("T", bound="PreviewBody")


@_attrs_define
class PreviewBody:
    """A sample source record, and optionally unsaved rules to try instead of the saved ones.

    Attributes:
        record (PreviewBodyRecord):
        filters (list[PreviewBodyFiltersType0Item] | None | Unset):
        mappings (list[PreviewBodyMappingsType0Item] | None | Unset):
        payload_script (None | str | Unset):
    """

    record: PreviewBodyRecord
    filters: list[PreviewBodyFiltersType0Item] | None | Unset = UNSET
    mappings: list[PreviewBodyMappingsType0Item] | None | Unset = UNSET
    payload_script: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        record = self.record.to_dict()

        filters: list[dict[str, Any]] | None | Unset
        if isinstance(self.filters, Unset):
            filters = UNSET
        elif isinstance(self.filters, list):
            filters = []
            for filters_type_0_item_data in self.filters:
                filters_type_0_item = filters_type_0_item_data.to_dict()
                filters.append(filters_type_0_item)

        else:
            filters = self.filters

        mappings: list[dict[str, Any]] | None | Unset
        if isinstance(self.mappings, Unset):
            mappings = UNSET
        elif isinstance(self.mappings, list):
            mappings = []
            for mappings_type_0_item_data in self.mappings:
                mappings_type_0_item = mappings_type_0_item_data.to_dict()
                mappings.append(mappings_type_0_item)

        else:
            mappings = self.mappings

        payload_script: None | str | Unset
        if isinstance(self.payload_script, Unset):
            payload_script = UNSET
        else:
            payload_script = self.payload_script

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "record": record,
            }
        )
        if filters is not UNSET:
            field_dict["filters"] = filters
        if mappings is not UNSET:
            field_dict["mappings"] = mappings
        if payload_script is not UNSET:
            field_dict["payload_script"] = payload_script

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_body_filters_type_0_item import (
            PreviewBodyFiltersType0Item,  # noqa: PLC0415
        )
        from ..models.preview_body_mappings_type_0_item import (
            PreviewBodyMappingsType0Item,  # noqa: PLC0415
        )
        from ..models.preview_body_record import PreviewBodyRecord  # noqa: PLC0415

        d = dict(src_dict)
        record = PreviewBodyRecord.from_dict(d.pop("record"))

        def _parse_filters(
            data: object,
        ) -> list[PreviewBodyFiltersType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                filters_type_0 = []
                _filters_type_0 = data
                for filters_type_0_item_data in _filters_type_0:
                    filters_type_0_item = PreviewBodyFiltersType0Item.from_dict(
                        filters_type_0_item_data
                    )

                    filters_type_0.append(filters_type_0_item)

                return filters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PreviewBodyFiltersType0Item] | None | Unset, data)

        filters = _parse_filters(d.pop("filters", UNSET))

        def _parse_mappings(
            data: object,
        ) -> list[PreviewBodyMappingsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                mappings_type_0 = []
                _mappings_type_0 = data
                for mappings_type_0_item_data in _mappings_type_0:
                    mappings_type_0_item = PreviewBodyMappingsType0Item.from_dict(
                        mappings_type_0_item_data
                    )

                    mappings_type_0.append(mappings_type_0_item)

                return mappings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PreviewBodyMappingsType0Item] | None | Unset, data)

        mappings = _parse_mappings(d.pop("mappings", UNSET))

        def _parse_payload_script(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payload_script = _parse_payload_script(d.pop("payload_script", UNSET))

        preview_body = cls(
            record=record,
            filters=filters,
            mappings=mappings,
            payload_script=payload_script,
        )

        return preview_body

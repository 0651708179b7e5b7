from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.filter_params import FilterParams


T = TypeVar("T", bound="ResyncBody")


@_attrs_define
class ResyncBody:
    """Exactly one of `sync_ids` and `filter` (said in the OpenAPI document too).

    Attributes:
        dry_run (bool | Unset): say what would be queued, change nothing Default: False.
        filter_ (FilterParams | None | Unset): entries matching it (default status Failed)
        limit (int | Unset): filter: at most this many Default: 1000.
        refetch (bool | Unset): fetch each record again from its source by its source id and push that, not the stored
            payload (refused as cannot_refetch where the source connector cannot: SFTP) Default: False.
        sync_ids (list[str] | None | Unset):
    """

    dry_run: bool | Unset = False
    filter_: FilterParams | None | Unset = UNSET
    limit: int | Unset = 1000
    refetch: bool | Unset = False
    sync_ids: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.filter_params import FilterParams  # noqa: PLC0415

        dry_run = self.dry_run

        filter_: dict[str, Any] | None | Unset
        if isinstance(self.filter_, Unset):
            filter_ = UNSET
        elif isinstance(self.filter_, FilterParams):
            filter_ = self.filter_.to_dict()
        else:
            filter_ = self.filter_

        limit = self.limit

        refetch = self.refetch

        sync_ids: list[str] | None | Unset
        if isinstance(self.sync_ids, Unset):
            sync_ids = UNSET
        elif isinstance(self.sync_ids, list):
            sync_ids = self.sync_ids

        else:
            sync_ids = self.sync_ids

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if limit is not UNSET:
            field_dict["limit"] = limit
        if refetch is not UNSET:
            field_dict["refetch"] = refetch
        if sync_ids is not UNSET:
            field_dict["sync_ids"] = sync_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.filter_params import FilterParams  # noqa: PLC0415

        d = dict(src_dict)
        dry_run = d.pop("dry_run", UNSET)

        def _parse_filter_(data: object) -> FilterParams | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filter_type_0 = FilterParams.from_dict(data)

                return filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FilterParams | None | Unset, data)

        filter_ = _parse_filter_(d.pop("filter", UNSET))

        limit = d.pop("limit", UNSET)

        refetch = d.pop("refetch", UNSET)

        def _parse_sync_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                sync_ids_type_0 = cast(list[str], data)

                return sync_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        sync_ids = _parse_sync_ids(d.pop("sync_ids", UNSET))

        resync_body = cls(
            dry_run=dry_run,
            filter_=filter_,
            limit=limit,
            refetch=refetch,
            sync_ids=sync_ids,
        )

        return resync_body

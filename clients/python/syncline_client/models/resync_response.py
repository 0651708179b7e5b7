from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.resync_response_refused_counts import ResyncResponseRefusedCounts
    from ..models.resync_response_refused_item import ResyncResponseRefusedItem


T = TypeVar("T", bound="ResyncResponse")


@_attrs_define
class ResyncResponse:
    """
    Attributes:
        dry_run (bool):
        more (bool):
        queued (int):
        refused (list[ResyncResponseRefusedItem]):
        refused_counts (ResyncResponseRefusedCounts):
        run_ids (list[str]):
        would_queue (list[str] | None | Unset):
    """

    dry_run: bool
    more: bool
    queued: int
    refused: list[ResyncResponseRefusedItem]
    refused_counts: ResyncResponseRefusedCounts
    run_ids: list[str]
    would_queue: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dry_run = self.dry_run

        more = self.more

        queued = self.queued

        refused = []
        for refused_item_data in self.refused:
            refused_item = refused_item_data.to_dict()
            refused.append(refused_item)

        refused_counts = self.refused_counts.to_dict()

        run_ids = self.run_ids

        would_queue: list[str] | None | Unset
        if isinstance(self.would_queue, Unset):
            would_queue = UNSET
        elif isinstance(self.would_queue, list):
            would_queue = self.would_queue

        else:
            would_queue = self.would_queue

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dry_run": dry_run,
                "more": more,
                "queued": queued,
                "refused": refused,
                "refused_counts": refused_counts,
                "run_ids": run_ids,
            }
        )
        if would_queue is not UNSET:
            field_dict["would_queue"] = would_queue

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resync_response_refused_counts import ResyncResponseRefusedCounts  # noqa: PLC0415
        from ..models.resync_response_refused_item import ResyncResponseRefusedItem  # noqa: PLC0415

        d = dict(src_dict)
        dry_run = d.pop("dry_run")

        more = d.pop("more")

        queued = d.pop("queued")

        refused = []
        _refused = d.pop("refused")
        for refused_item_data in _refused:
            refused_item = ResyncResponseRefusedItem.from_dict(refused_item_data)

            refused.append(refused_item)

        refused_counts = ResyncResponseRefusedCounts.from_dict(d.pop("refused_counts"))

        run_ids = cast(list[str], d.pop("run_ids"))

        def _parse_would_queue(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                would_queue_type_0 = cast(list[str], data)

                return would_queue_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        would_queue = _parse_would_queue(d.pop("would_queue", UNSET))

        resync_response = cls(
            dry_run=dry_run,
            more=more,
            queued=queued,
            refused=refused,
            refused_counts=refused_counts,
            run_ids=run_ids,
            would_queue=would_queue,
        )

        resync_response.additional_properties = d
        return resync_response

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

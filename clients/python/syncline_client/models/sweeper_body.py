from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SweeperBody")


@_attrs_define
class SweeperBody:
    """A sweeper's settings as a JSON body gives them: types as the schema says.

    Attributes:
        include_permanent (bool | Unset):  Default: False.
        max_per_run (int | Unset):  Default: 10000.
        sweeps (list[str] | None | Unset):
        window_days (int | Unset):  Default: 5.
    """

    include_permanent: bool | Unset = False
    max_per_run: int | Unset = 10000
    sweeps: list[str] | None | Unset = UNSET
    window_days: int | Unset = 5

    def to_dict(self) -> dict[str, Any]:
        include_permanent = self.include_permanent

        max_per_run = self.max_per_run

        sweeps: list[str] | None | Unset
        if isinstance(self.sweeps, Unset):
            sweeps = UNSET
        elif isinstance(self.sweeps, list):
            sweeps = self.sweeps

        else:
            sweeps = self.sweeps

        window_days = self.window_days

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if include_permanent is not UNSET:
            field_dict["include_permanent"] = include_permanent
        if max_per_run is not UNSET:
            field_dict["max_per_run"] = max_per_run
        if sweeps is not UNSET:
            field_dict["sweeps"] = sweeps
        if window_days is not UNSET:
            field_dict["window_days"] = window_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        include_permanent = d.pop("include_permanent", UNSET)

        max_per_run = d.pop("max_per_run", UNSET)

        def _parse_sweeps(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                sweeps_type_0 = cast(list[str], data)

                return sweeps_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        sweeps = _parse_sweeps(d.pop("sweeps", UNSET))

        window_days = d.pop("window_days", UNSET)

        sweeper_body = cls(
            include_permanent=include_permanent,
            max_per_run=max_per_run,
            sweeps=sweeps,
            window_days=window_days,
        )

        return sweeper_body

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.dashboard_params_period_type_0 import DashboardParamsPeriodType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="DashboardParams")


@_attrs_define
class DashboardParams:
    """
    Attributes:
        days (int | None | Unset): the last N days (default 5)
        from_ (datetime.datetime | None | Unset): window start, ISO 8601
        period (DashboardParamsPeriodType0 | None | Unset): today, yesterday, this_week or last_week, in the company
            group's time zone (GET /company-group; weeks start on Monday)
        to (datetime.datetime | None | Unset): window end, ISO 8601 (default now)
    """

    days: int | None | Unset = UNSET
    from_: datetime.datetime | None | Unset = UNSET
    period: DashboardParamsPeriodType0 | None | Unset = UNSET
    to: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        days: int | None | Unset
        if isinstance(self.days, Unset):
            days = UNSET
        else:
            days = self.days

        from_: None | str | Unset
        if isinstance(self.from_, Unset):
            from_ = UNSET
        elif isinstance(self.from_, datetime.datetime):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        period: None | str | Unset
        if isinstance(self.period, Unset):
            period = UNSET
        elif isinstance(self.period, DashboardParamsPeriodType0):
            period = self.period.value
        else:
            period = self.period

        to: None | str | Unset
        if isinstance(self.to, Unset):
            to = UNSET
        elif isinstance(self.to, datetime.datetime):
            to = self.to.isoformat()
        else:
            to = self.to

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if days is not UNSET:
            field_dict["days"] = days
        if from_ is not UNSET:
            field_dict["from"] = from_
        if period is not UNSET:
            field_dict["period"] = period
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days = _parse_days(d.pop("days", UNSET))

        def _parse_from_(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.datetime.fromisoformat(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        from_ = _parse_from_(d.pop("from", UNSET))

        def _parse_period(data: object) -> DashboardParamsPeriodType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_type_0 = DashboardParamsPeriodType0(data)

                return period_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DashboardParamsPeriodType0 | None | Unset, data)

        period = _parse_period(d.pop("period", UNSET))

        def _parse_to(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.datetime.fromisoformat(data)

                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        to = _parse_to(d.pop("to", UNSET))

        dashboard_params = cls(
            days=days,
            from_=from_,
            period=period,
            to=to,
        )

        return dashboard_params

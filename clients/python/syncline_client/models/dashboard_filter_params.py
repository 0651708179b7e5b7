from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.dashboard_filter_params_period_type_0 import (
    DashboardFilterParamsPeriodType0,
)
from ..models.status import Status
from ..types import UNSET, Unset

T = TypeVar("T", bound="DashboardFilterParams")


@_attrs_define
class DashboardFilterParams:
    """
    Attributes:
        days (int | None | Unset): the last N days (default 5)
        from_ (datetime.datetime | None | Unset): window start, ISO 8601
        period (DashboardFilterParamsPeriodType0 | None | Unset): today, yesterday, this_week or last_week, in the
            company group's time zone (GET /company-group; weeks start on Monday)
        service (list[str] | None | Unset): only these services (several)
        status (list[Status] | None | Unset): only these entry statuses in the totals (several)
        to (datetime.datetime | None | Unset): window end, ISO 8601 (default now)
    """

    days: int | None | Unset = UNSET
    from_: datetime.datetime | None | Unset = UNSET
    period: DashboardFilterParamsPeriodType0 | None | Unset = UNSET
    service: list[str] | None | Unset = UNSET
    status: list[Status] | None | Unset = UNSET
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
        elif isinstance(self.period, DashboardFilterParamsPeriodType0):
            period = self.period.value
        else:
            period = self.period

        service: list[str] | None | Unset
        if isinstance(self.service, Unset):
            service = UNSET
        elif isinstance(self.service, list):
            service = self.service

        else:
            service = self.service

        status: list[str] | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, list):
            status = []
            for status_type_0_item_data in self.status:
                status_type_0_item = status_type_0_item_data.value
                status.append(status_type_0_item)

        else:
            status = self.status

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
        if service is not UNSET:
            field_dict["service"] = service
        if status is not UNSET:
            field_dict["status"] = status
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

        def _parse_period(
            data: object,
        ) -> DashboardFilterParamsPeriodType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_type_0 = DashboardFilterParamsPeriodType0(data)

                return period_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DashboardFilterParamsPeriodType0 | None | Unset, data)

        period = _parse_period(d.pop("period", UNSET))

        def _parse_service(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                service_type_0 = cast(list[str], data)

                return service_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        service = _parse_service(d.pop("service", UNSET))

        def _parse_status(data: object) -> list[Status] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                status_type_0 = []
                _status_type_0 = data
                for status_type_0_item_data in _status_type_0:
                    status_type_0_item = Status(status_type_0_item_data)

                    status_type_0.append(status_type_0_item)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Status] | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

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

        dashboard_filter_params = cls(
            days=days,
            from_=from_,
            period=period,
            service=service,
            status=status,
            to=to,
        )

        return dashboard_filter_params

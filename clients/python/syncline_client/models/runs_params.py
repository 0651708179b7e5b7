from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.run_status import RunStatus
from ..models.runs_params_order import RunsParamsOrder
from ..models.runs_params_period_type_0 import RunsParamsPeriodType0
from ..models.runs_params_sort import RunsParamsSort
from ..models.trigger import Trigger
from ..types import UNSET, Unset

T = TypeVar("T", bound="RunsParams")


@_attrs_define
class RunsParams:
    """
    Attributes:
        cursor (None | str | Unset):
        days (int | None | Unset): the last N days (default 5)
        from_ (datetime.datetime | None | Unset): window start, ISO 8601
        limit (int | Unset):  Default: 50.
        order (RunsParamsOrder | Unset): desc: newest, longest, most first Default: RunsParamsOrder.DESC.
        period (None | RunsParamsPeriodType0 | Unset): today, yesterday, this_week or last_week, in the company group's
            time zone (GET /company-group; weeks start on Monday)
        service (None | str | Unset):
        sort (RunsParamsSort | Unset): started (default), duration, or failures (Failed entries) Default:
            RunsParamsSort.STARTED.
        status (list[RunStatus] | None | Unset): Running, OK, Failed, Resynced (a finished run a resync emptied)
        to (datetime.datetime | None | Unset): window end, ISO 8601 (default now)
        trigger (list[Trigger] | None | Unset): schedule, manual, inbound, sweeper, resync
    """

    cursor: None | str | Unset = UNSET
    days: int | None | Unset = UNSET
    from_: datetime.datetime | None | Unset = UNSET
    limit: int | Unset = 50
    order: RunsParamsOrder | Unset = RunsParamsOrder.DESC
    period: None | RunsParamsPeriodType0 | Unset = UNSET
    service: None | str | Unset = UNSET
    sort: RunsParamsSort | Unset = RunsParamsSort.STARTED
    status: list[RunStatus] | None | Unset = UNSET
    to: datetime.datetime | None | Unset = UNSET
    trigger: list[Trigger] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        cursor: None | str | Unset
        if isinstance(self.cursor, Unset):
            cursor = UNSET
        else:
            cursor = self.cursor

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

        limit = self.limit

        order: str | Unset = UNSET
        if not isinstance(self.order, Unset):
            order = self.order.value

        period: None | str | Unset
        if isinstance(self.period, Unset):
            period = UNSET
        elif isinstance(self.period, RunsParamsPeriodType0):
            period = self.period.value
        else:
            period = self.period

        service: None | str | Unset
        if isinstance(self.service, Unset):
            service = UNSET
        else:
            service = self.service

        sort: str | Unset = UNSET
        if not isinstance(self.sort, Unset):
            sort = self.sort.value

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

        trigger: list[str] | None | Unset
        if isinstance(self.trigger, Unset):
            trigger = UNSET
        elif isinstance(self.trigger, list):
            trigger = []
            for trigger_type_0_item_data in self.trigger:
                trigger_type_0_item = trigger_type_0_item_data.value
                trigger.append(trigger_type_0_item)

        else:
            trigger = self.trigger

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if cursor is not UNSET:
            field_dict["cursor"] = cursor
        if days is not UNSET:
            field_dict["days"] = days
        if from_ is not UNSET:
            field_dict["from"] = from_
        if limit is not UNSET:
            field_dict["limit"] = limit
        if order is not UNSET:
            field_dict["order"] = order
        if period is not UNSET:
            field_dict["period"] = period
        if service is not UNSET:
            field_dict["service"] = service
        if sort is not UNSET:
            field_dict["sort"] = sort
        if status is not UNSET:
            field_dict["status"] = status
        if to is not UNSET:
            field_dict["to"] = to
        if trigger is not UNSET:
            field_dict["trigger"] = trigger

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cursor = _parse_cursor(d.pop("cursor", UNSET))

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

        limit = d.pop("limit", UNSET)

        _order = d.pop("order", UNSET)
        order: RunsParamsOrder | Unset
        if isinstance(_order, Unset):
            order = UNSET
        else:
            order = RunsParamsOrder(_order)

        def _parse_period(data: object) -> None | RunsParamsPeriodType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_type_0 = RunsParamsPeriodType0(data)

                return period_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunsParamsPeriodType0 | Unset, data)

        period = _parse_period(d.pop("period", UNSET))

        def _parse_service(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service = _parse_service(d.pop("service", UNSET))

        _sort = d.pop("sort", UNSET)
        sort: RunsParamsSort | Unset
        if isinstance(_sort, Unset):
            sort = UNSET
        else:
            sort = RunsParamsSort(_sort)

        def _parse_status(data: object) -> list[RunStatus] | None | Unset:
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
                    status_type_0_item = RunStatus(status_type_0_item_data)

                    status_type_0.append(status_type_0_item)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RunStatus] | None | Unset, data)

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

        def _parse_trigger(data: object) -> list[Trigger] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                trigger_type_0 = []
                _trigger_type_0 = data
                for trigger_type_0_item_data in _trigger_type_0:
                    trigger_type_0_item = Trigger(trigger_type_0_item_data)

                    trigger_type_0.append(trigger_type_0_item)

                return trigger_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Trigger] | None | Unset, data)

        trigger = _parse_trigger(d.pop("trigger", UNSET))

        runs_params = cls(
            cursor=cursor,
            days=days,
            from_=from_,
            limit=limit,
            order=order,
            period=period,
            service=service,
            sort=sort,
            status=status,
            to=to,
            trigger=trigger,
        )

        return runs_params

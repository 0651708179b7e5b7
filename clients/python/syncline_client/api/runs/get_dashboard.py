import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.get_dashboard_period_type_0 import GetDashboardPeriodType0
from ...models.get_dashboard_return import GetDashboardReturn
from ...models.status import Status
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    days: int | None | Unset = UNSET,
    period: GetDashboardPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_days: int | None | Unset
    if isinstance(days, Unset):
        json_days = UNSET
    else:
        json_days = days
    params["days"] = json_days

    json_period: None | str | Unset
    if isinstance(period, Unset):
        json_period = UNSET
    elif isinstance(period, GetDashboardPeriodType0):
        json_period = period.value
    else:
        json_period = period
    params["period"] = json_period

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = []
        for status_type_0_item_data in status:
            status_type_0_item = status_type_0_item_data.value
            json_status.append(status_type_0_item)

    else:
        json_status = status
    params["status"] = json_status

    json_service: list[str] | None | Unset
    if isinstance(service, Unset):
        json_service = UNSET
    elif isinstance(service, list):
        json_service = service

    else:
        json_service = service
    params["service"] = json_service

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/dashboard",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | GetDashboardReturn | None:
    if response.status_code == 200:
        response_200 = GetDashboardReturn.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

    if response.status_code == 415:
        response_415 = ErrorResponse.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | GetDashboardReturn]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: GetDashboardPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
) -> Response[ErrorResponse | GetDashboardReturn]:
    """Totals by status and by service over a window, failure rate, oldest Pending entry

     Filters: `status` (the totals of those entry statuses only) and `service` (those services' runs
    only; no oldest Pending entry then). Days are the company group's (its time zone), each with the
    `from`/`to` of a report search of that day.

    Args:
        days (int | None | Unset):
        period (GetDashboardPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        status (list[Status] | None | Unset):
        service (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | GetDashboardReturn]
    """

    kwargs = _get_kwargs(
        days=days,
        period=period,
        from_=from_,
        to=to,
        status=status,
        service=service,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: GetDashboardPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
) -> ErrorResponse | GetDashboardReturn | None:
    """Totals by status and by service over a window, failure rate, oldest Pending entry

     Filters: `status` (the totals of those entry statuses only) and `service` (those services' runs
    only; no oldest Pending entry then). Days are the company group's (its time zone), each with the
    `from`/`to` of a report search of that day.

    Args:
        days (int | None | Unset):
        period (GetDashboardPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        status (list[Status] | None | Unset):
        service (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | GetDashboardReturn
    """

    return sync_detailed(
        client=client,
        days=days,
        period=period,
        from_=from_,
        to=to,
        status=status,
        service=service,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: GetDashboardPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
) -> Response[ErrorResponse | GetDashboardReturn]:
    """Totals by status and by service over a window, failure rate, oldest Pending entry

     Filters: `status` (the totals of those entry statuses only) and `service` (those services' runs
    only; no oldest Pending entry then). Days are the company group's (its time zone), each with the
    `from`/`to` of a report search of that day.

    Args:
        days (int | None | Unset):
        period (GetDashboardPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        status (list[Status] | None | Unset):
        service (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | GetDashboardReturn]
    """

    kwargs = _get_kwargs(
        days=days,
        period=period,
        from_=from_,
        to=to,
        status=status,
        service=service,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: GetDashboardPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
) -> ErrorResponse | GetDashboardReturn | None:
    """Totals by status and by service over a window, failure rate, oldest Pending entry

     Filters: `status` (the totals of those entry statuses only) and `service` (those services' runs
    only; no oldest Pending entry then). Days are the company group's (its time zone), each with the
    `from`/`to` of a report search of that day.

    Args:
        days (int | None | Unset):
        period (GetDashboardPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        status (list[Status] | None | Unset):
        service (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | GetDashboardReturn
    """

    return (
        await asyncio_detailed(
            client=client,
            days=days,
            period=period,
            from_=from_,
            to=to,
            status=status,
            service=service,
        )
    ).parsed

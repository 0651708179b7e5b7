import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.list_runs_order import ListRunsOrder
from ...models.list_runs_period_type_0 import ListRunsPeriodType0
from ...models.list_runs_return import ListRunsReturn
from ...models.list_runs_sort import ListRunsSort
from ...models.run_status import RunStatus
from ...models.trigger import Trigger
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    days: int | None | Unset = UNSET,
    period: ListRunsPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    service: None | str | Unset = UNSET,
    status: list[RunStatus] | None | Unset = UNSET,
    trigger: list[Trigger] | None | Unset = UNSET,
    sort: ListRunsSort | Unset = ListRunsSort.STARTED,
    order: ListRunsOrder | Unset = ListRunsOrder.DESC,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
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
    elif isinstance(period, ListRunsPeriodType0):
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

    json_service: None | str | Unset
    if isinstance(service, Unset):
        json_service = UNSET
    else:
        json_service = service
    params["service"] = json_service

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

    json_trigger: list[str] | None | Unset
    if isinstance(trigger, Unset):
        json_trigger = UNSET
    elif isinstance(trigger, list):
        json_trigger = []
        for trigger_type_0_item_data in trigger:
            trigger_type_0_item = trigger_type_0_item_data.value
            json_trigger.append(trigger_type_0_item)

    else:
        json_trigger = trigger
    params["trigger"] = json_trigger

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/runs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ListRunsReturn | None:
    if response.status_code == 200:
        response_200 = ListRunsReturn.from_dict(response.json())

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
) -> Response[ErrorResponse | ListRunsReturn]:
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
    period: ListRunsPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    service: None | str | Unset = UNSET,
    status: list[RunStatus] | None | Unset = UNSET,
    trigger: list[Trigger] | None | Unset = UNSET,
    sort: ListRunsSort | Unset = ListRunsSort.STARTED,
    order: ListRunsOrder | Unset = ListRunsOrder.DESC,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[ErrorResponse | ListRunsReturn]:
    """List runs: by start (newest first), duration or failures

     By service, status and trigger, over a window of start times (default the last 5 days); sorted by
    start, duration or failures (the newest 1,000 runs of the window).

    Args:
        days (int | None | Unset):
        period (ListRunsPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        service (None | str | Unset):
        status (list[RunStatus] | None | Unset):
        trigger (list[Trigger] | None | Unset):
        sort (ListRunsSort | Unset):  Default: ListRunsSort.STARTED.
        order (ListRunsOrder | Unset):  Default: ListRunsOrder.DESC.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListRunsReturn]
    """

    kwargs = _get_kwargs(
        days=days,
        period=period,
        from_=from_,
        to=to,
        service=service,
        status=status,
        trigger=trigger,
        sort=sort,
        order=order,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: ListRunsPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    service: None | str | Unset = UNSET,
    status: list[RunStatus] | None | Unset = UNSET,
    trigger: list[Trigger] | None | Unset = UNSET,
    sort: ListRunsSort | Unset = ListRunsSort.STARTED,
    order: ListRunsOrder | Unset = ListRunsOrder.DESC,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> ErrorResponse | ListRunsReturn | None:
    """List runs: by start (newest first), duration or failures

     By service, status and trigger, over a window of start times (default the last 5 days); sorted by
    start, duration or failures (the newest 1,000 runs of the window).

    Args:
        days (int | None | Unset):
        period (ListRunsPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        service (None | str | Unset):
        status (list[RunStatus] | None | Unset):
        trigger (list[Trigger] | None | Unset):
        sort (ListRunsSort | Unset):  Default: ListRunsSort.STARTED.
        order (ListRunsOrder | Unset):  Default: ListRunsOrder.DESC.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListRunsReturn
    """

    return sync_detailed(
        client=client,
        days=days,
        period=period,
        from_=from_,
        to=to,
        service=service,
        status=status,
        trigger=trigger,
        sort=sort,
        order=order,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: ListRunsPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    service: None | str | Unset = UNSET,
    status: list[RunStatus] | None | Unset = UNSET,
    trigger: list[Trigger] | None | Unset = UNSET,
    sort: ListRunsSort | Unset = ListRunsSort.STARTED,
    order: ListRunsOrder | Unset = ListRunsOrder.DESC,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[ErrorResponse | ListRunsReturn]:
    """List runs: by start (newest first), duration or failures

     By service, status and trigger, over a window of start times (default the last 5 days); sorted by
    start, duration or failures (the newest 1,000 runs of the window).

    Args:
        days (int | None | Unset):
        period (ListRunsPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        service (None | str | Unset):
        status (list[RunStatus] | None | Unset):
        trigger (list[Trigger] | None | Unset):
        sort (ListRunsSort | Unset):  Default: ListRunsSort.STARTED.
        order (ListRunsOrder | Unset):  Default: ListRunsOrder.DESC.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListRunsReturn]
    """

    kwargs = _get_kwargs(
        days=days,
        period=period,
        from_=from_,
        to=to,
        service=service,
        status=status,
        trigger=trigger,
        sort=sort,
        order=order,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: ListRunsPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    service: None | str | Unset = UNSET,
    status: list[RunStatus] | None | Unset = UNSET,
    trigger: list[Trigger] | None | Unset = UNSET,
    sort: ListRunsSort | Unset = ListRunsSort.STARTED,
    order: ListRunsOrder | Unset = ListRunsOrder.DESC,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> ErrorResponse | ListRunsReturn | None:
    """List runs: by start (newest first), duration or failures

     By service, status and trigger, over a window of start times (default the last 5 days); sorted by
    start, duration or failures (the newest 1,000 runs of the window).

    Args:
        days (int | None | Unset):
        period (ListRunsPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        service (None | str | Unset):
        status (list[RunStatus] | None | Unset):
        trigger (list[Trigger] | None | Unset):
        sort (ListRunsSort | Unset):  Default: ListRunsSort.STARTED.
        order (ListRunsOrder | Unset):  Default: ListRunsOrder.DESC.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListRunsReturn
    """

    return (
        await asyncio_detailed(
            client=client,
            days=days,
            period=period,
            from_=from_,
            to=to,
            service=service,
            status=status,
            trigger=trigger,
            sort=sort,
            order=order,
            limit=limit,
            cursor=cursor,
        )
    ).parsed

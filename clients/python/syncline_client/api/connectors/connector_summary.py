import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.connector_summary_period_type_0 import ConnectorSummaryPeriodType0
from ...models.connector_summary_return import ConnectorSummaryReturn
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    connector_id: str,
    *,
    days: int | None | Unset = UNSET,
    period: ConnectorSummaryPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
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
    elif isinstance(period, ConnectorSummaryPeriodType0):
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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/connectors/{connector_id}/summary".format(
            connector_id=quote(str(connector_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConnectorSummaryReturn | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = ConnectorSummaryReturn.from_dict(response.json())

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
) -> Response[ConnectorSummaryReturn | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    connector_id: str,
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: ConnectorSummaryPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> Response[ConnectorSummaryReturn | ErrorResponse]:
    """A connector's services, sync totals over a window and recent failed entries

    Args:
        connector_id (str): a connector id
        days (int | None | Unset):
        period (ConnectorSummaryPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectorSummaryReturn | ErrorResponse]
    """

    kwargs = _get_kwargs(
        connector_id=connector_id,
        days=days,
        period=period,
        from_=from_,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    connector_id: str,
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: ConnectorSummaryPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> ConnectorSummaryReturn | ErrorResponse | None:
    """A connector's services, sync totals over a window and recent failed entries

    Args:
        connector_id (str): a connector id
        days (int | None | Unset):
        period (ConnectorSummaryPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectorSummaryReturn | ErrorResponse
    """

    return sync_detailed(
        connector_id=connector_id,
        client=client,
        days=days,
        period=period,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    connector_id: str,
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: ConnectorSummaryPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> Response[ConnectorSummaryReturn | ErrorResponse]:
    """A connector's services, sync totals over a window and recent failed entries

    Args:
        connector_id (str): a connector id
        days (int | None | Unset):
        period (ConnectorSummaryPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectorSummaryReturn | ErrorResponse]
    """

    kwargs = _get_kwargs(
        connector_id=connector_id,
        days=days,
        period=period,
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    connector_id: str,
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: ConnectorSummaryPeriodType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> ConnectorSummaryReturn | ErrorResponse | None:
    """A connector's services, sync totals over a window and recent failed entries

    Args:
        connector_id (str): a connector id
        days (int | None | Unset):
        period (ConnectorSummaryPeriodType0 | None | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectorSummaryReturn | ErrorResponse
    """

    return (
        await asyncio_detailed(
            connector_id=connector_id,
            client=client,
            days=days,
            period=period,
            from_=from_,
            to=to,
        )
    ).parsed

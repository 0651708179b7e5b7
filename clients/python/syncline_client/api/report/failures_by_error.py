from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.failures_by_error_return import FailuresByErrorReturn
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    days: int | Unset = 7,
    service: list[str] | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["days"] = days

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
        "url": "/reports/errors",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | FailuresByErrorReturn | None:
    if response.status_code == 200:
        response_200 = FailuresByErrorReturn.from_dict(response.json())

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
) -> Response[ErrorResponse | FailuresByErrorReturn]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | Unset = 7,
    service: list[str] | None | Unset = UNSET,
) -> Response[ErrorResponse | FailuresByErrorReturn]:
    """Failed entries grouped by error

     The Failed entries of the last `days` days (default 7; `service` narrows them) grouped by error: the
    catalog's meaning and next step, the count, the services, a few examples and the sync ids (up to
    1,000: a POST /reports/resync of them resyncs the group). At most 5,000 entries are read (`complete`
    false when there were more).

    Args:
        days (int | Unset):  Default: 7.
        service (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | FailuresByErrorReturn]
    """

    kwargs = _get_kwargs(
        days=days,
        service=service,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    days: int | Unset = 7,
    service: list[str] | None | Unset = UNSET,
) -> ErrorResponse | FailuresByErrorReturn | None:
    """Failed entries grouped by error

     The Failed entries of the last `days` days (default 7; `service` narrows them) grouped by error: the
    catalog's meaning and next step, the count, the services, a few examples and the sync ids (up to
    1,000: a POST /reports/resync of them resyncs the group). At most 5,000 entries are read (`complete`
    false when there were more).

    Args:
        days (int | Unset):  Default: 7.
        service (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | FailuresByErrorReturn
    """

    return sync_detailed(
        client=client,
        days=days,
        service=service,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | Unset = 7,
    service: list[str] | None | Unset = UNSET,
) -> Response[ErrorResponse | FailuresByErrorReturn]:
    """Failed entries grouped by error

     The Failed entries of the last `days` days (default 7; `service` narrows them) grouped by error: the
    catalog's meaning and next step, the count, the services, a few examples and the sync ids (up to
    1,000: a POST /reports/resync of them resyncs the group). At most 5,000 entries are read (`complete`
    false when there were more).

    Args:
        days (int | Unset):  Default: 7.
        service (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | FailuresByErrorReturn]
    """

    kwargs = _get_kwargs(
        days=days,
        service=service,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    days: int | Unset = 7,
    service: list[str] | None | Unset = UNSET,
) -> ErrorResponse | FailuresByErrorReturn | None:
    """Failed entries grouped by error

     The Failed entries of the last `days` days (default 7; `service` narrows them) grouped by error: the
    catalog's meaning and next step, the count, the services, a few examples and the sync ids (up to
    1,000: a POST /reports/resync of them resyncs the group). At most 5,000 entries are read (`complete`
    false when there were more).

    Args:
        days (int | Unset):  Default: 7.
        service (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | FailuresByErrorReturn
    """

    return (
        await asyncio_detailed(
            client=client,
            days=days,
            service=service,
        )
    ).parsed

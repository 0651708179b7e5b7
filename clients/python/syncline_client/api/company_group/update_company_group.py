from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.company_group_update import CompanyGroupUpdate
from ...models.error_response import ErrorResponse
from ...models.update_company_group_return import UpdateCompanyGroupReturn
from ...types import Response


def _get_kwargs(
    *,
    body: CompanyGroupUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/company-group",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UpdateCompanyGroupReturn | None:
    if response.status_code == 200:
        response_200 = UpdateCompanyGroupReturn.from_dict(response.json())

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
) -> Response[ErrorResponse | UpdateCompanyGroupReturn]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CompanyGroupUpdate,
) -> Response[ErrorResponse | UpdateCompanyGroupReturn]:
    """Rename the company group or set its time zone

     `timezone` (an IANA name) is where its days start: the periods today, yesterday, this_week and
    last_week of the report and the dashboard, and the dashboard's days.

    Args:
        body (CompanyGroupUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UpdateCompanyGroupReturn]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CompanyGroupUpdate,
) -> ErrorResponse | UpdateCompanyGroupReturn | None:
    """Rename the company group or set its time zone

     `timezone` (an IANA name) is where its days start: the periods today, yesterday, this_week and
    last_week of the report and the dashboard, and the dashboard's days.

    Args:
        body (CompanyGroupUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UpdateCompanyGroupReturn
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CompanyGroupUpdate,
) -> Response[ErrorResponse | UpdateCompanyGroupReturn]:
    """Rename the company group or set its time zone

     `timezone` (an IANA name) is where its days start: the periods today, yesterday, this_week and
    last_week of the report and the dashboard, and the dashboard's days.

    Args:
        body (CompanyGroupUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UpdateCompanyGroupReturn]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CompanyGroupUpdate,
) -> ErrorResponse | UpdateCompanyGroupReturn | None:
    """Rename the company group or set its time zone

     `timezone` (an IANA name) is where its days start: the periods today, yesterday, this_week and
    last_week of the report and the dashboard, and the dashboard's days.

    Args:
        body (CompanyGroupUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UpdateCompanyGroupReturn
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

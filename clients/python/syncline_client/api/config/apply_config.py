from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.apply_config_return import ApplyConfigReturn
from ...models.config_apply_body import ConfigApplyBody
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: ConfigApplyBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/config/apply",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApplyConfigReturn | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = ApplyConfigReturn.from_dict(response.json())

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
) -> Response[ApplyConfigReturn | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ConfigApplyBody,
) -> Response[ApplyConfigReturn | ErrorResponse]:
    """Apply these files (admin keys)

     Through the same service layer as the other routes, in dependency order (connectors, lookup tables,
    notification groups, services; deletes the other way round), each object all or nothing. Answers the
    plan and what was done. Files that would be refused: 422 naming file, line and field, nothing
    applied. A change the service layer refuses stops the apply: 422 naming it and what was applied
    before it.

    Args:
        body (ConfigApplyBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplyConfigReturn | ErrorResponse]
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
    body: ConfigApplyBody,
) -> ApplyConfigReturn | ErrorResponse | None:
    """Apply these files (admin keys)

     Through the same service layer as the other routes, in dependency order (connectors, lookup tables,
    notification groups, services; deletes the other way round), each object all or nothing. Answers the
    plan and what was done. Files that would be refused: 422 naming file, line and field, nothing
    applied. A change the service layer refuses stops the apply: 422 naming it and what was applied
    before it.

    Args:
        body (ConfigApplyBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplyConfigReturn | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ConfigApplyBody,
) -> Response[ApplyConfigReturn | ErrorResponse]:
    """Apply these files (admin keys)

     Through the same service layer as the other routes, in dependency order (connectors, lookup tables,
    notification groups, services; deletes the other way round), each object all or nothing. Answers the
    plan and what was done. Files that would be refused: 422 naming file, line and field, nothing
    applied. A change the service layer refuses stops the apply: 422 naming it and what was applied
    before it.

    Args:
        body (ConfigApplyBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplyConfigReturn | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ConfigApplyBody,
) -> ApplyConfigReturn | ErrorResponse | None:
    """Apply these files (admin keys)

     Through the same service layer as the other routes, in dependency order (connectors, lookup tables,
    notification groups, services; deletes the other way round), each object all or nothing. Answers the
    plan and what was done. Files that would be refused: 422 naming file, line and field, nothing
    applied. A change the service layer refuses stops the apply: 422 naming it and what was applied
    before it.

    Args:
        body (ConfigApplyBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplyConfigReturn | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

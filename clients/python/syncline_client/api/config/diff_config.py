from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.config_files_body import ConfigFilesBody
from ...models.diff_config_return import DiffConfigReturn
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: ConfigFilesBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/config/diff",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DiffConfigReturn | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = DiffConfigReturn.from_dict(response.json())

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
) -> Response[DiffConfigReturn | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ConfigFilesBody,
) -> Response[DiffConfigReturn | ErrorResponse]:
    """What applying these files would change

     Created, updated (each field), deleted (with prune); objects only in the company group are listed as
    kept; warnings for changed rules that fail on a service's recent records. `differs` is false when
    applying would change nothing. 422 naming file, line and field for files that would be refused.

    Args:
        body (ConfigFilesBody): A configuration directory as {relative path: text} (`syncline
            config` sends it so).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DiffConfigReturn | ErrorResponse]
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
    body: ConfigFilesBody,
) -> DiffConfigReturn | ErrorResponse | None:
    """What applying these files would change

     Created, updated (each field), deleted (with prune); objects only in the company group are listed as
    kept; warnings for changed rules that fail on a service's recent records. `differs` is false when
    applying would change nothing. 422 naming file, line and field for files that would be refused.

    Args:
        body (ConfigFilesBody): A configuration directory as {relative path: text} (`syncline
            config` sends it so).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DiffConfigReturn | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ConfigFilesBody,
) -> Response[DiffConfigReturn | ErrorResponse]:
    """What applying these files would change

     Created, updated (each field), deleted (with prune); objects only in the company group are listed as
    kept; warnings for changed rules that fail on a service's recent records. `differs` is false when
    applying would change nothing. 422 naming file, line and field for files that would be refused.

    Args:
        body (ConfigFilesBody): A configuration directory as {relative path: text} (`syncline
            config` sends it so).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DiffConfigReturn | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ConfigFilesBody,
) -> DiffConfigReturn | ErrorResponse | None:
    """What applying these files would change

     Created, updated (each field), deleted (with prune); objects only in the company group are listed as
    kept; warnings for changed rules that fail on a service's recent records. `differs` is false when
    applying would change nothing. 422 naming file, line and field for files that would be refused.

    Args:
        body (ConfigFilesBody): A configuration directory as {relative path: text} (`syncline
            config` sends it so).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DiffConfigReturn | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

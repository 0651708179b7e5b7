from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.lookup_replace import LookupReplace
from ...models.replace_lookup_return import ReplaceLookupReturn
from ...types import Response


def _get_kwargs(
    name: str,
    *,
    body: LookupReplace,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/lookups/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ReplaceLookupReturn | None:
    if response.status_code == 200:
        response_200 = ReplaceLookupReturn.from_dict(response.json())

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
) -> Response[ErrorResponse | ReplaceLookupReturn]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: LookupReplace,
) -> Response[ErrorResponse | ReplaceLookupReturn]:
    """Replace a lookup table (validated like a new one)

     Columns, rows and defaults are all replaced; what is not given takes its default. The name cannot
    change.

    Args:
        name (str): a lookup table's name
        body (LookupReplace): A lookup table's new content (everything not given takes its
            default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReplaceLookupReturn]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: LookupReplace,
) -> ErrorResponse | ReplaceLookupReturn | None:
    """Replace a lookup table (validated like a new one)

     Columns, rows and defaults are all replaced; what is not given takes its default. The name cannot
    change.

    Args:
        name (str): a lookup table's name
        body (LookupReplace): A lookup table's new content (everything not given takes its
            default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReplaceLookupReturn
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: LookupReplace,
) -> Response[ErrorResponse | ReplaceLookupReturn]:
    """Replace a lookup table (validated like a new one)

     Columns, rows and defaults are all replaced; what is not given takes its default. The name cannot
    change.

    Args:
        name (str): a lookup table's name
        body (LookupReplace): A lookup table's new content (everything not given takes its
            default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReplaceLookupReturn]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: LookupReplace,
) -> ErrorResponse | ReplaceLookupReturn | None:
    """Replace a lookup table (validated like a new one)

     Columns, rows and defaults are all replaced; what is not given takes its default. The name cannot
    change.

    Args:
        name (str): a lookup table's name
        body (LookupReplace): A lookup table's new content (everything not given takes its
            default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReplaceLookupReturn
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.post_oauth_token_body import PostOauthTokenBody
from ...models.post_oauth_token_response_200 import PostOauthTokenResponse200
from ...models.post_oauth_token_response_400 import PostOauthTokenResponse400
from ...models.post_oauth_token_response_401 import PostOauthTokenResponse401
from ...types import Response


def _get_kwargs(
    *,
    body: PostOauthTokenBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/oauth/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ErrorResponse
    | PostOauthTokenResponse200
    | PostOauthTokenResponse400
    | PostOauthTokenResponse401
    | None
):
    if response.status_code == 200:
        response_200 = PostOauthTokenResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = PostOauthTokenResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = PostOauthTokenResponse401.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    ErrorResponse
    | PostOauthTokenResponse200
    | PostOauthTokenResponse400
    | PostOauthTokenResponse401
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostOauthTokenBody,
) -> Response[
    ErrorResponse
    | PostOauthTokenResponse200
    | PostOauthTokenResponse400
    | PostOauthTokenResponse401
]:
    """An access token for client credentials (OAuth 2.0, RFC 6749 4.4)

    Args:
        body (PostOauthTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PostOauthTokenResponse200 | PostOauthTokenResponse400 | PostOauthTokenResponse401]
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
    body: PostOauthTokenBody,
) -> (
    ErrorResponse
    | PostOauthTokenResponse200
    | PostOauthTokenResponse400
    | PostOauthTokenResponse401
    | None
):
    """An access token for client credentials (OAuth 2.0, RFC 6749 4.4)

    Args:
        body (PostOauthTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PostOauthTokenResponse200 | PostOauthTokenResponse400 | PostOauthTokenResponse401
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostOauthTokenBody,
) -> Response[
    ErrorResponse
    | PostOauthTokenResponse200
    | PostOauthTokenResponse400
    | PostOauthTokenResponse401
]:
    """An access token for client credentials (OAuth 2.0, RFC 6749 4.4)

    Args:
        body (PostOauthTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PostOauthTokenResponse200 | PostOauthTokenResponse400 | PostOauthTokenResponse401]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PostOauthTokenBody,
) -> (
    ErrorResponse
    | PostOauthTokenResponse200
    | PostOauthTokenResponse400
    | PostOauthTokenResponse401
    | None
):
    """An access token for client credentials (OAuth 2.0, RFC 6749 4.4)

    Args:
        body (PostOauthTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PostOauthTokenResponse200 | PostOauthTokenResponse400 | PostOauthTokenResponse401
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

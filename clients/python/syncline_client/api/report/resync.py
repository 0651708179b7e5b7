from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.resync_body import ResyncBody
from ...models.resync_response import ResyncResponse
from ...types import Response


def _get_kwargs(
    *,
    body: ResyncBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/reports/resync",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ResyncResponse | None:
    if response.status_code == 200:
        response_200 = ResyncResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | ResyncResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ResyncBody,
) -> Response[ErrorResponse | ResyncResponse]:
    """Resync report entries

     Selected entries (`sync_ids`, up to 1,000) or every entry matching `filter` (default status Failed;
    at most `limit`; call again while `more` is true). Only Failed, or Pending entries not updated for
    30 minutes (stuck), qualify: each goes back to Pending in a new resync run and onto the queue with
    its stored payload, or, with `refetch`, with the record as its source has it now (fetched by its
    source id). The answer counts what was queued and lists what was refused and why.

    Args:
        body (ResyncBody): Exactly one of `sync_ids` and `filter` (said in the OpenAPI document
            too).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ResyncResponse]
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
    body: ResyncBody,
) -> ErrorResponse | ResyncResponse | None:
    """Resync report entries

     Selected entries (`sync_ids`, up to 1,000) or every entry matching `filter` (default status Failed;
    at most `limit`; call again while `more` is true). Only Failed, or Pending entries not updated for
    30 minutes (stuck), qualify: each goes back to Pending in a new resync run and onto the queue with
    its stored payload, or, with `refetch`, with the record as its source has it now (fetched by its
    source id). The answer counts what was queued and lists what was refused and why.

    Args:
        body (ResyncBody): Exactly one of `sync_ids` and `filter` (said in the OpenAPI document
            too).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ResyncResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ResyncBody,
) -> Response[ErrorResponse | ResyncResponse]:
    """Resync report entries

     Selected entries (`sync_ids`, up to 1,000) or every entry matching `filter` (default status Failed;
    at most `limit`; call again while `more` is true). Only Failed, or Pending entries not updated for
    30 minutes (stuck), qualify: each goes back to Pending in a new resync run and onto the queue with
    its stored payload, or, with `refetch`, with the record as its source has it now (fetched by its
    source id). The answer counts what was queued and lists what was refused and why.

    Args:
        body (ResyncBody): Exactly one of `sync_ids` and `filter` (said in the OpenAPI document
            too).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ResyncResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ResyncBody,
) -> ErrorResponse | ResyncResponse | None:
    """Resync report entries

     Selected entries (`sync_ids`, up to 1,000) or every entry matching `filter` (default status Failed;
    at most `limit`; call again while `more` is true). Only Failed, or Pending entries not updated for
    30 minutes (stuck), qualify: each goes back to Pending in a new resync run and onto the queue with
    its stored payload, or, with `refetch`, with the record as its source has it now (fetched by its
    source id). The answer counts what was queued and lists what was refused and why.

    Args:
        body (ResyncBody): Exactly one of `sync_ids` and `filter` (said in the OpenAPI document
            too).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ResyncResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

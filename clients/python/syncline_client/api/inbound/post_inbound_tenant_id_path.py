from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.post_inbound_tenant_id_path_response_202 import (
    PostInboundTenantIdPathResponse202,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    tenant_id: str,
    path: str,
    *,
    body: Any,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/inbound/{tenant_id}/{path}".format(
            tenant_id=quote(str(tenant_id), safe=""),
            path=quote(str(path), safe=""),
        ),
    }

    _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PostInboundTenantIdPathResponse202 | None:
    if response.status_code == 202:
        response_202 = PostInboundTenantIdPathResponse202.from_dict(response.json())

        return response_202

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

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

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
) -> Response[ErrorResponse | PostInboundTenantIdPathResponse202]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    tenant_id: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: Any,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | PostInboundTenantIdPathResponse202]:
    """Push a record, a batch of up to 1000, or an envelope {"payload": "<JSON text>"}

    Args:
        tenant_id (str):
        path (str):
        idempotency_key (str | Unset):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PostInboundTenantIdPathResponse202]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        path=path,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    tenant_id: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: Any,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | PostInboundTenantIdPathResponse202 | None:
    """Push a record, a batch of up to 1000, or an envelope {"payload": "<JSON text>"}

    Args:
        tenant_id (str):
        path (str):
        idempotency_key (str | Unset):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PostInboundTenantIdPathResponse202
    """

    return sync_detailed(
        tenant_id=tenant_id,
        path=path,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    tenant_id: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: Any,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | PostInboundTenantIdPathResponse202]:
    """Push a record, a batch of up to 1000, or an envelope {"payload": "<JSON text>"}

    Args:
        tenant_id (str):
        path (str):
        idempotency_key (str | Unset):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PostInboundTenantIdPathResponse202]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        path=path,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    tenant_id: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: Any,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | PostInboundTenantIdPathResponse202 | None:
    """Push a record, a batch of up to 1000, or an envelope {"payload": "<JSON text>"}

    Args:
        tenant_id (str):
        path (str):
        idempotency_key (str | Unset):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PostInboundTenantIdPathResponse202
    """

    return (
        await asyncio_detailed(
            tenant_id=tenant_id,
            path=path,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.list_services_alerts_type_0 import ListServicesAlertsType0
from ...models.list_services_return import ListServicesReturn
from ...models.list_services_status_type_0 import ListServicesStatusType0
from ...models.list_services_type_type_0 import ListServicesTypeType0
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    q: None | str | Unset = UNSET,
    status: ListServicesStatusType0 | None | Unset = UNSET,
    type_: ListServicesTypeType0 | None | Unset = UNSET,
    alerts: ListServicesAlertsType0 | None | Unset = UNSET,
    source_system: None | str | Unset = UNSET,
    source_entity: None | str | Unset = UNSET,
    destination_system: None | str | Unset = UNSET,
    destination_entity: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListServicesStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    elif isinstance(type_, ListServicesTypeType0):
        json_type_ = type_.value
    else:
        json_type_ = type_
    params["type"] = json_type_

    json_alerts: None | str | Unset
    if isinstance(alerts, Unset):
        json_alerts = UNSET
    elif isinstance(alerts, ListServicesAlertsType0):
        json_alerts = alerts.value
    else:
        json_alerts = alerts
    params["alerts"] = json_alerts

    json_source_system: None | str | Unset
    if isinstance(source_system, Unset):
        json_source_system = UNSET
    else:
        json_source_system = source_system
    params["source_system"] = json_source_system

    json_source_entity: None | str | Unset
    if isinstance(source_entity, Unset):
        json_source_entity = UNSET
    else:
        json_source_entity = source_entity
    params["source_entity"] = json_source_entity

    json_destination_system: None | str | Unset
    if isinstance(destination_system, Unset):
        json_destination_system = UNSET
    else:
        json_destination_system = destination_system
    params["destination_system"] = json_destination_system

    json_destination_entity: None | str | Unset
    if isinstance(destination_entity, Unset):
        json_destination_entity = UNSET
    else:
        json_destination_entity = destination_entity
    params["destination_entity"] = json_destination_entity

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/services",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ListServicesReturn | None:
    if response.status_code == 200:
        response_200 = ListServicesReturn.from_dict(response.json())

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
) -> Response[ErrorResponse | ListServicesReturn]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    status: ListServicesStatusType0 | None | Unset = UNSET,
    type_: ListServicesTypeType0 | None | Unset = UNSET,
    alerts: ListServicesAlertsType0 | None | Unset = UNSET,
    source_system: None | str | Unset = UNSET,
    source_entity: None | str | Unset = UNSET,
    destination_system: None | str | Unset = UNSET,
    destination_entity: None | str | Unset = UNSET,
) -> Response[ErrorResponse | ListServicesReturn]:
    """List services

     `q` matches id, type and name (case insensitive); filters: status, type, systems, entities.

    Args:
        q (None | str | Unset):
        status (ListServicesStatusType0 | None | Unset):
        type_ (ListServicesTypeType0 | None | Unset):
        alerts (ListServicesAlertsType0 | None | Unset):
        source_system (None | str | Unset):
        source_entity (None | str | Unset):
        destination_system (None | str | Unset):
        destination_entity (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListServicesReturn]
    """

    kwargs = _get_kwargs(
        q=q,
        status=status,
        type_=type_,
        alerts=alerts,
        source_system=source_system,
        source_entity=source_entity,
        destination_system=destination_system,
        destination_entity=destination_entity,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    status: ListServicesStatusType0 | None | Unset = UNSET,
    type_: ListServicesTypeType0 | None | Unset = UNSET,
    alerts: ListServicesAlertsType0 | None | Unset = UNSET,
    source_system: None | str | Unset = UNSET,
    source_entity: None | str | Unset = UNSET,
    destination_system: None | str | Unset = UNSET,
    destination_entity: None | str | Unset = UNSET,
) -> ErrorResponse | ListServicesReturn | None:
    """List services

     `q` matches id, type and name (case insensitive); filters: status, type, systems, entities.

    Args:
        q (None | str | Unset):
        status (ListServicesStatusType0 | None | Unset):
        type_ (ListServicesTypeType0 | None | Unset):
        alerts (ListServicesAlertsType0 | None | Unset):
        source_system (None | str | Unset):
        source_entity (None | str | Unset):
        destination_system (None | str | Unset):
        destination_entity (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListServicesReturn
    """

    return sync_detailed(
        client=client,
        q=q,
        status=status,
        type_=type_,
        alerts=alerts,
        source_system=source_system,
        source_entity=source_entity,
        destination_system=destination_system,
        destination_entity=destination_entity,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    status: ListServicesStatusType0 | None | Unset = UNSET,
    type_: ListServicesTypeType0 | None | Unset = UNSET,
    alerts: ListServicesAlertsType0 | None | Unset = UNSET,
    source_system: None | str | Unset = UNSET,
    source_entity: None | str | Unset = UNSET,
    destination_system: None | str | Unset = UNSET,
    destination_entity: None | str | Unset = UNSET,
) -> Response[ErrorResponse | ListServicesReturn]:
    """List services

     `q` matches id, type and name (case insensitive); filters: status, type, systems, entities.

    Args:
        q (None | str | Unset):
        status (ListServicesStatusType0 | None | Unset):
        type_ (ListServicesTypeType0 | None | Unset):
        alerts (ListServicesAlertsType0 | None | Unset):
        source_system (None | str | Unset):
        source_entity (None | str | Unset):
        destination_system (None | str | Unset):
        destination_entity (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListServicesReturn]
    """

    kwargs = _get_kwargs(
        q=q,
        status=status,
        type_=type_,
        alerts=alerts,
        source_system=source_system,
        source_entity=source_entity,
        destination_system=destination_system,
        destination_entity=destination_entity,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    status: ListServicesStatusType0 | None | Unset = UNSET,
    type_: ListServicesTypeType0 | None | Unset = UNSET,
    alerts: ListServicesAlertsType0 | None | Unset = UNSET,
    source_system: None | str | Unset = UNSET,
    source_entity: None | str | Unset = UNSET,
    destination_system: None | str | Unset = UNSET,
    destination_entity: None | str | Unset = UNSET,
) -> ErrorResponse | ListServicesReturn | None:
    """List services

     `q` matches id, type and name (case insensitive); filters: status, type, systems, entities.

    Args:
        q (None | str | Unset):
        status (ListServicesStatusType0 | None | Unset):
        type_ (ListServicesTypeType0 | None | Unset):
        alerts (ListServicesAlertsType0 | None | Unset):
        source_system (None | str | Unset):
        source_entity (None | str | Unset):
        destination_system (None | str | Unset):
        destination_entity (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListServicesReturn
    """

    return (
        await asyncio_detailed(
            client=client,
            q=q,
            status=status,
            type_=type_,
            alerts=alerts,
            source_system=source_system,
            source_entity=source_entity,
            destination_system=destination_system,
            destination_entity=destination_entity,
        )
    ).parsed

import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.report_page_response import ReportPageResponse
from ...models.search_report_fields import SearchReportFields
from ...models.search_report_order import SearchReportOrder
from ...models.search_report_period_type_0 import SearchReportPeriodType0
from ...models.search_report_sort import SearchReportSort
from ...models.status import Status
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    days: int | None | Unset = UNSET,
    period: None | SearchReportPeriodType0 | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
    source_system: list[str] | None | Unset = UNSET,
    destination_system: list[str] | None | Unset = UNSET,
    entity: list[str] | None | Unset = UNSET,
    source_entity: list[str] | None | Unset = UNSET,
    destination_entity: list[str] | None | Unset = UNSET,
    run: None | str | Unset = UNSET,
    sync_id: list[str] | None | Unset = UNSET,
    reference: None | str | Unset = UNSET,
    source_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    sort: SearchReportSort | Unset = SearchReportSort.TIME,
    order: SearchReportOrder | Unset = SearchReportOrder.DESC,
    fields: SearchReportFields | Unset = SearchReportFields.DEFAULT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
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
    elif isinstance(period, SearchReportPeriodType0):
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

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = []
        for status_type_0_item_data in status:
            status_type_0_item = status_type_0_item_data.value
            json_status.append(status_type_0_item)

    else:
        json_status = status
    params["status"] = json_status

    json_service: list[str] | None | Unset
    if isinstance(service, Unset):
        json_service = UNSET
    elif isinstance(service, list):
        json_service = service

    else:
        json_service = service
    params["service"] = json_service

    json_source_system: list[str] | None | Unset
    if isinstance(source_system, Unset):
        json_source_system = UNSET
    elif isinstance(source_system, list):
        json_source_system = source_system

    else:
        json_source_system = source_system
    params["source_system"] = json_source_system

    json_destination_system: list[str] | None | Unset
    if isinstance(destination_system, Unset):
        json_destination_system = UNSET
    elif isinstance(destination_system, list):
        json_destination_system = destination_system

    else:
        json_destination_system = destination_system
    params["destination_system"] = json_destination_system

    json_entity: list[str] | None | Unset
    if isinstance(entity, Unset):
        json_entity = UNSET
    elif isinstance(entity, list):
        json_entity = entity

    else:
        json_entity = entity
    params["entity"] = json_entity

    json_source_entity: list[str] | None | Unset
    if isinstance(source_entity, Unset):
        json_source_entity = UNSET
    elif isinstance(source_entity, list):
        json_source_entity = source_entity

    else:
        json_source_entity = source_entity
    params["source_entity"] = json_source_entity

    json_destination_entity: list[str] | None | Unset
    if isinstance(destination_entity, Unset):
        json_destination_entity = UNSET
    elif isinstance(destination_entity, list):
        json_destination_entity = destination_entity

    else:
        json_destination_entity = destination_entity
    params["destination_entity"] = json_destination_entity

    json_run: None | str | Unset
    if isinstance(run, Unset):
        json_run = UNSET
    else:
        json_run = run
    params["run"] = json_run

    json_sync_id: list[str] | None | Unset
    if isinstance(sync_id, Unset):
        json_sync_id = UNSET
    elif isinstance(sync_id, list):
        json_sync_id = sync_id

    else:
        json_sync_id = sync_id
    params["sync_id"] = json_sync_id

    json_reference: None | str | Unset
    if isinstance(reference, Unset):
        json_reference = UNSET
    else:
        json_reference = reference
    params["reference"] = json_reference

    json_source_id: None | str | Unset
    if isinstance(source_id, Unset):
        json_source_id = UNSET
    else:
        json_source_id = source_id
    params["source_id"] = json_source_id

    json_endpoint_id: None | str | Unset
    if isinstance(endpoint_id, Unset):
        json_endpoint_id = UNSET
    else:
        json_endpoint_id = endpoint_id
    params["endpoint_id"] = json_endpoint_id

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    json_fields: str | Unset = UNSET
    if not isinstance(fields, Unset):
        json_fields = fields.value

    params["fields"] = json_fields

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/reports",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ReportPageResponse | None:
    if response.status_code == 200:
        response_200 = ReportPageResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | ReportPageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: None | SearchReportPeriodType0 | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
    source_system: list[str] | None | Unset = UNSET,
    destination_system: list[str] | None | Unset = UNSET,
    entity: list[str] | None | Unset = UNSET,
    source_entity: list[str] | None | Unset = UNSET,
    destination_entity: list[str] | None | Unset = UNSET,
    run: None | str | Unset = UNSET,
    sync_id: list[str] | None | Unset = UNSET,
    reference: None | str | Unset = UNSET,
    source_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    sort: SearchReportSort | Unset = SearchReportSort.TIME,
    order: SearchReportOrder | Unset = SearchReportOrder.DESC,
    fields: SearchReportFields | Unset = SearchReportFields.DEFAULT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[ErrorResponse | ReportPageResponse]:
    """Search the sync report

     One entry per item synced, newest first, with cursor pagination. Window: the last 5 days by default,
    at most 15 (`days`, or `from`/`to`). The response header `X-Syncline-Reads` says what the search
    read.

    Args:
        days (int | None | Unset):
        period (None | SearchReportPeriodType0 | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        status (list[Status] | None | Unset):
        service (list[str] | None | Unset):
        source_system (list[str] | None | Unset):
        destination_system (list[str] | None | Unset):
        entity (list[str] | None | Unset):
        source_entity (list[str] | None | Unset):
        destination_entity (list[str] | None | Unset):
        run (None | str | Unset):
        sync_id (list[str] | None | Unset):
        reference (None | str | Unset):
        source_id (None | str | Unset):
        endpoint_id (None | str | Unset):
        sort (SearchReportSort | Unset):  Default: SearchReportSort.TIME.
        order (SearchReportOrder | Unset):  Default: SearchReportOrder.DESC.
        fields (SearchReportFields | Unset):  Default: SearchReportFields.DEFAULT.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReportPageResponse]
    """

    kwargs = _get_kwargs(
        days=days,
        period=period,
        from_=from_,
        to=to,
        status=status,
        service=service,
        source_system=source_system,
        destination_system=destination_system,
        entity=entity,
        source_entity=source_entity,
        destination_entity=destination_entity,
        run=run,
        sync_id=sync_id,
        reference=reference,
        source_id=source_id,
        endpoint_id=endpoint_id,
        sort=sort,
        order=order,
        fields=fields,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: None | SearchReportPeriodType0 | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
    source_system: list[str] | None | Unset = UNSET,
    destination_system: list[str] | None | Unset = UNSET,
    entity: list[str] | None | Unset = UNSET,
    source_entity: list[str] | None | Unset = UNSET,
    destination_entity: list[str] | None | Unset = UNSET,
    run: None | str | Unset = UNSET,
    sync_id: list[str] | None | Unset = UNSET,
    reference: None | str | Unset = UNSET,
    source_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    sort: SearchReportSort | Unset = SearchReportSort.TIME,
    order: SearchReportOrder | Unset = SearchReportOrder.DESC,
    fields: SearchReportFields | Unset = SearchReportFields.DEFAULT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> ErrorResponse | ReportPageResponse | None:
    """Search the sync report

     One entry per item synced, newest first, with cursor pagination. Window: the last 5 days by default,
    at most 15 (`days`, or `from`/`to`). The response header `X-Syncline-Reads` says what the search
    read.

    Args:
        days (int | None | Unset):
        period (None | SearchReportPeriodType0 | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        status (list[Status] | None | Unset):
        service (list[str] | None | Unset):
        source_system (list[str] | None | Unset):
        destination_system (list[str] | None | Unset):
        entity (list[str] | None | Unset):
        source_entity (list[str] | None | Unset):
        destination_entity (list[str] | None | Unset):
        run (None | str | Unset):
        sync_id (list[str] | None | Unset):
        reference (None | str | Unset):
        source_id (None | str | Unset):
        endpoint_id (None | str | Unset):
        sort (SearchReportSort | Unset):  Default: SearchReportSort.TIME.
        order (SearchReportOrder | Unset):  Default: SearchReportOrder.DESC.
        fields (SearchReportFields | Unset):  Default: SearchReportFields.DEFAULT.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReportPageResponse
    """

    return sync_detailed(
        client=client,
        days=days,
        period=period,
        from_=from_,
        to=to,
        status=status,
        service=service,
        source_system=source_system,
        destination_system=destination_system,
        entity=entity,
        source_entity=source_entity,
        destination_entity=destination_entity,
        run=run,
        sync_id=sync_id,
        reference=reference,
        source_id=source_id,
        endpoint_id=endpoint_id,
        sort=sort,
        order=order,
        fields=fields,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: None | SearchReportPeriodType0 | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
    source_system: list[str] | None | Unset = UNSET,
    destination_system: list[str] | None | Unset = UNSET,
    entity: list[str] | None | Unset = UNSET,
    source_entity: list[str] | None | Unset = UNSET,
    destination_entity: list[str] | None | Unset = UNSET,
    run: None | str | Unset = UNSET,
    sync_id: list[str] | None | Unset = UNSET,
    reference: None | str | Unset = UNSET,
    source_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    sort: SearchReportSort | Unset = SearchReportSort.TIME,
    order: SearchReportOrder | Unset = SearchReportOrder.DESC,
    fields: SearchReportFields | Unset = SearchReportFields.DEFAULT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[ErrorResponse | ReportPageResponse]:
    """Search the sync report

     One entry per item synced, newest first, with cursor pagination. Window: the last 5 days by default,
    at most 15 (`days`, or `from`/`to`). The response header `X-Syncline-Reads` says what the search
    read.

    Args:
        days (int | None | Unset):
        period (None | SearchReportPeriodType0 | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        status (list[Status] | None | Unset):
        service (list[str] | None | Unset):
        source_system (list[str] | None | Unset):
        destination_system (list[str] | None | Unset):
        entity (list[str] | None | Unset):
        source_entity (list[str] | None | Unset):
        destination_entity (list[str] | None | Unset):
        run (None | str | Unset):
        sync_id (list[str] | None | Unset):
        reference (None | str | Unset):
        source_id (None | str | Unset):
        endpoint_id (None | str | Unset):
        sort (SearchReportSort | Unset):  Default: SearchReportSort.TIME.
        order (SearchReportOrder | Unset):  Default: SearchReportOrder.DESC.
        fields (SearchReportFields | Unset):  Default: SearchReportFields.DEFAULT.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReportPageResponse]
    """

    kwargs = _get_kwargs(
        days=days,
        period=period,
        from_=from_,
        to=to,
        status=status,
        service=service,
        source_system=source_system,
        destination_system=destination_system,
        entity=entity,
        source_entity=source_entity,
        destination_entity=destination_entity,
        run=run,
        sync_id=sync_id,
        reference=reference,
        source_id=source_id,
        endpoint_id=endpoint_id,
        sort=sort,
        order=order,
        fields=fields,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    days: int | None | Unset = UNSET,
    period: None | SearchReportPeriodType0 | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    status: list[Status] | None | Unset = UNSET,
    service: list[str] | None | Unset = UNSET,
    source_system: list[str] | None | Unset = UNSET,
    destination_system: list[str] | None | Unset = UNSET,
    entity: list[str] | None | Unset = UNSET,
    source_entity: list[str] | None | Unset = UNSET,
    destination_entity: list[str] | None | Unset = UNSET,
    run: None | str | Unset = UNSET,
    sync_id: list[str] | None | Unset = UNSET,
    reference: None | str | Unset = UNSET,
    source_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    sort: SearchReportSort | Unset = SearchReportSort.TIME,
    order: SearchReportOrder | Unset = SearchReportOrder.DESC,
    fields: SearchReportFields | Unset = SearchReportFields.DEFAULT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> ErrorResponse | ReportPageResponse | None:
    """Search the sync report

     One entry per item synced, newest first, with cursor pagination. Window: the last 5 days by default,
    at most 15 (`days`, or `from`/`to`). The response header `X-Syncline-Reads` says what the search
    read.

    Args:
        days (int | None | Unset):
        period (None | SearchReportPeriodType0 | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        status (list[Status] | None | Unset):
        service (list[str] | None | Unset):
        source_system (list[str] | None | Unset):
        destination_system (list[str] | None | Unset):
        entity (list[str] | None | Unset):
        source_entity (list[str] | None | Unset):
        destination_entity (list[str] | None | Unset):
        run (None | str | Unset):
        sync_id (list[str] | None | Unset):
        reference (None | str | Unset):
        source_id (None | str | Unset):
        endpoint_id (None | str | Unset):
        sort (SearchReportSort | Unset):  Default: SearchReportSort.TIME.
        order (SearchReportOrder | Unset):  Default: SearchReportOrder.DESC.
        fields (SearchReportFields | Unset):  Default: SearchReportFields.DEFAULT.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReportPageResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            days=days,
            period=period,
            from_=from_,
            to=to,
            status=status,
            service=service,
            source_system=source_system,
            destination_system=destination_system,
            entity=entity,
            source_entity=source_entity,
            destination_entity=destination_entity,
            run=run,
            sync_id=sync_id,
            reference=reference,
            source_id=source_id,
            endpoint_id=endpoint_id,
            sort=sort,
            order=order,
            fields=fields,
            limit=limit,
            cursor=cursor,
        )
    ).parsed

import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_platform_order_list import PaginatedPlatformOrderList
from ...models.problem import Problem
from ...models.v1_platform_orders_list_kind import V1PlatformOrdersListKind
from ...models.v1_platform_orders_list_status_item import V1PlatformOrdersListStatusItem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    kind: V1PlatformOrdersListKind | Unset = UNSET,
    status: list[V1PlatformOrdersListStatusItem] | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item = status_item_data.value
            json_status.append(status_item)

    params["status"] = json_status

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/platform/orders/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedPlatformOrderList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedPlatformOrderList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedPlatformOrderList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: V1PlatformOrdersListKind | Unset = UNSET,
    status: list[V1PlatformOrdersListStatusItem] | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedPlatformOrderList | Problem]:
    """Your orders, newest first (cursor pagination).

    Args:
        cursor (str | Unset):
        kind (V1PlatformOrdersListKind | Unset):
        status (list[V1PlatformOrdersListStatusItem] | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPlatformOrderList | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        kind=kind,
        status=status,
        updated_since=updated_since,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: V1PlatformOrdersListKind | Unset = UNSET,
    status: list[V1PlatformOrdersListStatusItem] | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedPlatformOrderList | Problem | None:
    """Your orders, newest first (cursor pagination).

    Args:
        cursor (str | Unset):
        kind (V1PlatformOrdersListKind | Unset):
        status (list[V1PlatformOrdersListStatusItem] | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPlatformOrderList | Problem
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        kind=kind,
        status=status,
        updated_since=updated_since,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: V1PlatformOrdersListKind | Unset = UNSET,
    status: list[V1PlatformOrdersListStatusItem] | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedPlatformOrderList | Problem]:
    """Your orders, newest first (cursor pagination).

    Args:
        cursor (str | Unset):
        kind (V1PlatformOrdersListKind | Unset):
        status (list[V1PlatformOrdersListStatusItem] | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPlatformOrderList | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        kind=kind,
        status=status,
        updated_since=updated_since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: V1PlatformOrdersListKind | Unset = UNSET,
    status: list[V1PlatformOrdersListStatusItem] | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedPlatformOrderList | Problem | None:
    """Your orders, newest first (cursor pagination).

    Args:
        cursor (str | Unset):
        kind (V1PlatformOrdersListKind | Unset):
        status (list[V1PlatformOrdersListStatusItem] | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPlatformOrderList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            kind=kind,
            status=status,
            updated_since=updated_since,
        )
    ).parsed

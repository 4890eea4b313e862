from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_delivery_list import PaginatedDeliveryList
from ...models.problem import Problem
from ...models.v1_platform_webhook_deliveries_list_status import V1PlatformWebhookDeliveriesListStatus
from ...models.v1_platform_webhook_deliveries_list_type import V1PlatformWebhookDeliveriesListType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    status: V1PlatformWebhookDeliveriesListStatus | Unset = UNSET,
    type_: V1PlatformWebhookDeliveriesListType | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/platform/webhook/deliveries/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedDeliveryList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedDeliveryList.from_dict(response.json())

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
) -> Response[PaginatedDeliveryList | Problem]:
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
    status: V1PlatformWebhookDeliveriesListStatus | Unset = UNSET,
    type_: V1PlatformWebhookDeliveriesListType | Unset = UNSET,
) -> Response[PaginatedDeliveryList | Problem]:
    """Every event sent (or being sent) to your webhook, newest first, with each attempt.

    Args:
        cursor (str | Unset):
        status (V1PlatformWebhookDeliveriesListStatus | Unset):
        type_ (V1PlatformWebhookDeliveriesListType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedDeliveryList | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        status=status,
        type_=type_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    status: V1PlatformWebhookDeliveriesListStatus | Unset = UNSET,
    type_: V1PlatformWebhookDeliveriesListType | Unset = UNSET,
) -> PaginatedDeliveryList | Problem | None:
    """Every event sent (or being sent) to your webhook, newest first, with each attempt.

    Args:
        cursor (str | Unset):
        status (V1PlatformWebhookDeliveriesListStatus | Unset):
        type_ (V1PlatformWebhookDeliveriesListType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedDeliveryList | Problem
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        status=status,
        type_=type_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    status: V1PlatformWebhookDeliveriesListStatus | Unset = UNSET,
    type_: V1PlatformWebhookDeliveriesListType | Unset = UNSET,
) -> Response[PaginatedDeliveryList | Problem]:
    """Every event sent (or being sent) to your webhook, newest first, with each attempt.

    Args:
        cursor (str | Unset):
        status (V1PlatformWebhookDeliveriesListStatus | Unset):
        type_ (V1PlatformWebhookDeliveriesListType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedDeliveryList | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        status=status,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    status: V1PlatformWebhookDeliveriesListStatus | Unset = UNSET,
    type_: V1PlatformWebhookDeliveriesListType | Unset = UNSET,
) -> PaginatedDeliveryList | Problem | None:
    """Every event sent (or being sent) to your webhook, newest first, with each attempt.

    Args:
        cursor (str | Unset):
        status (V1PlatformWebhookDeliveriesListStatus | Unset):
        type_ (V1PlatformWebhookDeliveriesListType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedDeliveryList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            status=status,
            type_=type_,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_public_key_list import PaginatedPublicKeyList
from ...models.problem import Problem
from ...models.v1_keys_list_purpose import V1KeysListPurpose
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    authority: int | Unset = UNSET,
    page: int | Unset = UNSET,
    purpose: V1KeysListPurpose | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["authority"] = authority

    params["page"] = page

    json_purpose: str | Unset = UNSET
    if not isinstance(purpose, Unset):
        json_purpose = purpose.value

    params["purpose"] = json_purpose

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/keys/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedPublicKeyList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedPublicKeyList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedPublicKeyList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    authority: int | Unset = UNSET,
    page: int | Unset = UNSET,
    purpose: V1KeysListPurpose | Unset = UNSET,
) -> Response[PaginatedPublicKeyList | Problem]:
    """Every authority's public keys, for verifying orders and sealed evidence offline.
    Public: a public key is meant to be published.

    Args:
        authority (int | Unset):
        page (int | Unset):
        purpose (V1KeysListPurpose | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPublicKeyList | Problem]
    """

    kwargs = _get_kwargs(
        authority=authority,
        page=page,
        purpose=purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    authority: int | Unset = UNSET,
    page: int | Unset = UNSET,
    purpose: V1KeysListPurpose | Unset = UNSET,
) -> PaginatedPublicKeyList | Problem | None:
    """Every authority's public keys, for verifying orders and sealed evidence offline.
    Public: a public key is meant to be published.

    Args:
        authority (int | Unset):
        page (int | Unset):
        purpose (V1KeysListPurpose | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPublicKeyList | Problem
    """

    return sync_detailed(
        client=client,
        authority=authority,
        page=page,
        purpose=purpose,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    authority: int | Unset = UNSET,
    page: int | Unset = UNSET,
    purpose: V1KeysListPurpose | Unset = UNSET,
) -> Response[PaginatedPublicKeyList | Problem]:
    """Every authority's public keys, for verifying orders and sealed evidence offline.
    Public: a public key is meant to be published.

    Args:
        authority (int | Unset):
        page (int | Unset):
        purpose (V1KeysListPurpose | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPublicKeyList | Problem]
    """

    kwargs = _get_kwargs(
        authority=authority,
        page=page,
        purpose=purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    authority: int | Unset = UNSET,
    page: int | Unset = UNSET,
    purpose: V1KeysListPurpose | Unset = UNSET,
) -> PaginatedPublicKeyList | Problem | None:
    """Every authority's public keys, for verifying orders and sealed evidence offline.
    Public: a public key is meant to be published.

    Args:
        authority (int | Unset):
        page (int | Unset):
        purpose (V1KeysListPurpose | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPublicKeyList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            authority=authority,
            page=page,
            purpose=purpose,
        )
    ).parsed

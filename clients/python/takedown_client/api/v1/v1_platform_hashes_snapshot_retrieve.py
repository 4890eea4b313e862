from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.hash_list_snapshot import HashListSnapshot
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: str | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["jurisdiction"] = jurisdiction

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/platform/hashes/snapshot/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HashListSnapshot | Problem | None:
    if response.status_code == 200:
        response_200 = HashListSnapshot.from_dict(response.json())

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
) -> Response[HashListSnapshot | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
) -> Response[HashListSnapshot | Problem]:
    """The stay-down hash list as it stands: every entry on it, a page at a time. Start
    pulling changes from the `checkpoint` of its first page.

    Args:
        after (str | Unset):
        jurisdiction (str | Unset):
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HashListSnapshot | Problem]
    """

    kwargs = _get_kwargs(
        after=after,
        jurisdiction=jurisdiction,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
) -> HashListSnapshot | Problem | None:
    """The stay-down hash list as it stands: every entry on it, a page at a time. Start
    pulling changes from the `checkpoint` of its first page.

    Args:
        after (str | Unset):
        jurisdiction (str | Unset):
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HashListSnapshot | Problem
    """

    return sync_detailed(
        client=client,
        after=after,
        jurisdiction=jurisdiction,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
) -> Response[HashListSnapshot | Problem]:
    """The stay-down hash list as it stands: every entry on it, a page at a time. Start
    pulling changes from the `checkpoint` of its first page.

    Args:
        after (str | Unset):
        jurisdiction (str | Unset):
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HashListSnapshot | Problem]
    """

    kwargs = _get_kwargs(
        after=after,
        jurisdiction=jurisdiction,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
) -> HashListSnapshot | Problem | None:
    """The stay-down hash list as it stands: every entry on it, a page at a time. Start
    pulling changes from the `checkpoint` of its first page.

    Args:
        after (str | Unset):
        jurisdiction (str | Unset):
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HashListSnapshot | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            jurisdiction=jurisdiction,
            limit=limit,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.hash_list_page import HashListPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
    since: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["jurisdiction"] = jurisdiction

    params["limit"] = limit

    params["since"] = since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/platform/hashes/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> HashListPage | Problem | None:
    if response.status_code == 200:
        response_200 = HashListPage.from_dict(response.json())

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
) -> Response[HashListPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
    since: str | Unset = UNSET,
) -> Response[HashListPage | Problem]:
    """The stay-down hash list: what was added to it or withdrawn from it since your
    checkpoint, oldest first. Pull until `more` is false, keep the last `checkpoint`.

    Args:
        jurisdiction (str | Unset):
        limit (int | Unset):  Default: 1000.
        since (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HashListPage | Problem]
    """

    kwargs = _get_kwargs(
        jurisdiction=jurisdiction,
        limit=limit,
        since=since,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
    since: str | Unset = UNSET,
) -> HashListPage | Problem | None:
    """The stay-down hash list: what was added to it or withdrawn from it since your
    checkpoint, oldest first. Pull until `more` is false, keep the last `checkpoint`.

    Args:
        jurisdiction (str | Unset):
        limit (int | Unset):  Default: 1000.
        since (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HashListPage | Problem
    """

    return sync_detailed(
        client=client,
        jurisdiction=jurisdiction,
        limit=limit,
        since=since,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
    since: str | Unset = UNSET,
) -> Response[HashListPage | Problem]:
    """The stay-down hash list: what was added to it or withdrawn from it since your
    checkpoint, oldest first. Pull until `more` is false, keep the last `checkpoint`.

    Args:
        jurisdiction (str | Unset):
        limit (int | Unset):  Default: 1000.
        since (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HashListPage | Problem]
    """

    kwargs = _get_kwargs(
        jurisdiction=jurisdiction,
        limit=limit,
        since=since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    jurisdiction: str | Unset = UNSET,
    limit: int | Unset = 1000,
    since: str | Unset = UNSET,
) -> HashListPage | Problem | None:
    """The stay-down hash list: what was added to it or withdrawn from it since your
    checkpoint, oldest first. Pull until `more` is false, keep the last `checkpoint`.

    Args:
        jurisdiction (str | Unset):
        limit (int | Unset):  Default: 1000.
        since (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HashListPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            jurisdiction=jurisdiction,
            limit=limit,
            since=since,
        )
    ).parsed

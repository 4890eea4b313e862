from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.v1_platform_hashes_export_misp_json_retrieve_response_200 import (
    V1PlatformHashesExportMispJsonRetrieveResponse200,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    jurisdiction: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["jurisdiction"] = jurisdiction

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/platform/hashes/export.misp.json",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | V1PlatformHashesExportMispJsonRetrieveResponse200 | None:
    if response.status_code == 200:
        response_200 = V1PlatformHashesExportMispJsonRetrieveResponse200.from_dict(response.json())

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
) -> Response[Problem | V1PlatformHashesExportMispJsonRetrieveResponse200]:
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
) -> Response[Problem | V1PlatformHashesExportMispJsonRetrieveResponse200]:
    """The list as one MISP event (JSON): its attributes are the hashes.

    Args:
        jurisdiction (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | V1PlatformHashesExportMispJsonRetrieveResponse200]
    """

    kwargs = _get_kwargs(
        jurisdiction=jurisdiction,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    jurisdiction: str | Unset = UNSET,
) -> Problem | V1PlatformHashesExportMispJsonRetrieveResponse200 | None:
    """The list as one MISP event (JSON): its attributes are the hashes.

    Args:
        jurisdiction (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | V1PlatformHashesExportMispJsonRetrieveResponse200
    """

    return sync_detailed(
        client=client,
        jurisdiction=jurisdiction,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    jurisdiction: str | Unset = UNSET,
) -> Response[Problem | V1PlatformHashesExportMispJsonRetrieveResponse200]:
    """The list as one MISP event (JSON): its attributes are the hashes.

    Args:
        jurisdiction (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | V1PlatformHashesExportMispJsonRetrieveResponse200]
    """

    kwargs = _get_kwargs(
        jurisdiction=jurisdiction,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    jurisdiction: str | Unset = UNSET,
) -> Problem | V1PlatformHashesExportMispJsonRetrieveResponse200 | None:
    """The list as one MISP event (JSON): its attributes are the hashes.

    Args:
        jurisdiction (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | V1PlatformHashesExportMispJsonRetrieveResponse200
    """

    return (
        await asyncio_detailed(
            client=client,
            jurisdiction=jurisdiction,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_case_list import PaginatedCaseList
from ...models.problem import Problem
from ...models.v1_cases_list_assignee import V1CasesListAssignee
from ...models.v1_cases_list_status_item import V1CasesListStatusItem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    acute: bool | Unset = UNSET,
    after: str | Unset = UNSET,
    assignee: V1CasesListAssignee | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    platform: int | Unset = UNSET,
    q: str | Unset = UNSET,
    status: list[V1CasesListStatusItem] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["acute"] = acute

    params["after"] = after

    json_assignee: str | Unset = UNSET
    if not isinstance(assignee, Unset):
        json_assignee = assignee.value

    params["assignee"] = json_assignee

    params["jurisdiction"] = jurisdiction

    params["platform"] = platform

    params["q"] = q

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item = status_item_data.value
            json_status.append(status_item)

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/cases/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedCaseList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedCaseList.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedCaseList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    acute: bool | Unset = UNSET,
    after: str | Unset = UNSET,
    assignee: V1CasesListAssignee | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    platform: int | Unset = UNSET,
    q: str | Unset = UNSET,
    status: list[V1CasesListStatusItem] | Unset = UNSET,
) -> Response[PaginatedCaseList | Problem]:
    """The triage queue of your desks: the same cases, defaults, filters and order as
    the page (acute first, then by time left), a page of 50 at a time (``next``).

    Args:
        acute (bool | Unset):
        after (str | Unset):
        assignee (V1CasesListAssignee | Unset):
        jurisdiction (str | Unset):
        platform (int | Unset):
        q (str | Unset):
        status (list[V1CasesListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedCaseList | Problem]
    """

    kwargs = _get_kwargs(
        acute=acute,
        after=after,
        assignee=assignee,
        jurisdiction=jurisdiction,
        platform=platform,
        q=q,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    acute: bool | Unset = UNSET,
    after: str | Unset = UNSET,
    assignee: V1CasesListAssignee | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    platform: int | Unset = UNSET,
    q: str | Unset = UNSET,
    status: list[V1CasesListStatusItem] | Unset = UNSET,
) -> PaginatedCaseList | Problem | None:
    """The triage queue of your desks: the same cases, defaults, filters and order as
    the page (acute first, then by time left), a page of 50 at a time (``next``).

    Args:
        acute (bool | Unset):
        after (str | Unset):
        assignee (V1CasesListAssignee | Unset):
        jurisdiction (str | Unset):
        platform (int | Unset):
        q (str | Unset):
        status (list[V1CasesListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedCaseList | Problem
    """

    return sync_detailed(
        client=client,
        acute=acute,
        after=after,
        assignee=assignee,
        jurisdiction=jurisdiction,
        platform=platform,
        q=q,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    acute: bool | Unset = UNSET,
    after: str | Unset = UNSET,
    assignee: V1CasesListAssignee | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    platform: int | Unset = UNSET,
    q: str | Unset = UNSET,
    status: list[V1CasesListStatusItem] | Unset = UNSET,
) -> Response[PaginatedCaseList | Problem]:
    """The triage queue of your desks: the same cases, defaults, filters and order as
    the page (acute first, then by time left), a page of 50 at a time (``next``).

    Args:
        acute (bool | Unset):
        after (str | Unset):
        assignee (V1CasesListAssignee | Unset):
        jurisdiction (str | Unset):
        platform (int | Unset):
        q (str | Unset):
        status (list[V1CasesListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedCaseList | Problem]
    """

    kwargs = _get_kwargs(
        acute=acute,
        after=after,
        assignee=assignee,
        jurisdiction=jurisdiction,
        platform=platform,
        q=q,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    acute: bool | Unset = UNSET,
    after: str | Unset = UNSET,
    assignee: V1CasesListAssignee | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    platform: int | Unset = UNSET,
    q: str | Unset = UNSET,
    status: list[V1CasesListStatusItem] | Unset = UNSET,
) -> PaginatedCaseList | Problem | None:
    """The triage queue of your desks: the same cases, defaults, filters and order as
    the page (acute first, then by time left), a page of 50 at a time (``next``).

    Args:
        acute (bool | Unset):
        after (str | Unset):
        assignee (V1CasesListAssignee | Unset):
        jurisdiction (str | Unset):
        platform (int | Unset):
        q (str | Unset):
        status (list[V1CasesListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedCaseList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            acute=acute,
            after=after,
            assignee=assignee,
            jurisdiction=jurisdiction,
            platform=platform,
            q=q,
            status=status,
        )
    ).parsed

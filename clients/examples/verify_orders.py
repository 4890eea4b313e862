#!/usr/bin/env python3
"""List your platform's orders with the typed client and verify every signature.

Needs the generated client and ``cryptography`` (Python 3.11+):

    pip install ./clients/python cryptography
    python clients/examples/verify_orders.py --base-url https://takedown.example.org \\
        --api-key "$KEY" [--status issued] [--updated-since 2026-12-01T09:30:00Z]

One line per order: ``VALID: ...`` or ``NOT AUTHENTIC: ...`` with the reason. Exit
status 0 when every order listed is authentic, 1 when one is not, 2 when they could not
be checked (bad arguments, a network error, an error answer from the API).

Each order is checked as the integration guide (section 4) says: the key named by
``signature.key_id`` is a published Ed25519 signing key of the issuing state, not
revoked, valid when the order was issued, and a sandbox key exactly for a sandbox order;
the signature holds over the canonical JSON of ``signed_payload``; and the fields around
``signed_payload`` say what the signed document says.

The signature is checked over ``signed_payload`` as it arrived (the JSON of the answer),
not over the typed model turned back into JSON: the model parses times into
``datetime``, and a signature is only as good as the bytes it is checked on.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from takedown_client import AuthenticatedClient
from takedown_client.api.v1 import v1_keys_list, v1_platform_orders_list
from takedown_client.models import (
    PaginatedPlatformOrderList,
    PaginatedPublicKeyList,
    PlatformOrder,
    Problem,
    PublicKey,
    PurposeEnum,
    V1KeysListPurpose,
    V1PlatformOrdersListStatusItem,
)
from takedown_client.types import UNSET, Response, Unset

VALID, INVALID, UNCHECKED = 0, 1, 2
T = TypeVar("T")


class NotAuthentic(Exception):
    """The order failed a check."""


class ApiError(Exception):
    """The API answered with an error (a Problem) or something undocumented."""


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical_bytes(document: dict[str, Any]) -> bytes:
    """Keys sorted, separators ``,`` and ``:``, no whitespace, UTF-8 (no ``\\u`` escapes)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def expect(response: Response[Any], kind: type[T]) -> T:
    """The typed answer, or ApiError with the problem's ``code`` and ``detail``."""
    if isinstance(response.parsed, kind):
        return response.parsed
    if isinstance(response.parsed, Problem):
        problem = response.parsed
        raise ApiError(f"{problem.status} {problem.code}: {problem.detail}")
    raise ApiError(f"unexpected answer {response.status_code}: {response.content[:200]!r}")


def cursor_of(next_link: str | Unset | None) -> str | None:
    """The ``cursor`` query parameter of a page's ``next`` link (None on the last page)."""
    if not isinstance(next_link, str):
        return None
    return parse_qs(urlsplit(next_link).query)["cursor"][0]


# --- Fetching ----------------------------------------------------------------------------


def list_orders(
    client: AuthenticatedClient,
    *,
    status: list[V1PlatformOrdersListStatusItem] | Unset = UNSET,
    updated_since: datetime | Unset = UNSET,
) -> Iterator[tuple[PlatformOrder, dict[str, Any]]]:
    """Every order of every page, newest first: the typed order, and its JSON as sent."""
    cursor: str | Unset = UNSET
    while True:
        response = v1_platform_orders_list.sync_detailed(
            client=client, cursor=cursor, status=status, updated_since=updated_since
        )
        page = expect(response, PaginatedPlatformOrderList)
        sent = json.loads(response.content)["results"]
        yield from zip(page.results, sent, strict=True)
        following = cursor_of(page.next_)
        if following is None:
            return
        cursor = following


def signing_keys(client: AuthenticatedClient) -> dict[str, PublicKey]:
    """Every published signing key, by ``key_id`` (the keys are public; every page)."""
    keys: dict[str, PublicKey] = {}
    number = 1
    while True:
        response = v1_keys_list.sync_detailed(
            client=client, purpose=V1KeysListPurpose.SIGNING, page=number
        )
        page = expect(response, PaginatedPublicKeyList)
        keys.update((key.key_id, key) for key in page.results)
        if not page.next_:
            return keys
        number += 1


# --- Checking ----------------------------------------------------------------------------


def check_key(order: PlatformOrder, key: PublicKey | None) -> None:
    key_id, signed = order.signature.key_id, order.signed_payload
    if key is None:
        raise NotAuthentic(f"key {key_id} is not published at /api/v1/keys/")
    if key.purpose != PurposeEnum.SIGNING or key.algorithm != "Ed25519":
        raise NotAuthentic(f"key {key_id} is not an Ed25519 signing key")
    if isinstance(key.revoked_at, datetime):
        raise NotAuthentic(f"key {key_id} was revoked at {key.revoked_at.isoformat()}")
    valid_until = key.valid_until if isinstance(key.valid_until, datetime) else None
    if signed.issued_at < key.valid_from or (valid_until and signed.issued_at > valid_until):
        raise NotAuthentic(f"key {key_id} was not valid at {signed.issued_at.isoformat()}")
    if bool(key.is_sandbox) != signed.sandbox:
        raise NotAuthentic("a sandbox key signed a real order, or the other way round")
    if key.jurisdiction != signed.issuing_state:
        raise NotAuthentic(f"key {key_id} does not belong to {signed.issuing_state}")


def check_signature(order: PlatformOrder, signed_payload: dict[str, Any], key: PublicKey) -> None:
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(key.public_key))
    try:
        public.verify(b64url_decode(order.signature.value), canonical_bytes(signed_payload))
    except (InvalidSignature, ValueError) as exc:
        raise NotAuthentic("the signature does not match the signed payload") from exc


def check_envelope(order: PlatformOrder) -> None:
    """The typed fields around ``signed_payload`` say what the signed document says."""
    signed = order.signed_payload
    same = {
        "reference": order.reference == signed.reference,
        "version": isinstance(order.version, Unset) or order.version == signed.version,
        "kind": order.kind == signed.kind,
        "sandbox": order.sandbox == signed.sandbox,
        "issuing_state": order.issuing_state == signed.issuing_state,
        "issuing_authority": order.issuing_authority == signed.issuing_authority.name,
        "supersedes": (order.supersedes or None) == signed.supersedes,
        "issued_at": order.issued_at == signed.issued_at,
        "removal_due_at": order.removal_due_at == signed.removal_due_at,
        "items": sorted((item.id, item.url) for item in order.items)
        == sorted((url.item, url.url) for url in signed.urls),
        "legal_basis": order.legal_basis == signed.legal_basis,
        "reasons": order.reasons == signed.reasons,
        "contact_point": order.contact_point == signed.contact_point,
        "preservation_instruction": (order.preservation_instruction or "")
        == signed.preservation_instruction,
        "note": (order.note or "") == signed.note,
    }
    differing = [name for name, equal in same.items() if not equal]
    if differing:
        raise NotAuthentic(f"the order differs from its signed payload in: {', '.join(differing)}")


def verify(order: PlatformOrder, signed_payload: dict[str, Any], keys: dict[str, PublicKey]) -> str:
    """Raises NotAuthentic, or returns a one-line description of the authentic order.
    ``signed_payload`` is the order's ``signed_payload`` as the API sent it."""
    key = keys.get(order.signature.key_id)
    check_key(order, key)
    check_signature(order, signed_payload, key)
    check_envelope(order)
    signed = order.signed_payload
    return (
        f"{signed.reference} v{signed.version} ({order.status}) issued by "
        f"{signed.issuing_authority.name} ({signed.issuing_state}), key {key.key_id}"
    )


# --- Command line ------------------------------------------------------------------------


def aware_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. ...T09:30:00Z")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify the signature of each of your orders.")
    parser.add_argument("--base-url", required=True, help="e.g. https://takedown.example.org")
    parser.add_argument("--api-key", required=True, help="your platform's API key")
    parser.add_argument(
        "--status",
        action="append",
        type=V1PlatformOrdersListStatusItem,
        help="only orders in this status (repeat for several)",
    )
    parser.add_argument(
        "--updated-since",
        type=aware_datetime,
        help="the changes feed: only orders changed after this time (with its offset)",
    )
    args = parser.parse_args(argv)
    client = AuthenticatedClient(base_url=args.base_url.rstrip("/"), token=args.api_key)
    outcome = VALID
    try:
        with client:
            keys = signing_keys(client)
            orders = list_orders(
                client,
                status=args.status or UNSET,
                updated_since=args.updated_since or UNSET,
            )
            for order, sent in orders:
                try:
                    print(f"VALID: {verify(order, sent['signed_payload'], keys)}")
                except NotAuthentic as exc:
                    print(f"NOT AUTHENTIC: {order.reference} (id {order.id}): {exc}")
                    outcome = INVALID
    except (ApiError, httpx.HTTPError, ValueError, KeyError) as exc:
        print(f"cannot check: {exc}", file=sys.stderr)
        return UNCHECKED
    return outcome


if __name__ == "__main__":
    sys.exit(main())

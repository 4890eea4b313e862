#!/usr/bin/env python3
"""Verify the signature of a Takedown removal order.

Needs only the ``cryptography`` package and the Python standard library (3.11+).

    # From files: the body of GET /api/v1/platform/orders/{id}/ and of GET /api/v1/keys/
    python verify_order.py ORDER.json KEYS.json

    # Or fetch both (the API key is sent only to the order endpoint; the keys are public)
    python verify_order.py --base-url https://takedown.example.org --api-key "$KEY" ORDER_ID

Exit status: 0 the order is authentic, 1 it is not, 2 it could not be checked (bad
arguments, unreadable file, network error).

What is checked:

1. the signing key named by ``signature.key_id`` is published, is an Ed25519 signing
   key, is not revoked, was valid when the order was issued, is a sandbox key exactly
   when the order is a sandbox order, and belongs to the order's issuing state;
2. the Ed25519 signature over the canonical JSON form of ``signed_payload`` (keys
   sorted, separators ``,`` and ``:``, no whitespace, UTF-8 without ``\\u`` escapes);
3. that the unsigned fields around ``signed_payload`` (reference, items, due time, ...)
   say the same as the signed document, so you can act on either.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

VALID, INVALID, UNCHECKED = 0, 1, 2


class NotAuthentic(Exception):
    """The order failed a check."""


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical_bytes(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


# --- Fetching ----------------------------------------------------------------------------


def get_json(url: str, api_key: str | None = None):
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ValueError(f"not an http(s) URL: {url}")
    headers = {"Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)


def fetch_keys(base_url: str, authority_id: int | None) -> list[dict]:
    """Every page of GET /api/v1/keys/ (signing keys of the issuing authority)."""
    query = {"purpose": "signing"}
    if authority_id is not None:
        query["authority"] = str(authority_id)
    url = f"{base_url}/api/v1/keys/?{urllib.parse.urlencode(query)}"
    keys: list[dict] = []
    while url:
        page = get_json(url)
        keys.extend(page["results"])
        url = page.get("next")
    return keys


def load_keys(data) -> list[dict]:
    """A saved GET /api/v1/keys/ body (one page, with ``results``) or a plain list."""
    return data["results"] if isinstance(data, dict) else list(data)


# --- Checking ----------------------------------------------------------------------------


def check_key(key: dict | None, key_id: str, payload: dict) -> None:
    if key is None:
        raise NotAuthentic(f"key {key_id} is not published at /api/v1/keys/")
    if key.get("purpose") != "signing" or key.get("algorithm") != "Ed25519":
        raise NotAuthentic(f"key {key_id} is not an Ed25519 signing key")
    if key.get("revoked_at"):
        raise NotAuthentic(f"key {key_id} was revoked at {key['revoked_at']}")
    issued_at = parse_time(payload["issued_at"])
    valid_from, valid_until = parse_time(key["valid_from"]), parse_time(key.get("valid_until"))
    if issued_at < valid_from or (valid_until is not None and issued_at > valid_until):
        raise NotAuthentic(f"key {key_id} was not valid at {payload['issued_at']}")
    if bool(key.get("is_sandbox")) != bool(payload.get("sandbox")):
        raise NotAuthentic("a sandbox key signed a real order, or the other way round")
    if key.get("jurisdiction") != payload.get("issuing_state"):
        raise NotAuthentic(f"key {key_id} does not belong to {payload.get('issuing_state')}")


def check_signature(order: dict, key: dict) -> None:
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(key["public_key"]))
    try:
        public.verify(
            b64url_decode(order["signature"]["value"]), canonical_bytes(order["signed_payload"])
        )
    except (InvalidSignature, ValueError) as exc:
        raise NotAuthentic("the signature does not match the signed payload") from exc


def check_envelope(order: dict) -> None:
    """The fields outside ``signed_payload`` must say what the signed document says."""
    signed = order["signed_payload"]
    same = {
        "reference": order["reference"] == signed["reference"],
        "version": order["version"] == signed["version"],
        "kind": order["kind"] == signed["kind"],
        "sandbox": order["sandbox"] == signed["sandbox"],
        "issuing_state": order["issuing_state"] == signed["issuing_state"],
        "supersedes": order["supersedes"] == signed["supersedes"],
        "issued_at": parse_time(order["issued_at"]) == parse_time(signed["issued_at"]),
        "removal_due_at": parse_time(order["removal_due_at"])
        == parse_time(signed["removal_due_at"]),
        "items": sorted((i["id"], i["url"]) for i in order["items"])
        == sorted((u["item"], u["url"]) for u in signed["urls"]),
    }
    for name in ("legal_basis", "reasons", "contact_point", "preservation_instruction", "note"):
        same[name] = order[name] == signed[name]
    differing = [name for name, equal in same.items() if not equal]
    if differing:
        raise NotAuthentic(f"the order differs from its signed payload in: {', '.join(differing)}")


def verify(order: dict, keys: list[dict]) -> str:
    """Raises NotAuthentic, or returns a one-line description of the valid order."""
    key_id = order["signature"]["key_id"]
    payload = order["signed_payload"]
    key = next((k for k in keys if k.get("key_id") == key_id), None)
    check_key(key, key_id, payload)
    check_signature(order, key)
    check_envelope(order)
    return (
        f"{payload['reference']} v{payload['version']} issued by "
        f"{payload['issuing_authority']['name']} ({payload['issuing_state']}), key {key_id}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Takedown order's signature.")
    parser.add_argument("order", help="ORDER.json, or the order id with --base-url")
    parser.add_argument("keys", nargs="?", help="KEYS.json (the body of GET /api/v1/keys/)")
    parser.add_argument("--base-url", help="e.g. https://takedown.example.org")
    parser.add_argument("--api-key", help="your platform's API key (to fetch the order)")
    args = parser.parse_args(argv)
    try:
        if args.base_url:
            base = args.base_url.rstrip("/")
            order = get_json(f"{base}/api/v1/platform/orders/{int(args.order)}/", args.api_key)
            keys = (
                load_keys(json.loads(Path(args.keys).read_text("utf-8")))
                if args.keys
                else fetch_keys(base, order["signed_payload"]["issuing_authority"]["id"])
            )
        elif args.keys:
            order = json.loads(Path(args.order).read_text("utf-8"))
            keys = load_keys(json.loads(Path(args.keys).read_text("utf-8")))
        else:
            parser.error("give ORDER.json and KEYS.json, or --base-url and the order id")
    except (OSError, ValueError, KeyError) as exc:  # urllib's errors are OSErrors
        print(f"cannot check: {exc}", file=sys.stderr)
        return UNCHECKED
    try:
        summary = verify(order, keys)
    except NotAuthentic as exc:
        print(f"NOT AUTHENTIC: {exc}")
        return INVALID
    except (KeyError, TypeError, ValueError) as exc:
        print(f"NOT AUTHENTIC: malformed order or key ({exc!r})")
        return INVALID
    print(f"VALID: {summary}")
    return VALID


if __name__ == "__main__":
    sys.exit(main())

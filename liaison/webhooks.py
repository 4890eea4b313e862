"""Which webhook receivers may be called at all: checked when an operator sets one and
again by the worker before each delivery."""

from __future__ import annotations

import base64
import ipaddress
import os
import socket
from urllib.parse import urlsplit

from django.conf import settings

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?"
# A receiver's address as the API takes it: http(s), a domain name or an IPv4 address,
# an optional port and path. Narrower than Django's URLField (which the model checks
# too), so what the API's schema states is exactly what it accepts.
WEBHOOK_URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://(?:(?:{_LABEL}\.)+[A-Za-z]{{2,63}}|{_OCTET}(?:\.{_OCTET}){{3}})"
    rf"{_PORT}(?:[/?#][\x21-\x7e]*)?$"
)


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes, base64."""
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def webhook_refusal(url: str) -> str | None:
    """Why the worker must not call this URL, or None. Receivers are set by operators,
    but a wrong or hostile entry must not turn the worker against the deployment's own
    network (cloud metadata, the database, admin ports)."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        return "Webhook URLs must use https."
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "The webhook URL has no host."
    allowed = settings.WEBHOOK_ALLOWED_HOSTS
    if allowed and not any(host == name or host.endswith(f".{name}") for name in allowed):
        return f"{host} is not in WEBHOOK_ALLOWED_HOSTS."
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return None
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return f"{host} does not resolve."
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not address.is_global:
            return f"{host} resolves to {address}, which is not a public address."
    return None

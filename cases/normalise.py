"""URL normalisation for cross-border de-duplication.

Two reports of the same resource should meet on one normalised form: scheme and host
case folded, default ports and trailing dots removed, IDN hosts as punycode, fragments
and known tracking parameters dropped, percent-encoding normalised, dot segments
resolved. ``www.`` is kept (it can be a different host) and parameter order is kept
(reordering could merge different resources). Pure functions, no Django.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import idna

MAX_URL_LENGTH = 4096
# A reported URL as the API's schema states it: http(s), nothing blank or control. (The
# host's validity — a domain name or an IP address — is for normalise_url to say.)
URL_PATTERN = r"[Hh][Tt][Tt][Pp][Ss]?://[^\x00-\x20\x7f]+"
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "_gl",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "__s",
    }
)
TRACKING_PREFIXES = ("utm_",)

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = frozenset("!$&'()*+,;=")
_PATH_SAFE = _UNRESERVED | _SUB_DELIMS | frozenset(":@/")
_QUERY_SAFE = _PATH_SAFE | frozenset("?")
_HEX = frozenset("0123456789abcdefABCDEF")
_HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class InvalidURL(ValueError):
    """The text is not an http(s) URL we can route; the message says why."""


@dataclass(frozen=True)
class NormalisedURL:
    url: str
    host: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.url.encode()).hexdigest()


def _normalise_escapes(text: str, safe: frozenset[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%" and i + 2 < len(text) and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if char in safe:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    output: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    result = "/" + "/".join(output)
    if path.endswith(("/.", "/..")) and not result.endswith("/"):
        result += "/"
    return result


@lru_cache(maxsize=4096)  # a bulk file names few hosts many times; IDNA is the slow part
def _normalise_host(raw: str, *, bracketed: bool = False) -> str:
    host = raw.strip()
    if not host.isascii():  # map first (U+3002 and kin become "."), then drop trailing dots
        try:
            host = idna.uts46_remap(host, std3_rules=False, transitional=False)
        except (idna.IDNAError, UnicodeError) as exc:
            raise InvalidURL(f"The host {raw!r} is not a valid domain name.") from exc
    host = host.rstrip(".").lower()
    if not host:
        raise InvalidURL("The URL has no host.")
    if bracketed or ":" in host:  # urlsplit's hostname drops the brackets of an IPv6 literal
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError as exc:
            raise InvalidURL("The URL's IPv6 host is not valid.") from exc
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        pass
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise InvalidURL(f"The host {raw!r} is not a valid domain name.") from exc
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        raise InvalidURL(f"The host {raw!r} is not a valid domain name.")
    return ascii_host


def _is_tracking(parameter: str) -> bool:
    name = parameter.split("=", 1)[0].lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def normalise_url(text: str) -> NormalisedURL:
    text = text.strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidURL("The URL is not valid Unicode text.") from exc
    if not text:
        raise InvalidURL("The URL is empty.")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(ord(c) < 0x20 or c == "\x7f" for c in text):
        raise InvalidURL("The URL contains control characters.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"The URL cannot be parsed: {exc}.") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL("Only http and https URLs can be reported.")
    bracketed = parts.netloc.rpartition("@")[2].startswith("[")
    host = _normalise_host(parts.hostname or "", bracketed=bracketed)
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _remove_dot_segments(_normalise_escapes(parts.path or "/", _PATH_SAFE))
    parameters = (_normalise_escapes(p, _QUERY_SAFE) for p in parts.query.split("&") if p)
    query_parts = [p for p in parameters if not _is_tracking(p)]
    query = "&".join(query_parts)
    url = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    if len(url) > MAX_URL_LENGTH:  # escaping grows a URL; keep normalise(normalise(u)) valid
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters once normalised.")
    return NormalisedURL(url=url, host=host.strip("[]"))

"""Address normalisation for cross-border de-duplication.

Two reports of the same resource should meet on one normalised form: scheme and host
case folded, default ports and trailing dots removed, IDN hosts as punycode, fragments
and known tracking parameters dropped, percent-encoding normalised, dot segments
resolved. ``www.`` is kept (it can be a different host) and parameter order is kept
(reordering could merge different resources).

Hosting that hides has one form each, whatever way it was written:

- IPFS content (``ipfs://CID``, a gateway's ``https://gw/ipfs/CID/…`` or
  ``https://CID.ipfs.gw/…``) is ``ipfs://<CIDv1 in base32>/<path>``: CIDv0 and CIDv1
  of the same content, through any gateway, are one item. ``ipns://`` names likewise.
- Onion services are v3 addresses (56 characters, checksum and version checked).
- Magnet links are their BitTorrent info-hash: ``magnet:?xt=urn:btih:<40 hex>`` (v1)
  or ``magnet:?xt=urn:btmh:1220<64 hex>`` (v2); names and trackers are dropped.

Pure functions, no Django.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

import idna

MAX_URL_LENGTH = 4096
# A reported URL as the API's schema states it: http(s), nothing blank or control. (The
# host's validity — a domain name or an IP address — is for normalise_url to say.)
URL_PATTERN = (
    r"(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ii][Pp][FfNn][Ss]://|[Mm][Aa][Gg][Nn][Ee][Tt]:\?)"
    r"[^\x00-\x20\x7f]+"
)
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


WEB, IPFS, ONION, TORRENT = "web", "ipfs", "onion", "torrent"  # cases.choices.Network


@dataclass(frozen=True)
class NormalisedURL:
    url: str
    host: str  # where it is served from, for routing ("" where nobody serves it)
    network: str = WEB

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
    """Any reportable address in its one form (see the module's docstring)."""
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
    if scheme == "magnet":
        return _normalise_magnet(parts.query)
    if scheme in ("ipfs", "ipns"):
        return _content_address(scheme, parts.netloc, parts.path, gateway="")
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(
            "Only http(s) URLs, ipfs:// and ipns:// addresses and magnet links can be reported."
        )
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
    if host == "onion" or host.endswith(".onion"):
        _check_onion(host)
        return NormalisedURL(url=url, host=host, network=ONION)
    if gateway := _through_gateway(host, path):
        return gateway
    return NormalisedURL(url=url, host=host.strip("[]"))


# --- Onion services ----------------------------------------------------------------------


def _check_onion(host: str) -> None:
    """A v3 address: base32 of public key (32 bytes), checksum (2) and version (3)."""
    label = host.removesuffix(".onion").rpartition(".")[2]
    if len(label) == 16:
        raise InvalidURL("v2 onion addresses (16 characters) no longer exist; v3 ones have 56.")
    try:
        raw = base64.b32decode(label.upper()) if len(label) == 56 else b""
    except ValueError:
        raw = b""
    if len(raw) != 35 or raw[34] != 3:
        raise InvalidURL(f"{host} is not a valid v3 onion address.")
    key, checksum = raw[:32], raw[32:34]
    if hashlib.sha3_256(b".onion checksum" + key + b"\x03").digest()[:2] != checksum:
        raise InvalidURL(f"{host} is not a valid v3 onion address (its checksum is wrong).")


# --- IPFS: content identifiers -----------------------------------------------------------

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
DAG_PB, LIBP2P_KEY = 0x70, 0x72


def _decode_base(text: str, alphabet: str) -> bytes:
    number = 0
    for char in text:
        digit = alphabet.find(char)
        if digit < 0:
            raise ValueError(char)
        number = number * len(alphabet) + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    zeros = len(text) - len(text.lstrip(alphabet[0]))  # leading zero digits are zero bytes
    return b"\0" * zeros + body


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while at < len(data) and shift < 63:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if not byte & 0x80:
            return value, at
        shift += 7
    raise ValueError("varint")


def _multihash_end(data: bytes, at: int) -> int:
    _code, at = _varint(data, at)
    length, at = _varint(data, at)
    if length == 0 or at + length != len(data):
        raise ValueError("multihash length")
    return at + length


def _cid_bytes(text: str) -> bytes:
    """A CID's binary form (version 1): CIDv0 ("Qm…", base58) becomes dag-pb CIDv1."""
    if len(text) == 46 and text.startswith("Qm"):
        multihash = _decode_base(text, _BASE58)
        _multihash_end(multihash, 0)
        return bytes([1, DAG_PB]) + multihash
    prefix, body = text[:1], text[1:]
    if prefix in ("b", "B"):
        data = base64.b32decode(body.upper() + "=" * (-len(body) % 8))
    elif prefix == "z":
        data = _decode_base(body, _BASE58)
    elif prefix in ("f", "F"):
        data = bytes.fromhex(body)
    elif prefix == "k":
        data = _decode_base(body, _BASE36)
    else:
        raise ValueError("multibase")
    version, at = _varint(data, 0)
    if version != 1:
        raise ValueError("version")
    _codec, at = _varint(data, at)
    _multihash_end(data, at)
    return data


def canonical_cid(text: str) -> str:
    """A CID as CIDv1 in base32 (lower case, no padding): every spelling of one CID."""
    try:
        data = _cid_bytes(text)
    except ValueError as exc:
        raise InvalidURL(f"{text!r} is not a valid IPFS content identifier (CID).") from exc
    return "b" + base64.b32encode(data).decode().lower().rstrip("=")


def _ipns_name(text: str) -> str:
    """An IPNS name: a key (a peer ID in base58, or a CID) or a DNSLink domain. A peer
    ID ("Qm…", "12D3Koo…") is a libp2p-key CID, as its CID spelling ("k51…") is."""
    if text.startswith(("Qm", "1")):
        try:
            multihash = _decode_base(text, _BASE58)
            _multihash_end(multihash, 0)
        except ValueError:
            pass
        else:
            raw = bytes([1, LIBP2P_KEY]) + multihash
            return "b" + base64.b32encode(raw).decode().lower().rstrip("=")
    try:
        return canonical_cid(text)
    except InvalidURL:
        pass
    return _normalise_host(text)


def _content_address(kind: str, name: str, path: str, *, gateway: str) -> NormalisedURL:
    """``ipfs://<cid>/<path>`` or ``ipns://<name>/<path>``, served from ``gateway``."""
    if not name:
        raise InvalidURL(f"An {kind}:// address names its content.")
    root = canonical_cid(name) if kind == "ipfs" else _ipns_name(name)
    rest = _remove_dot_segments(_normalise_escapes(path or "/", _PATH_SAFE)).rstrip("/")
    return NormalisedURL(url=f"{kind}://{root}{rest}", host=gateway, network=IPFS)


def _through_gateway(host: str, path: str) -> NormalisedURL | None:
    """An IPFS gateway's URL, path form (``/ipfs/CID/…``) or subdomain form
    (``CID.ipfs.gateway/…``), as the content it serves; None for any other URL."""
    for kind in ("ipfs", "ipns"):
        if path.startswith(f"/{kind}/"):
            name, _slash, rest = path[len(kind) + 2 :].partition("/")
            try:
                return _content_address(kind, name, "/" + rest, gateway=host)
            except InvalidURL:
                return None  # /ipfs/ on a site that is not a gateway
        label, _dot, after = host.partition(".")
        if after.startswith(f"{kind}.") and after.count(".") >= 2:  # CID.ipfs.gw.example
            try:
                return _content_address(kind, label, path, gateway=after[len(kind) + 1 :])
            except InvalidURL:
                return None
    return None


# --- BitTorrent --------------------------------------------------------------------------

_BTIH_HEX = re.compile(r"^[0-9a-fA-F]{40}$")
_BTIH_BASE32 = re.compile(r"^[A-Za-z2-7]{32}$")
_BTMH = re.compile(r"^1220[0-9a-fA-F]{64}$")  # SHA-256 multihash


def _normalise_magnet(query: str) -> NormalisedURL:
    """A magnet link as the info-hash it names: v1 if it has one, else v2."""
    v1 = v2 = ""
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() != "xt":
            continue
        urn = value.strip()
        if urn.lower().startswith("urn:btih:"):
            digest = urn[9:]
            if _BTIH_HEX.match(digest):
                v1 = digest.lower()
            elif _BTIH_BASE32.match(digest):
                v1 = base64.b32decode(digest.upper()).hex()
            else:
                raise InvalidURL("A v1 info-hash is 40 hexadecimal or 32 base32 characters.")
        elif urn.lower().startswith("urn:btmh:"):
            if not _BTMH.match(urn[9:]):
                raise InvalidURL("A v2 info-hash is 1220 followed by 64 hexadecimal digits.")
            v2 = urn[9:].lower()
    if v1:
        return NormalisedURL(url=f"magnet:?xt=urn:btih:{v1}", host="", network=TORRENT)
    if v2:
        return NormalisedURL(url=f"magnet:?xt=urn:btmh:{v2}", host="", network=TORRENT)
    raise InvalidURL("A magnet link names its BitTorrent info-hash (xt=urn:btih:… or urn:btmh:…).")

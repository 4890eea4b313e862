"""Standalone offline verifier of a sealed evidence export.

A receiving country checks a package with nothing but Python 3.11+, the
``cryptography`` package, this one file and the issuing authority's public key::

    python -m evidence.verify PACKAGE.zip --trusted-key ISSUER.pub [--key RECEIVER.key]
    python verify.py PACKAGE.zip --trusted-key ISSUER.pub     # the file also runs alone

It imports nothing of Django or the project, never writes anything to disk (members
are streamed from the archive), prints one PASS / FAIL / UNVERIFIED line per check and
exits 0 only when every check passes; 1 when any fails; 2 on a usage error (bad
arguments, unreadable key file). ``--allow-unverified-content`` accepts encrypted files
whose digests could not be checked because no ``--key`` was given. ``verify_package()``
gives the same report to a program.

The exporter builds packages with the helpers below (``canonical_json``,
``custody_event_hash``, ``link_custody``, ``sign_manifest``, ``ReceiverEncryptor``,
``key_text``), so the producing and the checking side share one implementation.

Export format, version 1
------------------------
A zip archive (members stored or deflated, no zip encryption, no symlinks; store the
``files/`` members with ``ZIP_STORED``: evidence is mostly already compressed or
encrypted, and a stored member never trips the compression-ratio limit) holding exactly:

``manifest.json``, ``signature.json``, ``custody.json``, ``encryption.json`` (only when
a file is encrypted), and one ``files/<name>`` member per manifest file (names may have
sub-folders under ``files/``; no other entry but an optional ``files/`` folder entry).

JSON documents are UTF-8 with no duplicate keys and no floating-point numbers (strings,
integers, booleans, null, arrays, objects), so their canonical form is the same in every
language. Canonical JSON is ``json.dumps(value, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` encoded as UTF-8 (``canonical_json``). Timestamps are strings,
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC (``utc_timestamp``). Binary values are
base64url, padding optional.

``manifest.json``::

    {"format": "takedown-evidence-export", "version": 1,
     "reference": "EP-2026-000042",
     "issuing_authority": {"name": "...", "jurisdiction": "DE", ...},
     "key_id": "<id of the Ed25519 key that signed>",
     "created_at": "2026-05-01T12:00:00.000000Z",
     "template": {"collection_method": "...", "source_url": "...", ...},
     "files": [{"path": "files/capture-1.png", "size": 123456,
                "sha256": "<lowercase hex of the PLAINTEXT>", "encrypted": true}, ...],
     "custody_head": "<hash of the last custody event>",
     "minimised": {"removed": ["hosting_ip"], "pseudonymised": ["provenance"]}}

``minimised`` lists the template fields removed or pseudonymised for a data-minimised
export (both lists empty otherwise); a removed field must not appear in ``template``.
Other keys may be added; the signature covers them.

``signature.json``: ``{"key_id": "<same as the manifest>", "algorithm": "Ed25519",
"signature": "<base64url Ed25519 signature of canonical_json(manifest)>"}`` where
``manifest`` is the parsed content of manifest.json (``sign_manifest``).

``custody.json``: the package's whole chain of custody, oldest first, a list of
``{"sequence": 1, "action": "collected", "actor": "...", "occurred_at": "...",
"reason": "...", "item_digest": "<sha256 hex or empty>", "details": {...},
"prev_hash": "...", "hash": "..."}``. Sequences run 1, 2, 3, ...; the first
``prev_hash`` is 64 zeros and each later one is the previous event's ``hash``;
``hash = sha256_hex(prev_hash + "\\n" + canonical JSON of the event without prev_hash
and hash)`` (``custody_event_hash``; extra keys are covered too). The manifest's
``custody_head`` is the last event's hash, so the signature covers the whole chain.

``encryption.json`` (files encrypted to the receiving authority's X25519 key)::

    {"scheme": "X25519-HKDF-SHA256-AES-256-GCM", "version": 1,
     "recipient_key_id": "<receiver's key id, or null>",
     "recipient_public_key": "<base64url raw 32 bytes>",
     "ephemeral_public_key": "<base64url raw 32 bytes, fresh for this export>",
     "files": {"files/capture-1.png": {"nonce": "<base64url 12 random bytes>"}, ...}}

The file key is ``HKDF-SHA256(ikm = X25519(ephemeral private, recipient public),
salt = ephemeral_public || recipient_public, info = b"takedown-evidence-export-v1" +
reference as UTF-8, length = 32)``; each encrypted member is ``AES-256-GCM(key, nonce,
plaintext, associated data = the member's path as UTF-8)``, i.e. ciphertext followed by
the 16-byte tag, so its size is the plaintext size + 16 (at most 64 GiB per file).
The manifest's sizes and digests are of the plaintext, so encryption.json needs no
signature: altering it can only make the files fail to decrypt.

Key files are text: the base64url of the raw 32-byte key (as published at
``/api/v1/keys/``), surrounding whitespace ignored. ``--trusted-key`` is the issuer's
Ed25519 public key; ``--key`` the receiver's X25519 private key (``key_text`` writes
either).

Safety: entry names that are absolute, contain ``..``, ``.``, empty segments,
backslashes, drive letters or control characters, duplicate names (also ignoring case),
symlinks, more than ``max_entries`` entries, more than ``max_total_size`` uncompressed
bytes (4 GiB by default) and members above 1 MiB compressed more than 100:1 are refused
before any member is read.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import stat
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

FORMAT = "takedown-evidence-export"
FORMAT_VERSION = 1
ENCRYPTION_SCHEME = "X25519-HKDF-SHA256-AES-256-GCM"
HKDF_INFO = b"takedown-evidence-export-v1"
GENESIS_HASH = "0" * 64
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
CUSTODY = "custody.json"
ENCRYPTION = "encryption.json"
FILES_DIR = "files/"
NONCE_SIZE = 12
TAG_SIZE = 16
_BLOCK = 1024 * 1024
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DRIVE = re.compile(r"[A-Za-z]:")
_CUSTODY_FIELDS: dict[str, type | tuple[type, ...]] = {
    "sequence": int,
    "action": str,
    "actor": str,
    "occurred_at": str,
    "reason": str,
    "item_digest": str,
    "details": dict,
    "prev_hash": str,
    "hash": str,
}

Status = Literal["PASS", "FAIL", "UNVERIFIED"]


# --- shared helpers (the exporter imports these) -------------------------------------


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64d(text: str) -> bytes:
    """Strict base64url, padding optional."""
    text = text.strip()
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def canonical_json(value: Any) -> bytes:
    """The one serialisation that is hashed and signed."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def utc_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def custody_event_hash(event: Mapping[str, Any], *, prev_hash: str) -> str:
    """The hash of one custody event: it covers the previous hash and every other key."""
    body = {key: value for key, value in event.items() if key not in ("prev_hash", "hash")}
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical_json(body)).hexdigest()


def link_custody(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Events (oldest first) with their ``prev_hash`` and ``hash`` filled in."""
    linked: list[dict[str, Any]] = []
    prev_hash = GENESIS_HASH
    for event in events:
        entry = {key: value for key, value in event.items() if key not in ("prev_hash", "hash")}
        entry["prev_hash"] = prev_hash
        entry["hash"] = prev_hash = custody_event_hash(entry, prev_hash=prev_hash)
        linked.append(entry)
    return linked


def sign_manifest(
    manifest: Mapping[str, Any], *, private_key: Ed25519PrivateKey, key_id: str
) -> dict[str, str]:
    """The content of ``signature.json``."""
    signature = private_key.sign(canonical_json(manifest))
    return {"key_id": key_id, "algorithm": "Ed25519", "signature": b64e(signature)}


def _raw(key: X25519PublicKey | X25519PrivateKey | Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    if isinstance(key, X25519PrivateKey | Ed25519PrivateKey):
        return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_text(key: X25519PublicKey | X25519PrivateKey | Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """A key file's content: base64url of the raw key and a newline."""
    return b64e(_raw(key)) + "\n"


def _key_bytes(path: str | os.PathLike[str]) -> bytes:
    raw = b64d(Path(path).read_text(encoding="ascii"))
    if len(raw) != 32:
        raise ValueError(f"{path}: a key file holds base64url of 32 raw bytes.")
    return raw


def load_trusted_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_key_bytes(path))


def load_receiver_key(path: str | os.PathLike[str]) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_key_bytes(path))


def _export_key(shared: bytes, ephemeral: bytes, recipient: bytes, reference: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral + recipient,
        info=HKDF_INFO + reference.encode("utf-8"),
    ).derive(shared)


class ReceiverEncryptor:
    """Encrypts one export's files to the receiving authority's X25519 key.

    One instance per export: it holds a fresh ephemeral key, so the derived file key is
    never reused across exports. Call ``encrypt_file`` per member, then write
    ``document()`` as ``encryption.json``.
    """

    def __init__(
        self,
        recipient_public_key: X25519PublicKey | bytes,
        *,
        reference: str,
        recipient_key_id: str | None = None,
    ) -> None:
        if isinstance(recipient_public_key, bytes):
            recipient_public_key = X25519PublicKey.from_public_bytes(recipient_public_key)
        ephemeral = X25519PrivateKey.generate()
        self._recipient = _raw(recipient_public_key)
        self._ephemeral = _raw(ephemeral.public_key())
        self._recipient_key_id = recipient_key_id
        self._key = _export_key(
            ephemeral.exchange(recipient_public_key), self._ephemeral, self._recipient, reference
        )
        self._nonces: dict[str, bytes] = {}

    def encrypt_file(self, path: str, plaintext: Iterable[bytes]) -> Iterator[bytes]:
        """Ciphertext of one member, streamed; the 16-byte tag comes last."""
        problem = _unsafe_name(path)
        if problem or not path.startswith(FILES_DIR) or path.endswith("/"):
            raise ValueError(f"Not a valid member path {path!r}: {problem or 'not a file'}.")
        if path in self._nonces:
            raise ValueError(f"{path!r} is already encrypted in this export.")
        nonce = self._nonces[path] = os.urandom(NONCE_SIZE)
        encryptor = Cipher(algorithms.AES(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(path.encode("utf-8"))

        def chunks() -> Iterator[bytes]:
            for block in plaintext:
                if out := encryptor.update(block):
                    yield out
            yield encryptor.finalize() + encryptor.tag

        return chunks()

    def encrypt(self, path: str, plaintext: bytes) -> bytes:
        return b"".join(self.encrypt_file(path, [plaintext]))

    def document(self) -> dict[str, Any]:
        """The content of ``encryption.json``."""
        return {
            "scheme": ENCRYPTION_SCHEME,
            "version": FORMAT_VERSION,
            "recipient_key_id": self._recipient_key_id,
            "recipient_public_key": b64e(self._recipient),
            "ephemeral_public_key": b64e(self._ephemeral),
            "files": {path: {"nonce": b64e(nonce)} for path, nonce in self._nonces.items()},
        }


# --- the report ----------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str


@dataclass
class Report:
    allow_unverified: bool = False
    reference: str | None = None
    authority: str | None = None
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, status: Status, detail: str) -> None:
        self.checks.append(Check(name, status, detail))

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "FAIL"]

    @property
    def unverified(self) -> list[Check]:
        return [c for c in self.checks if c.status == "UNVERIFIED"]

    @property
    def ok(self) -> bool:
        return (
            bool(self.checks)
            and not self.failures
            and (self.allow_unverified or not self.unverified)
        )

    def render(self) -> str:
        lines = [
            f"Evidence package {_printable(self.reference or '?')}"
            f" issued by {_printable(self.authority or '?')} (as the manifest states)"
        ]
        width = max(len(c.name) for c in self.checks) if self.checks else 0
        lines += [
            f"  {c.status:<10}  {_printable(c.name):<{width}}  {_printable(c.detail)}"
            for c in self.checks
        ]
        if self.ok and not self.unverified:
            lines.append("VERDICT: VERIFIED - every check passed.")
        elif self.ok:
            lines.append(
                f"VERDICT: VERIFIED EXCEPT CONTENT - {len(self.unverified)} check(s) could "
                "not be made (accepted with --allow-unverified-content)."
            )
        else:
            bad = self.failures + ([] if self.allow_unverified else self.unverified)
            names = ", ".join(_printable(c.name) for c in bad) or "nothing was checked"
            lines.append(f"VERDICT: NOT VERIFIED - {len(bad)} check(s) did not pass: {names}.")
        return "\n".join(lines)


def _printable(text: str) -> str:
    """Untrusted text from the package must not drive the terminal."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


# --- verification --------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    max_entries: int = 10_000
    max_total_size: int = 4 * 1024**3
    max_ratio: int = 100
    ratio_min_size: int = 1024 * 1024
    max_json_size: int = 64 * 1024 * 1024


class _Invalid(Exception):
    """A document or member that fails its check; the message is the reason."""


@dataclass(frozen=True)
class _FileEntry:
    path: str
    size: int
    sha256: str
    encrypted: bool


def _unsafe_name(name: str) -> str | None:
    if not name:
        return "empty name"
    if any(not ch.isprintable() for ch in name):
        return "control character in name"
    if "\\" in name:
        return "backslash in name"
    if name.startswith("/"):
        return "absolute path"
    if _DRIVE.match(name):
        return "drive letter"
    parts = name.split("/")
    if name.endswith("/"):
        parts = parts[:-1]
    if ".." in parts:
        return "parent-directory segment '..'"
    if "." in parts or "" in parts:
        return "empty or '.' segment"
    return None


def _check_archive(zf: zipfile.ZipFile, limits: Limits) -> list[str]:
    """Every reason to refuse the archive before reading any member."""
    infos = zf.infolist()
    problems: list[str] = []
    if len(infos) > limits.max_entries:
        return [f"{len(infos)} entries, more than the limit of {limits.max_entries}"]
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.orig_filename
        shown = repr(name)
        if problem := _unsafe_name(name):
            problems.append(f"unsafe entry name {shown}: {problem}")
        elif info.filename != name:
            problems.append(f"unsafe entry name {shown}: altered when read")
        if name.lower() in seen:
            problems.append(f"duplicate entry name {shown}")
        seen.add(name.lower())
        if info.flag_bits & 0x41:  # traditional or strong encryption
            problems.append(f"entry {shown} uses zip encryption")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(f"entry {shown} uses an unsupported compression method")
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(f"entry {shown} is a symbolic link")
        if info.file_size > limits.ratio_min_size:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                problems.append(
                    f"entry {shown} expands {ratio:.0f}:1 (compression ratio above "
                    f"{limits.max_ratio}:1): zip bomb"
                )
        total += info.file_size
    if total > limits.max_total_size:
        problems.append(
            f"{total} bytes uncompressed, more than the limit of {limits.max_total_size}"
        )
    return problems


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Invalid(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> Any:
    raise _Invalid(f"floating-point number {text} (not allowed: not canonical)")


def _read_json(zf: zipfile.ZipFile, name: str, limits: Limits) -> Any:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise _Invalid(f"{name} is missing") from None
    if info.file_size > limits.max_json_size:
        raise _Invalid(f"{name} is larger than {limits.max_json_size} bytes")
    try:
        # Read no more than the declared size allows: zipfile's read() of a whole member
        # inflates in one step of up to 2 GiB, whatever the header declared, so a member
        # that lies about its size would take that memory before the CRC check fails.
        # (Read this way it stops at the declared size, and the CRC check refuses it.)
        with zf.open(info) as member:
            raw = member.read(info.file_size)
        value = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_float=_no_float,
            parse_constant=_no_float,
        )
        canonical_json(value)  # a lone surrogate parses but cannot be hashed or signed
    except _Invalid as exc:
        raise _Invalid(f"{name}: {exc}") from None
    except (ValueError, RecursionError, NotImplementedError, *_ZIP_ERRORS) as exc:
        raise _Invalid(f"{name} is not readable JSON: {exc}") from None
    return value


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Invalid(message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _parse_manifest(manifest: Any) -> list[_FileEntry]:
    _require(isinstance(manifest, dict), "manifest.json is not an object")
    _require(manifest.get("format") == FORMAT, f"format is not {FORMAT!r}")
    _require(manifest.get("version") == FORMAT_VERSION, f"version is not {FORMAT_VERSION}")
    for key in ("reference", "key_id", "created_at"):
        _require(isinstance(manifest.get(key), str) and manifest[key], f"{key} missing")
    authority = manifest.get("issuing_authority")
    _require(
        isinstance(authority, dict)
        and isinstance(authority.get("name"), str)
        and isinstance(authority.get("jurisdiction"), str),
        "issuing_authority needs a name and a jurisdiction",
    )
    template = manifest.get("template")
    _require(isinstance(template, dict), "template is not an object")
    head = manifest.get("custody_head")
    _require(isinstance(head, str) and bool(_HEX64.fullmatch(head)), "custody_head invalid")
    minimised = manifest.get("minimised")
    _require(
        isinstance(minimised, dict)
        and _string_list(minimised.get("removed"))
        and _string_list(minimised.get("pseudonymised")),
        "minimised needs 'removed' and 'pseudonymised' lists",
    )
    leaked = [name for name in minimised["removed"] if template.get(name) is not None]
    _require(not leaked, f"fields listed as removed are present: {', '.join(leaked)}")
    files = manifest.get("files")
    _require(isinstance(files, list), "files is not a list")
    entries: list[_FileEntry] = []
    for position, item in enumerate(files, 1):
        _require(isinstance(item, dict), f"file {position} is not an object")
        path, size, digest = item.get("path"), item.get("size"), item.get("sha256")
        _require(isinstance(path, str), f"file {position} has no path")
        problem = _unsafe_name(path) or (
            None if path.startswith(FILES_DIR) and not path.endswith("/") else "not under files/"
        )
        _require(problem is None, f"file path {path!r}: {problem}")
        _require(_is_int(size) and size >= 0, f"{path}: size invalid")
        _require(isinstance(digest, str) and bool(_HEX64.fullmatch(digest)), f"{path}: sha256")
        _require(isinstance(item.get("encrypted"), bool), f"{path}: encrypted flag invalid")
        _require(all(e.path != path for e in entries), f"{path} listed twice")
        entries.append(_FileEntry(path, size, digest, item["encrypted"]))
    return entries


def _check_signature(manifest: Any, signature: Any, trusted_key: Ed25519PublicKey) -> str:
    _require(isinstance(signature, dict), "signature.json is not an object")
    _require(signature.get("algorithm") == "Ed25519", "algorithm is not Ed25519")
    key_id = signature.get("key_id")
    manifest_key_id = manifest.get("key_id") if isinstance(manifest, dict) else None
    _require(
        isinstance(key_id, str) and key_id == manifest_key_id,
        f"key id {key_id!r} differs from the manifest's {manifest_key_id!r}",
    )
    _require(isinstance(signature.get("signature"), str), "signature missing")
    try:
        raw = b64d(signature["signature"])
        trusted_key.verify(raw, canonical_json(manifest))
    except (InvalidSignature, ValueError, binascii.Error, TypeError):
        raise _Invalid(
            "the manifest's Ed25519 signature does not verify against the trusted key: "
            "the manifest was altered, or it was signed by another key"
        ) from None
    return f"Ed25519 signature by key {key_id} verifies against the trusted key"


def _check_custody(events: Any, head: str) -> str:
    _require(isinstance(events, list) and events, "custody.json is not a non-empty list")
    prev_hash = GENESIS_HASH
    for position, event in enumerate(events, 1):
        where = f"event {position}"
        _require(isinstance(event, dict), f"{where} is not an object")
        where = f"event {position} ({_printable(str(event.get('action', '?')))})"
        for key, kind in _CUSTODY_FIELDS.items():
            value = event.get(key)
            _require(
                isinstance(value, kind) and not isinstance(value, bool),
                f"{where}: field {key!r} missing or of the wrong type",
            )
        _require(
            event["sequence"] == position,
            f"{where}: sequence {event['sequence']}, expected {position} (events missing or "
            "reordered)",
        )
        _require(
            event["prev_hash"] == prev_hash,
            f"{where}: prev_hash does not link to the previous event (chain broken)",
        )
        expected = custody_event_hash(event, prev_hash=prev_hash)
        _require(
            event["hash"] == expected,
            f"{where}: hash does not match its content (event altered)",
        )
        prev_hash = expected
    _require(
        prev_hash == head,
        f"chain head {prev_hash} differs from the manifest's custody_head {head} "
        "(events added or removed)",
    )
    return f"{len(events)} events, every hash recomputed, head matches the manifest"


def _receiver_file_key(
    document: Any, entries: list[_FileEntry], receiver_key: X25519PrivateKey, reference: str
) -> tuple[bytes, dict[str, bytes]]:
    _require(isinstance(document, dict), "encryption.json is not an object")
    _require(document.get("scheme") == ENCRYPTION_SCHEME, "unknown encryption scheme")
    _require(document.get("version") == FORMAT_VERSION, "unknown encryption version")
    _require(isinstance(document.get("recipient_key_id"), str | None), "recipient_key_id invalid")
    try:
        recipient = b64d(document.get("recipient_public_key") or "")
        ephemeral = X25519PublicKey.from_public_bytes(
            b64d(document.get("ephemeral_public_key") or "")
        )
        files = document.get("files")
        _require(isinstance(files, dict), "encryption.json has no files")
        nonces = {path: b64d(files[path]["nonce"]) for path in files}
    except (ValueError, binascii.Error, TypeError, KeyError, AttributeError):
        raise _Invalid("encryption.json has malformed keys or nonces") from None
    mine = _raw(receiver_key.public_key())
    _require(
        recipient == mine,
        "the files are encrypted for another receiver key "
        f"({document.get('recipient_key_id') or 'unnamed'}), not for --key",
    )
    for entry in entries:
        if entry.encrypted:
            nonce = nonces.get(entry.path)
            _require(nonce is not None and len(nonce) == NONCE_SIZE, f"no nonce for {entry.path}")
    try:
        shared = receiver_key.exchange(ephemeral)
    except ValueError:
        raise _Invalid("the ephemeral public key is invalid") from None
    return _export_key(shared, _raw(ephemeral), mine, reference), nonces


def _plaintext(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with zf.open(info) as member:
        while block := member.read(_BLOCK):
            yield block


def _decrypted(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, key: bytes, nonce: bytes
) -> Iterator[bytes]:
    """Plaintext of an encrypted member; the GCM tag (the last 16 bytes) is checked at
    the end, so nothing read here counts until the iterator is exhausted."""
    _require(info.file_size >= TAG_SIZE, "too short to be an encrypted member")
    decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).decryptor()
    decryptor.authenticate_additional_data(info.filename.encode("utf-8"))
    with zf.open(info) as member:
        remaining = info.file_size - TAG_SIZE
        while remaining:
            block = member.read(min(_BLOCK, remaining))
            _require(bool(block), "member is cut short")
            remaining -= len(block)
            yield decryptor.update(block)
        tag = member.read(TAG_SIZE)
        _require(len(tag) == TAG_SIZE, "member is cut short")
    try:
        yield decryptor.finalize_with_tag(tag)
    except InvalidTag:
        raise _Invalid("does not decrypt with the receiver key: the file was altered") from None


def _check_file(
    zf: zipfile.ZipFile, entry: _FileEntry, key: bytes | None, nonce: bytes | None
) -> str:
    info = zf.getinfo(entry.path)
    if entry.encrypted:
        _require(
            info.file_size == entry.size + TAG_SIZE,
            f"encrypted size {info.file_size} does not fit the manifest's {entry.size} bytes",
        )
        assert key is not None and nonce is not None
        blocks = _decrypted(zf, info, key, nonce)
    else:
        blocks = _plaintext(zf, info)
    digest = hashlib.sha256()
    size = 0
    try:
        for block in blocks:
            digest.update(block)
            size += len(block)
    except (NotImplementedError, *_ZIP_ERRORS) as exc:
        raise _Invalid(f"unreadable in the archive: {exc}") from None
    _require(size == entry.size, f"{size} bytes, the manifest says {entry.size}")
    _require(
        digest.hexdigest() == entry.sha256,
        f"SHA-256 mismatch: the manifest says {entry.sha256}, the content is "
        f"{digest.hexdigest()} (the file was altered)",
    )
    how = "decrypted, " if entry.encrypted else ""
    return f"{how}{size} bytes, SHA-256 matches the manifest"


def verify_package(
    path: str | os.PathLike[str] | IO[bytes],
    trusted_key: Ed25519PublicKey,
    receiver_key: X25519PrivateKey | None = None,
    *,
    allow_unverified_content: bool = False,
    limits: Limits | None = None,
) -> Report:
    """Checks one sealed export; ``Report.ok`` is the verdict."""
    limits = limits or Limits()
    report = Report(allow_unverified=allow_unverified_content)
    try:
        zf = zipfile.ZipFile(path)
    except (ValueError, NotImplementedError, *_ZIP_ERRORS) as exc:
        report.add("archive", "FAIL", f"not a readable zip archive: {exc}")
        return report
    with zf:
        _verify_archive(zf, report, trusted_key, receiver_key, limits)
    return report


def _verify_archive(
    zf: zipfile.ZipFile,
    report: Report,
    trusted_key: Ed25519PublicKey,
    receiver_key: X25519PrivateKey | None,
    limits: Limits,
) -> None:
    problems = _check_archive(zf, limits)
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if problems[5:] else ""
        )
        report.add("archive", "FAIL", f"refused, nothing was read: {shown}")
        return
    infos = zf.infolist()
    total = sum(info.file_size for info in infos)
    report.add("archive", "PASS", f"{len(infos)} entries, {total} bytes, names and sizes safe")

    try:
        manifest = _read_json(zf, MANIFEST, limits)
    except _Invalid as exc:
        report.add("manifest", "FAIL", f"{exc}; nothing else can be checked")
        return
    if isinstance(manifest, dict):
        if isinstance(manifest.get("reference"), str):
            report.reference = manifest["reference"]
        authority = manifest.get("issuing_authority")
        if isinstance(authority, dict):
            report.authority = f"{authority.get('name')} ({authority.get('jurisdiction')})"

    try:
        detail = _check_signature(manifest, _read_json(zf, SIGNATURE, limits), trusted_key)
        report.add("signature", "PASS", detail)
    except _Invalid as exc:
        report.add("signature", "FAIL", str(exc))

    try:
        entries = _parse_manifest(manifest)
    except _Invalid as exc:
        report.add("manifest", "FAIL", f"{exc}; files and custody not checked")
        return
    report.add("manifest", "PASS", f"well-formed, {len(entries)} file(s) listed")

    encrypted = any(entry.encrypted for entry in entries)
    expected = {MANIFEST, SIGNATURE, CUSTODY} | {entry.path for entry in entries}
    if encrypted:
        expected.add(ENCRYPTION)
    present = {info.filename for info in infos} - {FILES_DIR}
    missing, extra = sorted(expected - present), sorted(present - expected)
    if missing or extra:
        parts = [f"missing: {', '.join(missing)}"] if missing else []
        parts += [f"not in the manifest: {', '.join(extra)}"] if extra else []
        report.add("contents", "FAIL", "; ".join(parts))
    else:
        report.add("contents", "PASS", "exactly the files the manifest lists")

    key: bytes | None = None
    nonces: dict[str, bytes] = {}
    if encrypted and receiver_key is None:
        report.add(
            "encryption",
            "UNVERIFIED",
            "files are encrypted and no --key was given: their content digests cannot be checked",
        )
    elif encrypted:
        assert receiver_key is not None
        try:
            key, nonces = _receiver_file_key(
                _read_json(zf, ENCRYPTION, limits), entries, receiver_key, manifest["reference"]
            )
            report.add("encryption", "PASS", "encrypted for the receiver key given with --key")
        except _Invalid as exc:
            report.add("encryption", "FAIL", str(exc))

    for entry in entries:
        name = f"file {entry.path}"
        if entry.path not in present:
            report.add(name, "FAIL", "missing from the archive")
        elif entry.encrypted and receiver_key is None:
            if zf.getinfo(entry.path).file_size != entry.size + TAG_SIZE:
                report.add(name, "FAIL", "encrypted size does not fit the manifest's size")
            else:
                report.add(name, "UNVERIFIED", "encrypted, no --key: size fits, digest not checked")
        elif entry.encrypted and key is None:
            report.add(name, "FAIL", "cannot be decrypted (see encryption): digest not checked")
        else:
            try:
                detail = _check_file(zf, entry, key, nonces.get(entry.path))
                report.add(name, "PASS", detail)
            except _Invalid as exc:
                report.add(name, "FAIL", str(exc))

    try:
        detail = _check_custody(_read_json(zf, CUSTODY, limits), manifest["custody_head"])
        report.add("custody", "PASS", detail)
    except _Invalid as exc:
        report.add("custody", "FAIL", str(exc))


PURGE_CERTIFICATE = "takedown-purge-certificate"


def verify_certificate(path: str | os.PathLike[str], trusted_key: Ed25519PublicKey) -> Report:
    """A signed purge certificate (``{"certificate": …, "signature": …}``): its
    Ed25519 signature over the certificate's canonical JSON, and its shape."""
    report = Report()
    try:
        raw = Path(path).read_bytes()
        if len(raw) > Limits.max_json_size:
            raise _Invalid(f"larger than {Limits.max_json_size} bytes")
        document = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_float=_no_float,
            parse_constant=_no_float,
        )
        _require(isinstance(document, dict), "not a JSON object")
        certificate = document.get("certificate")
        _require(
            isinstance(certificate, dict)
            and certificate.get("format") == PURGE_CERTIFICATE
            and certificate.get("version") == FORMAT_VERSION,
            "not a purge certificate of a known version",
        )
    except (_Invalid, OSError, ValueError, RecursionError) as exc:
        report.add("certificate", "FAIL", f"unreadable: {exc}")
        return report
    if isinstance(certificate.get("reference"), str):
        report.reference = certificate["reference"]
    if isinstance(authority := certificate.get("issuing_authority"), dict):
        report.authority = f"{authority.get('name')} ({authority.get('jurisdiction')})"
    try:
        report.add(
            "signature",
            "PASS",
            _check_signature(certificate, document.get("signature"), trusted_key),
        )
    except _Invalid as exc:
        report.add("signature", "FAIL", str(exc).replace("manifest", "certificate"))
    files = certificate.get("files")
    well_formed = isinstance(files, list) and all(
        isinstance(f, dict)
        and _HEX64.fullmatch(str(f.get("sha256", "")))
        and re.fullmatch(r"[0-9a-f]{32}", str(f.get("md5", "")))
        and _is_int(f.get("size"))
        for f in files
    )
    if well_formed:
        report.add("files", "PASS", f"{len(files)} destroyed file(s), SHA-256, MD5 and size each")
    else:
        report.add("files", "FAIL", "the list of destroyed files is malformed")
    seal = certificate.get("seal")
    if isinstance(seal, dict) and seal.get("valid_at_purge") is True:
        report.add(
            "seal",
            "PASS",
            f"the collector's seal ({seal.get('key_id')}) verified at purge, manifest "
            f"SHA-256 {seal.get('manifest_sha256')}",
        )
    elif seal is not None:
        report.add("seal", "FAIL", "the collector's seal did not verify at purge")
    if isinstance(minimised := certificate.get("minimised"), dict):
        parts = [minimised.get("package"), minimised.get("files")]  # stored JSON has no order
        fields = [str(f) for part in parts if isinstance(part, list) for f in part]
        report.add("minimised", "PASS", "cleared at purge: " + ", ".join(fields))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evidence.verify",
        description="Verify a sealed evidence export offline.",
    )
    parser.add_argument(
        "package", help="the export (.zip), or with --certificate a purge certificate"
    )
    parser.add_argument(
        "--trusted-key", required=True, help="the issuer's Ed25519 public key (base64url file)"
    )
    parser.add_argument("--key", help="your X25519 private key (base64url file), to decrypt")
    parser.add_argument(
        "--certificate",
        action="store_true",
        help="the file is a signed purge certificate (.json), not an export",
    )
    parser.add_argument(
        "--allow-unverified-content",
        action="store_true",
        help="pass even if encrypted files could not be checked for want of --key",
    )
    parser.add_argument(
        "--max-total-size",
        type=int,
        default=Limits.max_total_size,
        help="refuse archives that expand to more bytes than this (default 4 GiB)",
    )
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        trusted = load_trusted_key(args.trusted_key)
        receiver = load_receiver_key(args.key) if args.key else None
    except (OSError, ValueError, binascii.Error) as exc:
        print(f"error: cannot load key: {exc}", file=sys.stderr)
        return 2
    if args.certificate:
        report = verify_certificate(args.package, trusted)
        print(report.render())
        return 0 if report.ok else 1
    report = verify_package(
        args.package,
        trusted,
        receiver,
        allow_unverified_content=args.allow_unverified_content,
        limits=Limits(max_total_size=args.max_total_size),
    )
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

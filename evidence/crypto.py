"""Streaming encryption of evidence files at rest.

Every file gets a fresh random 256-bit data key and is sealed with AES-256-GCM in
fixed-size chunks, so a file of any size is encrypted and decrypted in constant memory
and no clear copy ever has to exist in full. The data key is stored wrapped by the
key-encryption key (``takedown.core.crypto``) under the context
``evidence.file.<file id>``, so a wrapped key only opens its own file and rotating the
KEK re-wraps keys without touching content.

Stored stream (all integers big-endian)::

    header  = b"TDEV" || version (1 byte, 1) || chunk_size (4 bytes) || salt (8 random bytes)
    chunk_i = AES-256-GCM(data_key, nonce_i, plaintext_i, ad_i)   (ciphertext || 16-byte tag)
    nonce_i = salt || i (4 bytes)
    ad_i    = header || file_id (16 bytes, UUID) || i (4 bytes) || final (1 byte, 0 or 1)

Every chunk but the last holds exactly ``chunk_size`` plaintext bytes; the last holds
0..chunk_size bytes and is the only one sealed with ``final = 1`` (an empty file is one
empty final chunk). Binding the header, file id, index and final flag into each chunk's
associated data is what refuses a reordered, truncated, extended or spliced stream, a
chunk taken from another file, and an edited header.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from takedown.core.crypto import DecryptionError, decrypt_secret, encrypt_secret, rewrap

MAGIC = b"TDEV"
VERSION = 1
DEFAULT_CHUNK_SIZE = 1024 * 1024
MIN_CHUNK_SIZE = 1024
MAX_CHUNK_SIZE = 64 * 1024 * 1024
KEY_SIZE = 32
TAG_SIZE = 16
_SALT_SIZE = 8
_HEADER = struct.Struct(">4sBI8s")
HEADER_SIZE = _HEADER.size
_MAX_CHUNKS = 2**32  # the chunk index is 4 bytes of the nonce


# SHA-256 and MD5 of a chunk run on two of these threads while the calling thread
# encrypts it, and the third writes the previous sealed chunk: hashlib, AES-GCM and file
# writes release the GIL on large buffers, so they use every core. One pool per process
# (made on first use, and again in a forked child).
_workers: ThreadPoolExecutor | None = None
_workers_lock = threading.Lock()


def _worker_pool() -> ThreadPoolExecutor:
    global _workers
    with _workers_lock:
        if _workers is None:
            _workers = ThreadPoolExecutor(max_workers=3, thread_name_prefix="evidence-seal")
        return _workers


def _forget_pool_in_child() -> None:
    global _workers, _workers_lock
    _workers, _workers_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool_in_child)


class EvidenceIntegrityError(Exception):
    """Stored evidence that does not decrypt to what was sealed: tampered, truncated,
    reordered, spliced from another file, or opened with the wrong key or file id."""


class BinarySink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class BinarySource(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class SealedFile:
    """What the caller stores next to the ciphertext (``EvidenceItem`` fields)."""

    size: int
    sha256: str
    md5: str
    chunk_size: int
    data_key: bytes = field(repr=False)


def _check_chunk_size(chunk_size: int) -> None:
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be between {MIN_CHUNK_SIZE} and {MAX_CHUNK_SIZE}.")


def _associated_data(header: bytes, file_id: uuid.UUID, index: int, *, final: bool) -> bytes:
    return header + file_id.bytes + struct.pack(">IB", index, final)


def _as_uuid(file_id: uuid.UUID | str) -> uuid.UUID:
    return file_id if isinstance(file_id, uuid.UUID) else uuid.UUID(file_id)


class EncryptingWriter:
    """Encrypts a stream written to it piece by piece into ``sink``.

    Holds at most one chunk of plaintext (and one sealed chunk on its way to the sink): a
    full chunk is sealed only once more data arrives, so the last chunk can be marked
    final by ``close()``. Hashes (SHA-256, MD5) and size are of the plaintext, computed
    on the way through, beside the encryption. If writing fails half-way, call
    ``abort()``, not ``close()``: the stored stream then has no final chunk and will
    never decrypt, which is what an aborted upload should leave behind.
    """

    def __init__(
        self,
        file_id: uuid.UUID | str,
        sink: BinarySink,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        data_key: bytes | None = None,
    ) -> None:
        _check_chunk_size(chunk_size)
        if data_key is not None and len(data_key) != KEY_SIZE:
            raise ValueError("data_key must be 32 bytes.")
        self._file_id = _as_uuid(file_id)
        self._sink = sink
        self._chunk_size = chunk_size
        self._key = data_key if data_key is not None else os.urandom(KEY_SIZE)
        self._aead = AESGCM(self._key)
        self._salt = os.urandom(_SALT_SIZE)
        self._header = _HEADER.pack(MAGIC, VERSION, chunk_size, self._salt)
        self._buffer = bytearray()
        self._index = 0
        self._size = 0
        self._sha256 = hashlib.sha256()
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._closed = False
        self._writing = None  # the sink's write of the last sealed chunk, under way
        sink.write(self._header)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("write to a closed EncryptingWriter.")
        view = memoryview(data).cast("B")
        written = len(view)
        self._size += written
        chunk_size = self._chunk_size
        while view:
            if len(self._buffer) == chunk_size:  # more data follows, so it is not the last
                self._seal(self._buffer, final=False)
                self._buffer.clear()
            if not self._buffer and len(view) > chunk_size:
                self._seal(view[:chunk_size], final=False)  # no copy for large writes
                view = view[chunk_size:]
                continue
            take = chunk_size - len(self._buffer)
            self._buffer += view[:take]
            view = view[take:]
        return written

    def close(self) -> SealedFile:
        """Seals the final chunk and returns what to store alongside the ciphertext."""
        if self._closed:
            raise ValueError("EncryptingWriter is already closed.")
        self._seal(self._buffer, final=True)
        self._wait_for_write()
        self._buffer.clear()
        self._closed = True
        return SealedFile(
            size=self._size,
            sha256=self._sha256.hexdigest(),
            md5=self._md5.hexdigest(),
            chunk_size=self._chunk_size,
            data_key=self._key,
        )

    def _seal(self, plaintext: bytearray | memoryview, *, final: bool) -> None:
        if self._index >= _MAX_CHUNKS:
            raise ValueError("File too large for this chunk size.")
        nonce = self._salt + struct.pack(">I", self._index)
        ad = _associated_data(self._header, self._file_id, self._index, final=final)
        # Every byte is sealed once, in order, so hashing what is sealed hashes the file.
        # The chunk is only read meanwhile, and both hashes finish before it is reused.
        pool = _worker_pool()
        hashing = [
            pool.submit(self._sha256.update, plaintext),
            pool.submit(self._md5.update, plaintext),
        ]
        try:
            sealed = self._aead.encrypt(nonce, plaintext, ad)
        finally:
            for job in hashing:
                job.result()
        # The sealed chunk goes to the sink while the next one is hashed and encrypted;
        # writes stay in order (one at a time), and at most one sealed chunk waits.
        self._wait_for_write()
        self._writing = pool.submit(self._sink.write, sealed)
        self._index += 1

    def abort(self) -> None:
        """Stop without a final chunk; the write under way ends first (whatever its
        outcome), so the sink can be closed and deleted."""
        writing, self._writing = self._writing, None
        if writing is not None:
            with contextlib.suppress(Exception):
                writing.result()
        self._closed = True

    def _wait_for_write(self) -> None:
        if self._writing is not None:
            writing, self._writing = self._writing, None
            writing.result()


def _read_exact(source: BinarySource, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the stream (reads may be short)."""
    data = source.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    missing = size - len(data)
    while missing:
        more = source.read(missing)
        if not more:
            break
        parts.append(more)
        missing -= len(more)
    return b"".join(parts)


def _parse_header(header: bytes) -> int:
    if len(header) < HEADER_SIZE:
        raise EvidenceIntegrityError("Stream too short: no evidence header.")
    magic, version, chunk_size, _salt = _HEADER.unpack(header)
    if magic != MAGIC:
        raise EvidenceIntegrityError("Not an encrypted evidence stream (bad magic bytes).")
    if version != VERSION:
        raise EvidenceIntegrityError(f"Unsupported evidence stream version {version}.")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise EvidenceIntegrityError(f"Implausible chunk size {chunk_size} in the header.")
    return chunk_size


def decrypt_stream(
    *,
    file_id: uuid.UUID | str,
    data_key: bytes,
    source: BinarySource,
    expected_sha256: str | None = None,
) -> Iterator[bytes]:
    """Yields the plaintext chunk by chunk, each one authenticated before it is yielded.

    The whole file is proven intact only when the iterator ends without
    ``EvidenceIntegrityError``: a truncated or spliced stream fails at the point where
    it departs from what was sealed, after the good chunks before it were yielded.
    A streaming response must therefore treat an exception as an aborted download.
    ``expected_sha256`` (the digest stored at upload) is checked at the end as well.
    The key and header are checked at once, before the first chunk is asked for.
    """
    if len(data_key) != KEY_SIZE:
        raise ValueError("data_key must be 32 bytes.")
    header = _read_exact(source, HEADER_SIZE)
    chunk_size = _parse_header(header)
    return _decrypt_chunks(
        file_id=_as_uuid(file_id),
        data_key=data_key,
        source=source,
        header=header,
        chunk_size=chunk_size,
        expected_sha256=expected_sha256,
    )


def _decrypt_chunks(
    *,
    file_id: uuid.UUID,
    data_key: bytes,
    source: BinarySource,
    header: bytes,
    chunk_size: int,
    expected_sha256: str | None,
) -> Iterator[bytes]:
    salt = header[-_SALT_SIZE:]
    aead = AESGCM(data_key)
    record = chunk_size + TAG_SIZE
    digest = hashlib.sha256() if expected_sha256 is not None else None
    pending = b""
    index = 0
    while True:
        sealed = pending + _read_exact(source, record - len(pending))
        if len(sealed) < TAG_SIZE:
            if index == 0 and not sealed:
                raise EvidenceIntegrityError("Stream holds no chunk: truncated after its header.")
            raise EvidenceIntegrityError(f"Chunk {index} is cut short: stream truncated.")
        pending = source.read(1) if len(sealed) == record else b""
        final = not pending
        if index >= _MAX_CHUNKS:
            raise EvidenceIntegrityError("Stream has more chunks than its format allows.")
        nonce = salt + struct.pack(">I", index)
        try:
            plaintext = aead.decrypt(
                nonce, sealed, _associated_data(header, file_id, index, final=final)
            )
        except InvalidTag:
            raise _diagnose(aead, nonce, sealed, header, file_id, index, final) from None
        if digest is not None:
            digest.update(plaintext)
            if final and digest.hexdigest() != expected_sha256:
                raise EvidenceIntegrityError(  # before the last chunk leaves
                    "Decrypted content does not match the stored SHA-256 "
                    f"({digest.hexdigest()} != {expected_sha256})."
                )
        yield plaintext
        if final:
            return
        index += 1


def _diagnose(
    aead: AESGCM,
    nonce: bytes,
    sealed: bytes,
    header: bytes,
    file_id: uuid.UUID,
    index: int,
    final: bool,
) -> EvidenceIntegrityError:
    """Names truncation when that is what happened; otherwise the generic refusal."""
    if final:
        try:
            aead.decrypt(nonce, sealed, _associated_data(header, file_id, index, final=False))
        except InvalidTag:
            pass
        else:
            return EvidenceIntegrityError(
                f"Stream ends after chunk {index}, which is not the final chunk: truncated."
            )
    return EvidenceIntegrityError(
        f"Chunk {index} does not authenticate: the stream was altered, reordered or "
        "spliced, or the data key or file id is wrong."
    )


def data_key_context(file_id: uuid.UUID | str) -> str:
    """The KEK context of a file's data key: a wrapped key opens only its own file."""
    return f"evidence.file.{_as_uuid(file_id)}"


def wrap_data_key(data_key: bytes, *, file_id: uuid.UUID | str) -> str:
    if len(data_key) != KEY_SIZE:
        raise ValueError("data_key must be 32 bytes.")
    return encrypt_secret(data_key, context=data_key_context(file_id))


def unwrap_data_key(token: str, *, file_id: uuid.UUID | str) -> bytes:
    try:
        data_key = decrypt_secret(token, context=data_key_context(file_id))
    except DecryptionError as exc:
        raise EvidenceIntegrityError(
            f"The data key of file {file_id} does not unwrap: {exc}"
        ) from exc
    if len(data_key) != KEY_SIZE:
        raise EvidenceIntegrityError(f"The data key of file {file_id} has the wrong length.")
    return data_key


def rewrap_data_key(token: str, *, file_id: uuid.UUID | str) -> str:
    """The same data key under the current KEK (key rotation; content is untouched)."""
    try:
        return rewrap(token, context=data_key_context(file_id))
    except DecryptionError as exc:
        raise EvidenceIntegrityError(
            f"The data key of file {file_id} does not unwrap: {exc}"
        ) from exc

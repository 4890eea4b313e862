"""Chunked encryption at rest: round trips, and every way a stored stream can be broken."""

import hashlib
import io
import os
import tracemalloc
import uuid

import pytest
from django.test import override_settings

from evidence.crypto import (
    DEFAULT_CHUNK_SIZE,
    HEADER_SIZE,
    TAG_SIZE,
    EncryptingWriter,
    EvidenceIntegrityError,
    SealedFile,
    decrypt_stream,
    rewrap_data_key,
    unwrap_data_key,
    wrap_data_key,
)
from takedown.core.crypto import generate_kek_spec, keyring

CHUNK = 1024  # the smallest chunk size: many chunks from a few KiB


def encrypt(
    data: bytes,
    *,
    file_id: uuid.UUID,
    chunk_size: int = CHUNK,
    piece: int | None = None,
    data_key: bytes | None = None,
) -> tuple[bytes, SealedFile]:
    sink = io.BytesIO()
    writer = EncryptingWriter(file_id, sink, chunk_size=chunk_size, data_key=data_key)
    piece = piece or max(len(data), 1)
    for start in range(0, len(data), piece):
        writer.write(data[start : start + piece])
    sealed = writer.close()
    return sink.getvalue(), sealed


def decrypt(stored: bytes, *, file_id: uuid.UUID, data_key: bytes, **kwargs) -> bytes:
    chunks = decrypt_stream(file_id=file_id, data_key=data_key, source=io.BytesIO(stored), **kwargs)
    return b"".join(chunks)


def records(stored: bytes, chunk_size: int = CHUNK) -> tuple[bytes, list[bytes]]:
    """The header and the sealed chunks of a stored stream."""
    body = stored[HEADER_SIZE:]
    size = chunk_size + TAG_SIZE
    return stored[:HEADER_SIZE], [body[i : i + size] for i in range(0, len(body), size)]


@pytest.mark.parametrize(
    "size",
    [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17],
    ids=lambda n: f"{n}B",
)
@pytest.mark.parametrize("piece", [None, 1, 7, 1000, CHUNK, 3000], ids=lambda p: f"piece{p}")
def test_round_trip_and_plaintext_hashes(size, piece):
    data = os.urandom(size)
    file_id = uuid.uuid4()
    stored, sealed = encrypt(data, file_id=file_id, piece=piece)

    assert decrypt(stored, file_id=file_id, data_key=sealed.data_key) == data
    assert sealed.size == size
    assert sealed.sha256 == hashlib.sha256(data).hexdigest()
    assert sealed.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert sealed.chunk_size == CHUNK
    chunks = max(1, -(-size // CHUNK))  # an empty file is one empty final chunk
    assert len(stored) == HEADER_SIZE + size + chunks * TAG_SIZE


def test_default_chunk_size_round_trip_holds_no_clear_text():
    data = os.urandom(2 * DEFAULT_CHUNK_SIZE + 1)
    file_id = uuid.uuid4()
    stored, sealed = encrypt(data, file_id=file_id, chunk_size=DEFAULT_CHUNK_SIZE, piece=65536)
    assert data[:64] not in stored and data[-64:] not in stored
    assert sealed.data_key not in stored
    assert decrypt(stored, file_id=file_id, data_key=sealed.data_key) == data


def test_each_file_gets_its_own_data_key_and_it_is_not_in_the_repr():
    first = encrypt(b"x", file_id=uuid.uuid4())[1]
    second = encrypt(b"x", file_id=uuid.uuid4())[1]
    assert first.data_key != second.data_key
    assert first.data_key.hex() not in repr(first) and str(first.data_key) not in repr(first)


def test_short_reads_from_the_source_are_fine():
    class Trickle(io.BytesIO):
        def read(self, size=-1):
            return super().read(min(size, 5) if size and size > 0 else size)

    data = os.urandom(3 * CHUNK + 5)
    file_id = uuid.uuid4()
    stored, sealed = encrypt(data, file_id=file_id)
    chunks = decrypt_stream(file_id=file_id, data_key=sealed.data_key, source=Trickle(stored))
    assert b"".join(chunks) == data


@pytest.fixture
def sealed_file():
    data = os.urandom(3 * CHUNK + 100)
    file_id = uuid.uuid4()
    stored, sealed = encrypt(data, file_id=file_id)
    return data, file_id, stored, sealed


@pytest.mark.parametrize(
    "position",
    [0, 5, 9, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + CHUNK + 3, -TAG_SIZE, -1],
    ids=["magic", "chunk-size", "salt", "salt-end", "chunk0", "chunk1", "last-tag", "last-byte"],
)
def test_a_flipped_byte_anywhere_is_refused(sealed_file, position):
    _data, file_id, stored, sealed = sealed_file
    tampered = bytearray(stored)
    tampered[position] ^= 0x01
    with pytest.raises(EvidenceIntegrityError):
        decrypt(bytes(tampered), file_id=file_id, data_key=sealed.data_key)


def test_dropping_the_last_chunk_is_refused_as_truncation(sealed_file):
    _data, file_id, stored, sealed = sealed_file
    header, chunks = records(stored)
    with pytest.raises(EvidenceIntegrityError, match="truncated"):
        decrypt(header + b"".join(chunks[:-1]), file_id=file_id, data_key=sealed.data_key)


@pytest.mark.parametrize("keep", [0, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + 10])
def test_a_stream_cut_anywhere_is_refused(sealed_file, keep):
    _data, file_id, stored, sealed = sealed_file
    with pytest.raises(EvidenceIntegrityError):
        decrypt(stored[:keep], file_id=file_id, data_key=sealed.data_key)
    with pytest.raises(EvidenceIntegrityError):
        decrypt(stored[:-1], file_id=file_id, data_key=sealed.data_key)


def test_reordered_chunks_are_refused(sealed_file):
    _data, file_id, stored, sealed = sealed_file
    header, chunks = records(stored)
    chunks[0], chunks[1] = chunks[1], chunks[0]
    with pytest.raises(EvidenceIntegrityError, match="Chunk 0 does not authenticate"):
        decrypt(header + b"".join(chunks), file_id=file_id, data_key=sealed.data_key)


def test_data_appended_after_the_final_chunk_is_refused(sealed_file):
    _data, file_id, stored, sealed = sealed_file
    _header, chunks = records(stored)
    with pytest.raises(EvidenceIntegrityError):
        decrypt(stored + chunks[0], file_id=file_id, data_key=sealed.data_key)


def test_a_chunk_from_another_file_under_the_same_key_is_refused(sealed_file):
    _data, file_id, stored, sealed = sealed_file
    other_stored, _ = encrypt(
        os.urandom(3 * CHUNK + 100), file_id=uuid.uuid4(), data_key=sealed.data_key
    )
    header, chunks = records(stored)
    _other_header, other_chunks = records(other_stored)
    chunks[1] = other_chunks[1]
    with pytest.raises(EvidenceIntegrityError, match="Chunk 1"):
        decrypt(header + b"".join(chunks), file_id=file_id, data_key=sealed.data_key)


def test_wrong_file_id_is_refused(sealed_file):
    _data, _file_id, stored, sealed = sealed_file
    with pytest.raises(EvidenceIntegrityError, match="file id is wrong"):
        decrypt(stored, file_id=uuid.uuid4(), data_key=sealed.data_key)


def test_wrong_data_key_is_refused(sealed_file):
    _data, file_id, stored, _sealed = sealed_file
    with pytest.raises(EvidenceIntegrityError, match="data key"):
        decrypt(stored, file_id=file_id, data_key=os.urandom(32))


def test_stored_digest_is_checked_before_the_last_chunk_is_released(sealed_file):
    data, file_id, stored, sealed = sealed_file
    assert decrypt(stored, file_id=file_id, data_key=sealed.data_key, expected_sha256=sealed.sha256)
    released = []
    with pytest.raises(EvidenceIntegrityError, match="SHA-256"):
        for chunk in decrypt_stream(
            file_id=file_id,
            data_key=sealed.data_key,
            source=io.BytesIO(stored),
            expected_sha256="0" * 64,
        ):
            released.append(chunk)
    assert b"".join(released) == data[: 3 * CHUNK]


def test_not_an_evidence_stream_is_refused_before_iteration():
    with pytest.raises(EvidenceIntegrityError, match="magic"):
        decrypt_stream(
            file_id=uuid.uuid4(), data_key=os.urandom(32), source=io.BytesIO(b"\0" * 100)
        )


def test_writer_cannot_be_used_after_close():
    writer = EncryptingWriter(uuid.uuid4(), io.BytesIO(), chunk_size=CHUNK)
    writer.write(b"abc")
    writer.close()
    with pytest.raises(ValueError):
        writer.write(b"more")
    with pytest.raises(ValueError):
        writer.close()


def test_wrapped_data_key_round_trips_and_is_bound_to_its_file():
    file_id, other = uuid.uuid4(), uuid.uuid4()
    data_key = os.urandom(32)
    token = wrap_data_key(data_key, file_id=file_id)
    assert data_key.hex() not in token
    assert unwrap_data_key(token, file_id=file_id) == data_key
    assert unwrap_data_key(token, file_id=str(file_id)) == data_key
    with pytest.raises(EvidenceIntegrityError, match="does not unwrap"):
        unwrap_data_key(token, file_id=other)


def test_rewrap_moves_a_data_key_to_the_current_kek(settings):
    file_id = uuid.uuid4()
    data = os.urandom(CHUNK + 1)
    stored, sealed = encrypt(data, file_id=file_id)
    token = wrap_data_key(sealed.data_key, file_id=file_id)
    with override_settings(TAKEDOWN_KEKS=f"{generate_kek_spec('next')},{settings.TAKEDOWN_KEKS}"):
        rewrapped = rewrap_data_key(token, file_id=file_id)
        assert keyring().kid_of(rewrapped) == "next"
        key = unwrap_data_key(rewrapped, file_id=file_id)
        assert decrypt(stored, file_id=file_id, data_key=key) == data  # content untouched


class CountingSink:
    """Discards what it is given: the memory test measures the writer, not a buffer."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def test_encrypting_64_mib_uses_constant_memory():
    block = os.urandom(64 * 1024)  # an upload handler's chunk
    total = 64 * 1024 * 1024
    sink = CountingSink()
    tracemalloc.start()
    try:
        writer = EncryptingWriter(uuid.uuid4(), sink)
        for _ in range(total // len(block)):
            writer.write(block)
        sealed = writer.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"encrypt 64 MiB: tracemalloc peak {peak / 2**20:.2f} MiB")
    assert sealed.size == total
    assert peak < 8 * 1024 * 1024


def test_decrypting_64_mib_from_a_file_uses_constant_memory(tmp_path):
    block = os.urandom(64 * 1024)
    file_id = uuid.uuid4()
    path = tmp_path / "stored.bin"  # synthetic random bytes, encrypted
    with path.open("wb") as sink:
        writer = EncryptingWriter(file_id, sink)
        for _ in range(1024):
            writer.write(block)
        sealed = writer.close()
    size = 0
    with path.open("rb") as source:
        tracemalloc.start()
        try:
            for chunk in decrypt_stream(
                file_id=file_id,
                data_key=sealed.data_key,
                source=source,
                expected_sha256=sealed.sha256,
            ):
                size += len(chunk)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    print(f"decrypt 64 MiB: tracemalloc peak {peak / 2**20:.2f} MiB")
    assert size == 64 * 1024 * 1024
    assert peak < 8 * 1024 * 1024


class FailingSink:
    """Takes ``accept`` writes, then fails as a full disk does."""

    def __init__(self, accept: int) -> None:
        self.accept, self.writes = accept, []

    def write(self, data) -> int:
        if len(self.writes) >= self.accept:
            raise OSError("No space left on device")
        self.writes.append(bytes(data))
        return len(data)


@pytest.mark.parametrize("accept", [1, 2, 4])
def test_a_sink_that_fails_is_reported_by_the_writer_and_abort_ends_it(accept):
    """Sealed chunks reach the sink on another thread: its failure still reaches the
    caller (from write or close), nothing is written after it, and abort() returns once
    the write under way has ended."""
    sink = FailingSink(accept)
    writer = EncryptingWriter(uuid.uuid4(), sink, chunk_size=CHUNK)
    with pytest.raises(OSError, match="No space left"):
        for _ in range(8):
            writer.write(os.urandom(CHUNK))
        writer.close()
    writer.abort()
    assert len(sink.writes) == accept  # the header and the chunks before the failure
    with pytest.raises(ValueError, match="closed"):
        writer.write(b"more")

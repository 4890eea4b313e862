"""Encrypting and storing a 1 GiB evidence file through ``evidence.crypto.EncryptingWriter``
against raw ``AESGCM`` over the same bytes, the memory that takes, and verifying a sealed
export of the package.

No database and no server: pure crypto and files. Django is set up (the test settings,
``TAKEDOWN_VAR_DIR`` a fresh temporary directory, an unused SQLite URL) only for the
evidence storage (``storages["evidence"]``, a ``FileSystemStorage`` in that directory) and
the key-encryption key that wraps the data key. The directory is removed at the end.

The data: one random block (``--block-mib``, 64 MiB from ``os.urandom``, filled in place
so no transient copy inflates the process's high-water mark) is the source of the whole
file: repetition r of the block starts r * 64 bytes further into it, so no two chunks of
the file are equal. Each piece handed to a consumer is a zero-copy ``memoryview`` of the
block, so generating the data costs next to nothing; that cost is measured on its own
(a pass over the same pieces doing nothing with them) and printed, not subtracted.

The writer is fed ``--write-kib`` pieces (64 KiB: what Django hands an upload handler);
the raw baseline encrypts the same bytes in the writer's chunk size (1 MiB) with the same
nonce and associated-data layout, and throws the ciphertext away. Two more passes explain
the difference: SHA-256 + MD5 alone (the writer hashes the plaintext as it goes), and the
writer into a null sink (everything but the storage write). Rounds alternate the variants
and the median is reported. Storage writes land in the page cache (as an upload does: the
handler does not fsync); one fsync of the file is timed separately.

Memory: a first, separate pass of the writer into storage runs with ``tracemalloc`` on;
its peak and the growth of ``ru_maxrss`` (the process's resident high-water mark) across
the pass must both stay under 64 MiB, or the benchmark exits 1.

The sealed export: built as ``evidence/exports.py`` streams one (the stored file decrypted
chunk by chunk, its SHA-256 checked, re-encrypted to a receiver's X25519 key, a stored
zip64 member; manifest, custody chain and signature made with ``evidence/verify.py``'s
helpers) into a zip in the temporary directory, then ``verify_package`` checks it with the
receiver's key: signature, manifest, custody chain, and the 1 GiB member decrypted and
hashed. Both are timed; the zip is read back from the page cache.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import shutil
import statistics
import struct
import sys
import tempfile
import tracemalloc
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from .common import print_table, timer

MIB = 1024 * 1024
MEMORY_LIMIT = 64 * MIB
SHIFT = 64  # bytes each repetition of the random block is shifted by
REFERENCE = "EP-2026-BENCH01"


# --- the data ------------------------------------------------------------------------


class Source:
    """``size`` bytes made of one random block, handed out as zero-copy views."""

    def __init__(self, size: int, block_size: int) -> None:
        self.size = size
        self.block_size = block_size
        repetitions = -(-size // block_size)
        self.block = bytearray(block_size + repetitions * SHIFT)
        view = memoryview(self.block)
        for start in range(0, len(self.block), MIB):  # in place: no second copy
            piece = view[start : start + MIB]
            piece[:] = os.urandom(len(piece))

    def pieces(self, piece_size: int) -> Iterator[memoryview]:
        """The file, ``piece_size`` bytes at a time (the block size is a multiple)."""
        if self.block_size % piece_size:
            raise ValueError("the block size must be a multiple of the piece size")
        view = memoryview(self.block)
        position = 0
        while position < self.size:
            repetition, offset = divmod(position, self.block_size)
            start = repetition * SHIFT + offset
            length = min(piece_size, self.size - position)
            yield view[start : start + length]
            position += length


# --- the variants --------------------------------------------------------------------


class NullSink:
    def write(self, data) -> int:
        return len(data)


def generation_only(source: Source, write_size: int, chunk_size: int) -> None:
    for _piece in source.pieces(write_size):
        pass
    for _piece in source.pieces(chunk_size):
        pass


def raw_aesgcm(source: Source, chunk_size: int) -> None:
    """What the writer's sealing costs at the least: AES-256-GCM per chunk, same nonces
    and associated data, output thrown away."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(os.urandom(32))
    salt = os.urandom(8)
    header = b"TDEV" + bytes([1]) + struct.pack(">I", chunk_size) + salt
    file_id = uuid.uuid4().bytes
    total = -(-source.size // chunk_size)
    for index, chunk in enumerate(source.pieces(chunk_size)):
        nonce = salt + struct.pack(">I", index)
        ad = header + file_id + struct.pack(">IB", index, index == total - 1)
        aead.encrypt(nonce, chunk, ad)


def _aead_layout(chunk_size: int, size: int):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, salt = AESGCM(os.urandom(32)), os.urandom(8)
    header = b"TDEV" + bytes([1]) + struct.pack(">I", chunk_size) + salt
    file_id, total = uuid.uuid4().bytes, -(-size // chunk_size)

    def seal(index: int, chunk) -> bytes:
        ad = header + file_id + struct.pack(">IB", index, index == total - 1)
        return aead.encrypt(salt + struct.pack(">I", index), chunk, ad)

    return seal


def necessary_single(source: Source, chunk_size: int) -> None:
    """The work the writer cannot skip, one pass on one thread: per chunk AES-256-GCM,
    SHA-256 and MD5."""
    seal = _aead_layout(chunk_size, source.size)
    sha256, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    for index, chunk in enumerate(source.pieces(chunk_size)):
        seal(index, chunk)
        sha256.update(chunk)
        md5.update(chunk)


def necessary_threaded(source: Source, chunk_size: int) -> None:
    """The same work, the two hashes of each chunk on two threads while this one
    encrypts it (hashlib and AES-GCM release the GIL on large buffers)."""
    from concurrent.futures import ThreadPoolExecutor

    seal = _aead_layout(chunk_size, source.size)
    sha256, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for index, chunk in enumerate(source.pieces(chunk_size)):
            jobs = [pool.submit(sha256.update, chunk), pool.submit(md5.update, chunk)]
            seal(index, chunk)
            for job in jobs:
                job.result()


def hashes_only(source: Source, write_size: int) -> None:
    sha256, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    for piece in source.pieces(write_size):
        sha256.update(piece)
        md5.update(piece)
    sha256.hexdigest()
    md5.hexdigest()


def writer_into(sink, source: Source, write_size: int, chunk_size: int, file_id: uuid.UUID):
    from evidence.crypto import EncryptingWriter

    writer = EncryptingWriter(file_id, sink, chunk_size=chunk_size)
    for piece in source.pieces(write_size):
        writer.write(piece)
    return writer.close()


def writer_null(source: Source, write_size: int, chunk_size: int) -> None:
    writer_into(NullSink(), source, write_size, chunk_size, uuid.uuid4())


def writer_storage(
    source: Source, write_size: int, chunk_size: int, *, keep: bool = False, fsync: bool = False
):
    """The figure: into the evidence storage, as the upload handler does, the data key
    wrapped by the KEK as ``item_record`` does. Returns (file id, storage name, sealed,
    wrapped key, fsync seconds)."""
    from evidence.crypto import wrap_data_key
    from evidence.services import evidence_storage

    storage = evidence_storage()
    file_id = uuid.uuid4()
    name = f"{file_id.hex}.tdev"
    sink = storage.open(name, "wb")
    try:
        sealed = writer_into(sink, source, write_size, chunk_size, file_id)
        wrapped = wrap_data_key(sealed.data_key, file_id=file_id)
        fsync_seconds = 0.0
        if fsync:
            sink.flush()
            with timer() as syncing:
                os.fsync(sink.fileno())
            fsync_seconds = syncing.seconds
    finally:
        sink.close()
    if not keep:
        storage.delete(name)
    return file_id, name, sealed, wrapped, fsync_seconds


# --- memory --------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def reset_high_water_mark() -> bool:
    """Linux: lower the resident high-water mark (and so ``ru_maxrss``) to the current
    RSS, so growth during the pass shows even below an earlier peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def maxrss_bytes() -> int:
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


# --- the sealed export ---------------------------------------------------------------


def build_export(
    path: Path, *, file_id: uuid.UUID, storage_name: str, sealed, wrapped: str, issuer, receiver
) -> None:
    """As ``evidence.exports.package_export`` streams one, into a file."""
    from evidence.crypto import decrypt_stream, unwrap_data_key
    from evidence.services import evidence_storage
    from evidence.verify import (
        FORMAT,
        FORMAT_VERSION,
        ReceiverEncryptor,
        canonical_json,
        link_custody,
        sign_manifest,
        utc_timestamp,
    )

    now = datetime.now(UTC)
    member = f"files/{file_id}.bin"
    custody = link_custody(
        {
            "sequence": n,
            "action": action,
            "actor": "bench-officer",
            "authority": "Bench authority",
            "occurred_at": utc_timestamp(now),
            "reason": reason,
            "item_digest": sealed.sha256 if action == "collected" else "",
            "details": {"size": sealed.size} if action == "collected" else {},
        }
        for n, (action, reason) in enumerate(
            [("collected", "Uploaded"), ("sealed", ""), ("exported", "bench export")], 1
        )
    )
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "reference": REFERENCE,
        "case": "TD-2026-BENCH01",
        "issuing_authority": {"id": 1, "name": "Bench authority", "jurisdiction": "XB"},
        "created_at": utc_timestamp(now),
        "template": {"collection_method": "generated", "source_url": "https://bench.test/x"},
        "files": [
            {"path": member, "size": sealed.size, "sha256": sealed.sha256, "encrypted": True}
        ],
        "custody_head": custody[-1]["hash"],
        "minimised": {"removed": [], "pseudonymised": []},
        "key_id": "bench-issuer",
    }
    signature = sign_manifest(manifest, private_key=issuer, key_id="bench-issuer")
    encryptor = ReceiverEncryptor(receiver.public_key(), reference=REFERENCE)
    storage = evidence_storage()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", canonical_json(manifest))
        archive.writestr("signature.json", canonical_json(signature))
        archive.writestr("custody.json", canonical_json(custody))
        info = zipfile.ZipInfo(member, date_time=now.timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED
        source = storage.open(storage_name, "rb")
        try:
            plaintext = decrypt_stream(
                file_id=file_id,
                data_key=unwrap_data_key(wrapped, file_id=file_id),
                source=source,
                expected_sha256=sealed.sha256,
            )
            with archive.open(info, "w", force_zip64=True) as out:
                for block in encryptor.encrypt_file(member, plaintext):
                    out.write(block)
        finally:
            source.close()
        archive.writestr("encryption.json", canonical_json(encryptor.document()))


# --- the run -------------------------------------------------------------------------


def _django(var_dir: Path) -> None:
    os.environ["TAKEDOWN_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "takedown.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'unused.sqlite3'}"  # never opened
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from evidence.services import evidence_storage

    location = Path(evidence_storage().location).resolve()
    if not location.is_relative_to(var_dir.resolve()):
        raise SystemExit(f"refusing to run: the evidence storage is at {location}")
    location.mkdir(parents=True, exist_ok=True)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def head_lines(location: str) -> list[str]:
    import cryptography
    from cryptography.hazmat.backends.openssl.backend import backend

    return [
        f"date        {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        f"machine     {platform.machine()}, {os.cpu_count()} CPUs ({_cpu_model()}), "
        f"{platform.system()} {platform.release()}",
        f"load        {', '.join(f'{n:.2f}' for n in os.getloadavg())} (1, 5, 15 min; "
        "other work on the machine skews the figures)",
        f"python      {sys.version.split()[0]}",
        f"crypto      cryptography {cryptography.__version__}, {backend.openssl_version_text()}",
        f"storage     FileSystemStorage in {location} (temporary; page cache, no fsync)",
    ]


def mib_s(size: int, seconds: float) -> float:
    return size / MIB / seconds


def main(argv: list[str]) -> int:
    from evidence.crypto import DEFAULT_CHUNK_SIZE

    parser = argparse.ArgumentParser(prog="python -m bench evidence", description=__doc__)
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--block-mib", type=int, default=64, help="random block (default 64)")
    parser.add_argument(
        "--write-kib", type=int, default=64, help="piece size fed to the writer (default 64)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    args = parser.parse_args(argv)
    size, block, write_size = args.size_mib * MIB, args.block_mib * MIB, args.write_kib * 1024
    chunk_size = DEFAULT_CHUNK_SIZE
    if size < 1 or args.rounds < 1 or block % chunk_size or chunk_size % write_size:
        parser.error("sizes must be positive, the block a multiple of 1 MiB, 1 MiB of --write-kib")

    var_dir = Path(tempfile.mkdtemp(prefix="takedown-bench-evidence-"))
    try:
        return run(var_dir, size=size, block=block, write_size=write_size, rounds=args.rounds)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(var_dir: Path, *, size: int, block: int, write_size: int, rounds: int) -> int:
    _django(var_dir)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from evidence.crypto import DEFAULT_CHUNK_SIZE
    from evidence.services import evidence_storage
    from evidence.verify import Limits, verify_package

    chunk_size = DEFAULT_CHUNK_SIZE
    print("Evidence encryption benchmark (python -m bench evidence)")
    print("\n".join(head_lines(evidence_storage().location)))
    print(
        f"file        {size / MIB:,.0f} MiB, AES-256-GCM chunks of {chunk_size // 1024} KiB, "
        f"fed to the writer {write_size // 1024} KiB at a time"
    )

    with timer() as making:
        source = Source(size, block)
    print(
        f"data        one {block // MIB} MiB os.urandom block ({making.seconds:.2f} s, not "
        f"timed below), repeated with a {SHIFT}-byte shift per repetition, as zero-copy views"
    )
    # Warm up lazy imports, the KEK and OpenSSL on a small file.
    warm = Source(4 * MIB, 4 * MIB)
    for variant in (raw_aesgcm, hashes_only):
        variant(warm, chunk_size if variant is raw_aesgcm else write_size)
    writer_null(warm, write_size, chunk_size)
    writer_storage(warm, write_size, chunk_size)
    del warm

    # 1. Memory, first. ru_maxrss is a high-water mark: reset it to the current RSS where
    # the kernel allows, else growth below an earlier peak would not show.
    was_reset = reset_high_water_mark()
    rss_before, hwm_before = _status_kib("VmRSS") * 1024, maxrss_bytes()
    tracemalloc.start()
    with timer() as memory_pass:
        file_id, storage_name, sealed, wrapped, fsync_s = writer_storage(
            source, write_size, chunk_size, keep=True, fsync=True
        )
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    hwm_growth = maxrss_bytes() - hwm_before
    stored = Path(evidence_storage().path(storage_name)).stat().st_size
    memory_ok = hwm_growth < MEMORY_LIMIT and traced_peak < MEMORY_LIMIT
    baseline = (
        "reset to the current RSS"
        if was_reset
        else "an earlier peak, not reset: growth below it does not show"
    )
    print("\n1. Memory, one pass into storage with tracemalloc on")
    print(
        f"   RSS before {rss_before / MIB:.1f} MiB, ru_maxrss before {hwm_before / MIB:.1f} MiB "
        f"({baseline}, the random block included); ru_maxrss growth {hwm_growth / MIB:.2f} MiB; "
        f"tracemalloc peak {traced_peak / MIB:.2f} MiB; limit {MEMORY_LIMIT // MIB} MiB: "
        f"{'PASS' if memory_ok else 'FAIL'}"
    )
    print(
        f"   stored {stored:,} bytes for {sealed.size:,} ({stored - sealed.size:,} of header and "
        f"tags) in {memory_pass.seconds:.2f} s; then fsync of the file {fsync_s:.2f} s "
        "(not counted anywhere else)"
    )

    # 2. Throughput, variants alternating.
    variants: dict[str, Callable[[], object]] = {
        "generation only (the views)": lambda: generation_only(source, write_size, chunk_size),
        "raw AESGCM (1 MiB chunks)": lambda: raw_aesgcm(source, chunk_size),
        "SHA-256 + MD5 only": lambda: hashes_only(source, write_size),
        "necessary work, one thread": lambda: necessary_single(source, chunk_size),
        "necessary work, threaded": lambda: necessary_threaded(source, chunk_size),
        "EncryptingWriter -> null sink": lambda: writer_null(source, write_size, chunk_size),
        "EncryptingWriter -> storage": lambda: writer_storage(source, write_size, chunk_size),
    }
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, variant in variants.items():
            with timer() as took:
                variant()
            seconds[name].append(took.seconds)
    median = {name: statistics.median(values) for name, values in seconds.items()}
    raw = median["raw AESGCM (1 MiB chunks)"]
    figure = median["EncryptingWriter -> storage"]
    print_table(
        ["pass over the same bytes", "median s", "MiB/s", "time / raw AESGCM", "rounds (s)"],
        [
            [
                name,
                median[name],
                mib_s(size, median[name]),
                f"{median[name] / raw:.2f}×",
                ", ".join(f"{s:.3f}" for s in seconds[name]),
            ]
            for name in variants
        ],
        title=f"2. Throughput ({size / MIB:,.0f} MiB; median of {rounds} rounds, alternating)",
    )
    necessary = min(median["necessary work, one thread"], median["necessary work, threaded"])
    ratio = necessary / figure
    print(
        f"\nNecessary work (AES-256-GCM + SHA-256 + MD5, best of one thread and threaded): "
        f"{mib_s(size, necessary):,.0f} MiB/s; the writer into storage reaches {ratio:.2f}× of "
        f"it. Target ≥ 0.90×: {'met' if ratio >= 0.9 else 'not met'}"
    )
    print(
        f"Encrypting and storing: {mib_s(size, figure):,.0f} MiB/s; raw AESGCM over the same "
        f"bytes {mib_s(size, raw):,.0f} MiB/s; ratio {mib_s(size, figure) / mib_s(size, raw):.3f} "
        f"(the writer takes {figure / raw:.1f}× the raw time)"
    )

    # 3. A sealed export of the package, and its verification.
    issuer, receiver = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    export = var_dir / f"{REFERENCE}.zip"
    with timer() as building:
        build_export(
            export,
            file_id=file_id,
            storage_name=storage_name,
            sealed=sealed,
            wrapped=wrapped,
            issuer=issuer,
            receiver=receiver,
        )
    evidence_storage().delete(storage_name)
    limits = Limits(max_total_size=max(Limits.max_total_size, 2 * size))
    tracemalloc.start()
    with timer() as verifying:
        report = verify_package(export, issuer.public_key(), receiver, limits=limits)
    _current, verify_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\n3. Sealed export ({export.stat().st_size:,} bytes, encrypted to a receiver key)")
    print(
        f"   built as evidence/exports.py streams it (decrypt + SHA-256 check + re-encrypt + "
        f"zip CRC-32 + write): {building.seconds:.2f} s, {mib_s(size, building.seconds):,.0f} MiB/s"
    )
    print(
        f"   verify_package with --key (signature, manifest, chain, member decrypted and "
        f"hashed): {verifying.seconds:.2f} s, {mib_s(size, verifying.seconds):,.0f} MiB/s; "
        f"tracemalloc peak {verify_peak / MIB:.2f} MiB; verdict "
        f"{'VERIFIED' if report.ok else 'NOT VERIFIED'}"
    )
    print("\n".join(f"   {line}" for line in report.render().splitlines()))
    return 0 if memory_ok and report.ok else 1

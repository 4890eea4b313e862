"""The receiving authority's own key and its own copy of the evidence, offline.

Beside ``verify.py``, with nothing but Python 3.11+ and the ``cryptography`` package::

    python receiver.py generate NAME
        writes NAME.key (your X25519 private key; keep it, never send it) and NAME.pub
        (the public key you register with the issuing system); prints the public key.

    python receiver.py extract PACKAGE.zip --trusted-key ISSUER.pub --key NAME.key --out DIR
        verifies the export exactly as verify.py does (signature, manifest, custody,
        every file decrypted and its SHA-256 checked) and only if every check passes
        writes the decrypted files under DIR, each checked again as it is written
        (a file whose digest does not match is removed, never left half-written).

(``python -m evidence.receiver …`` works the same from the project.) The issuing system
stores only the public key, so what it exports to it is readable by the holder of
NAME.key alone. Exit status: 0 done, 1 the export did not verify (nothing written),
2 a usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

try:
    from evidence import verify
except ImportError:  # run as a file beside verify.py
    import verify  # type: ignore[no-redef]


def generate(name: str) -> str:
    """A fresh key pair in NAME.key (owner-only) and NAME.pub; the public key's text."""
    private = X25519PrivateKey.generate()
    key_path, pub_path = Path(f"{name}.key"), Path(f"{name}.pub")
    if key_path.exists() or pub_path.exists():
        raise FileExistsError(f"{key_path} or {pub_path} exists: not overwritten")
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(verify.key_text(private))
    public = verify.key_text(private.public_key())
    pub_path.write_text(public, encoding="ascii")
    return public.strip()


def extract(package: str, trusted_key, receiver_key: X25519PrivateKey, out: Path) -> verify.Report:
    """Verify the export; only when every check passes, write its files under ``out``."""
    report = verify.verify_package(package, trusted_key, receiver_key)
    if not report.ok:
        return report
    limits = verify.Limits()
    with zipfile.ZipFile(package) as zf:
        manifest = verify._read_json(zf, verify.MANIFEST, limits)
        entries = verify._parse_manifest(manifest)
        key, nonces = None, {}
        if any(entry.encrypted for entry in entries):
            key, nonces = verify._receiver_file_key(
                verify._read_json(zf, verify.ENCRYPTION, limits),
                entries,
                receiver_key,
                manifest["reference"],
            )
        for entry in entries:
            _write(zf, entry, key, nonces.get(entry.path), out)
    return report


def _write(zf: zipfile.ZipFile, entry, key, nonce, out: Path) -> None:
    # Names were checked with the archive (no "..", no absolute paths).
    target = out / entry.path.removeprefix(verify.FILES_DIR)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    info = zf.getinfo(entry.path)
    blocks = (
        verify._decrypted(zf, info, key, nonce) if entry.encrypted else verify._plaintext(zf, info)
    )
    digest = hashlib.sha256()
    try:
        with open(partial, "xb") as written:
            for block in blocks:
                digest.update(block)
                written.write(block)
        if digest.hexdigest() != entry.sha256:
            raise verify._Invalid(f"{entry.path}: SHA-256 does not match the manifest")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python receiver.py", description="A receiving authority's key and files."
    )
    actions = parser.add_subparsers(dest="action", required=True)
    make = actions.add_parser("generate", help="a new X25519 key pair: NAME.key, NAME.pub")
    make.add_argument("name")
    take = actions.add_parser("extract", help="verify an export and write its files")
    take.add_argument("package")
    take.add_argument("--trusted-key", required=True, help="the issuer's Ed25519 public key")
    take.add_argument("--key", required=True, help="your X25519 private key (NAME.key)")
    take.add_argument("--out", required=True, help="folder for the decrypted files")
    args = parser.parse_args(argv)
    if args.action == "generate":
        try:
            public = generate(args.name)
        except OSError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"Public key (register it with the issuing system): {public}")
        print(f"Private key: {args.name}.key (keep it; it never leaves your hands)")
        return 0
    try:
        trusted = verify.load_trusted_key(args.trusted_key)
        mine = verify.load_receiver_key(args.key)
    except (OSError, ValueError) as exc:
        print(f"error: cannot load key: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        report = extract(args.package, trusted, mine, out)
    except (verify._Invalid, OSError, *verify._ZIP_ERRORS) as exc:
        print(f"error: {exc}; the files written so far are the ones that matched", file=sys.stderr)
        return 1
    print(report.render())
    if not report.ok:
        print("Nothing was written: the export did not verify.")
        return 1
    print(f"Files written under {out}, each matching the signed manifest.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

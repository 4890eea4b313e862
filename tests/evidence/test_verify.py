"""The standalone verifier, run as a receiving country would: ``python -m evidence.verify``
in a subprocess with no Django settings, against packages built here with the same
helpers the exporter uses. Synthetic bytes only."""

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from evidence.verify import (
    CUSTODY,
    ENCRYPTION,
    MANIFEST,
    SIGNATURE,
    ReceiverEncryptor,
    canonical_json,
    key_text,
    link_custody,
    load_trusted_key,
    sign_manifest,
    verify_package,
)

ROOT = Path(__file__).resolve().parents[2]
VERIFY_SOURCE = ROOT / "evidence" / "verify.py"
REFERENCE = "EP-2026-000042"


@pytest.fixture(scope="module")
def issuer():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def receiver():
    return X25519PrivateKey.generate()


@pytest.fixture
def keys(tmp_path, issuer, receiver):
    paths = {
        "issuer": tmp_path / "issuer.pub",
        "stranger": tmp_path / "stranger.pub",
        "receiver": tmp_path / "receiver.key",
        "wrong_receiver": tmp_path / "wrong-receiver.key",
    }
    paths["issuer"].write_text(key_text(issuer.public_key()))
    paths["stranger"].write_text(key_text(Ed25519PrivateKey.generate().public_key()))
    paths["receiver"].write_text(key_text(receiver))
    paths["wrong_receiver"].write_text(key_text(X25519PrivateKey.generate()))
    return paths


def sample_files() -> dict[str, bytes]:
    return {
        "files/capture-1.bin": os.urandom(300_000),
        "files/logs/fetch.log": b"GET https://a-video.test/v/123 200\n" * 50,
        "files/empty.bin": b"",
    }


def members_of(
    files: dict[str, bytes], *, issuer: Ed25519PrivateKey, encrypt_to=None, minimised=None
) -> dict[str, bytes]:
    """Everything an exporter puts in the zip, by member name."""
    encryptor = ReceiverEncryptor(encrypt_to, reference=REFERENCE) if encrypt_to else None
    members: dict[str, bytes] = {}
    listing = []
    for path, data in files.items():
        members[path] = encryptor.encrypt(path, data) if encryptor else data
        listing.append(
            {
                "path": path,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "encrypted": encryptor is not None,
            }
        )
    first_digest = listing[0]["sha256"]
    custody = link_custody(
        {
            "sequence": n,
            "action": action,
            "actor": actor,
            "occurred_at": f"2026-05-0{n}T10:00:00.000000Z",
            "reason": reason,
            "item_digest": first_digest if action == "collected" else "",
            "details": {"desk": "Zentralstelle Köln", "step": n},
        }
        for n, (action, actor, reason) in enumerate(
            [
                ("collected", "Officer Müller", "captured from the platform"),
                ("sealed", "Officer Müller", "package complete"),
                ("exported", "Officer Müller", "sealed export to NL"),
            ],
            1,
        )
    )
    template = {
        "collection_method": "forensic capture",
        "collection_tool": "capture-tool 2.1",
        "captured_at": "2026-05-01T09:58:00.000000Z",
        "source_url": "https://a-video.test/v/123",
        "hosting_ip": "192.0.2.10",
        "hosting_asn": 64500,
        "hosting_provider": "Example Hosting",
        "provenance": "hotline report HR-17",
        "legal_basis": "illustrative legal basis",
        "classification": "illegal in every involved jurisdiction",
    }
    removed = minimised or []
    for name in removed:
        del template[name]
    manifest = {
        "format": "takedown-evidence-export",
        "version": 1,
        "reference": REFERENCE,
        "issuing_authority": {"name": "Landeskriminalamt (demo)", "jurisdiction": "DE"},
        "key_id": "de-lka-sign-1",
        "created_at": "2026-05-03T10:00:00.000000Z",
        "template": template,
        "files": listing,
        "custody_head": custody[-1]["hash"],
        "minimised": {"removed": removed, "pseudonymised": []},
    }
    members[MANIFEST] = canonical_json(manifest)
    members[SIGNATURE] = canonical_json(
        sign_manifest(manifest, private_key=issuer, key_id="de-lka-sign-1")
    )
    members[CUSTODY] = canonical_json(custody)
    if encryptor:
        members[ENCRYPTION] = canonical_json(encryptor.document())
    return members


def write_zip(path: Path, members: dict[str, bytes], *, deflate: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            method = zipfile.ZIP_DEFLATED if name in deflate or name.endswith(".json") else 0
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def run_verify(package: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """As a receiving country runs it: no Django settings, only the project on the path."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "evidence.verify", str(package), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def line_of(result: subprocess.CompletedProcess[str], check: str) -> str:
    for line in result.stdout.splitlines():
        if line.split()[1:2] == [check.split()[0]] and check in line:
            return line
    raise AssertionError(f"no line for {check!r} in:\n{result.stdout}{result.stderr}")


@pytest.fixture
def good_members(issuer):
    return members_of(sample_files(), issuer=issuer)


def test_a_good_package_passes(tmp_path, keys, good_members):
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["issuer"])
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERDICT: VERIFIED" in result.stdout
    for check in ("archive", "signature", "manifest", "contents", "custody"):
        assert line_of(result, check).split()[0] == "PASS"
    assert line_of(result, "file files/empty.bin").split()[0] == "PASS"
    assert REFERENCE in result.stdout


def test_the_module_runs_alone_outside_the_project(tmp_path, keys, good_members):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(VERIFY_SOURCE, alone / "verify.py")
    package = write_zip(tmp_path / "p.zip", good_members)
    result = subprocess.run(
        [sys.executable, "verify.py", str(package), "--trusted-key", str(keys["issuer"])],
        cwd=alone,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_verify_imports_only_the_standard_library_and_cryptography():
    tree = ast.parse(VERIFY_SOURCE.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import in the standalone verifier"
            imported.add(node.module.split(".")[0])
    assert "cryptography" in imported
    assert imported - {"cryptography"} <= set(sys.stdlib_module_names), imported
    probe = (
        "import sys, evidence.verify; "
        "loaded = [m for m in sys.modules if m.split('.')[0] in "
        "('django', 'rest_framework', 'takedown', 'liaison', 'cases', 'deadlines')]; "
        "assert not loaded, loaded"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, timeout=60)


def test_a_tampered_file_fails_and_is_named(tmp_path, keys, good_members):
    data = bytearray(good_members["files/capture-1.bin"])
    data[1000] ^= 0x01
    good_members["files/capture-1.bin"] = bytes(data)
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["issuer"])
    )
    assert result.returncode == 1
    line = line_of(result, "file files/capture-1.bin")
    assert line.split()[0] == "FAIL" and "SHA-256 mismatch" in line
    assert line_of(result, "signature").split()[0] == "PASS"
    assert "NOT VERIFIED" in result.stdout


def test_a_tampered_manifest_fails_the_signature(tmp_path, keys, good_members):
    manifest = json.loads(good_members[MANIFEST])
    manifest["template"]["classification"] = "not illegal"
    good_members[MANIFEST] = canonical_json(manifest)
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["issuer"])
    )
    assert result.returncode == 1
    assert line_of(result, "signature").split()[0] == "FAIL"
    assert "does not verify against the trusted key" in result.stdout


def test_a_manifest_reformatted_but_unchanged_still_verifies(tmp_path, keys, good_members):
    """The signature covers the parsed manifest, not its whitespace."""
    good_members[MANIFEST] = json.dumps(json.loads(good_members[MANIFEST]), indent=2).encode()
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["issuer"])
    )
    assert result.returncode == 0, result.stdout


def test_a_wrong_trusted_key_fails(tmp_path, keys, good_members):
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["stranger"])
    )
    assert result.returncode == 1
    assert line_of(result, "signature").split()[0] == "FAIL"


def test_an_edited_custody_event_fails_and_is_named(tmp_path, keys, good_members):
    custody = json.loads(good_members[CUSTODY])
    custody[1]["reason"] = "nothing to see"
    good_members[CUSTODY] = canonical_json(custody)
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["issuer"])
    )
    assert result.returncode == 1
    line = line_of(result, "custody")
    assert line.split()[0] == "FAIL"
    assert "event 2 (sealed)" in line and "altered" in line


def test_a_rehashed_custody_chain_fails_against_the_signed_head(tmp_path, keys, good_members):
    custody = json.loads(good_members[CUSTODY])
    good_members[CUSTODY] = canonical_json(link_custody(custody[:-1]))  # drop the export event
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["issuer"])
    )
    assert result.returncode == 1
    assert "differs from the manifest's custody_head" in line_of(result, "custody")


def test_extra_and_missing_files_fail(tmp_path, keys, good_members):
    del good_members["files/empty.bin"]
    good_members["files/extra.bin"] = os.urandom(10)
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["issuer"])
    )
    assert result.returncode == 1
    line = line_of(result, "contents")
    assert "missing: files/empty.bin" in line and "not in the manifest: files/extra.bin" in line
    assert "missing from the archive" in line_of(result, "file files/empty.bin")


@pytest.mark.parametrize(
    "name",
    [
        "../evil.sh",
        "files/../../evil.sh",
        "/etc/cron.d/evil",
        "files\\..\\evil.sh",
        "C:/Windows/evil.dll",
        "files/./x.bin",
        "files//x.bin",
    ],
)
def test_zip_slip_entry_names_are_refused(tmp_path, keys, good_members, name):
    good_members[name] = b"#!/bin/sh\n"
    result = run_verify(
        write_zip(tmp_path / "p.zip", good_members), "--trusted-key", str(keys["issuer"])
    )
    assert result.returncode == 1
    line = line_of(result, "archive")
    assert line.split()[0] == "FAIL" and "unsafe entry name" in line
    assert "signature" not in result.stdout.split("VERDICT")[0].split("archive", 1)[1]


def test_a_zip_bomb_entry_is_refused_before_it_is_read(tmp_path, keys, issuer):
    files = {
        "files/zeros.bin": bytes(50 * 1024 * 1024)
    }  # signed and listed: only the ratio is wrong
    package = write_zip(
        tmp_path / "bomb.zip", members_of(files, issuer=issuer), deflate=("files/zeros.bin",)
    )
    assert package.stat().st_size < 1024 * 1024
    result = run_verify(package, "--trusted-key", str(keys["issuer"]))
    assert result.returncode == 1
    line = line_of(result, "archive")
    assert "zip bomb" in line and "files/zeros.bin" in line
    assert "file files/zeros.bin" not in result.stdout  # never decompressed


def test_the_total_size_limit_is_enforced(tmp_path, keys, good_members):
    package = write_zip(tmp_path / "p.zip", good_members)
    result = run_verify(package, "--trusted-key", str(keys["issuer"]), "--max-total-size", "1000")
    assert result.returncode == 1
    assert "more than the limit of 1000" in line_of(result, "archive")


@pytest.fixture
def encrypted_package(tmp_path, issuer, receiver):
    members = members_of(sample_files(), issuer=issuer, encrypt_to=receiver.public_key())
    return members, write_zip(tmp_path / "encrypted.zip", members)


def test_an_encrypted_package_verifies_with_the_receiver_key(keys, encrypted_package):
    members, package = encrypted_package
    assert all(data not in members["files/logs/fetch.log"] for data in (b"GET https",))
    result = run_verify(
        package, "--trusted-key", str(keys["issuer"]), "--key", str(keys["receiver"])
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "decrypted" in line_of(result, "file files/capture-1.bin")


def test_an_encrypted_package_fails_with_a_wrong_receiver_key(keys, encrypted_package):
    _members, package = encrypted_package
    result = run_verify(
        package, "--trusted-key", str(keys["issuer"]), "--key", str(keys["wrong_receiver"])
    )
    assert result.returncode == 1
    assert "another receiver key" in line_of(result, "encryption")
    assert line_of(result, "file files/capture-1.bin").split()[0] == "FAIL"


def test_an_encrypted_package_without_a_key_is_unverified_unless_allowed(keys, encrypted_package):
    _members, package = encrypted_package
    result = run_verify(package, "--trusted-key", str(keys["issuer"]))
    assert result.returncode == 1
    assert line_of(result, "file files/capture-1.bin").split()[0] == "UNVERIFIED"
    assert "cannot be checked" in line_of(result, "encryption")
    allowed = run_verify(
        package, "--trusted-key", str(keys["issuer"]), "--allow-unverified-content"
    )
    assert allowed.returncode == 0, allowed.stdout
    assert "VERIFIED EXCEPT CONTENT" in allowed.stdout


def test_a_tampered_encrypted_file_fails_and_is_named(tmp_path, keys, encrypted_package):
    members, _package = encrypted_package
    data = bytearray(members["files/capture-1.bin"])
    data[5] ^= 0x01
    members["files/capture-1.bin"] = bytes(data)
    package = write_zip(tmp_path / "tampered.zip", members)
    result = run_verify(
        package, "--trusted-key", str(keys["issuer"]), "--key", str(keys["receiver"])
    )
    assert result.returncode == 1
    line = line_of(result, "file files/capture-1.bin")
    assert line.split()[0] == "FAIL" and "altered" in line
    assert line_of(result, "file files/logs/fetch.log").split()[0] == "PASS"


def test_a_minimised_package_states_what_was_removed(tmp_path, keys, issuer):
    members = members_of(sample_files(), issuer=issuer, minimised=["hosting_ip", "provenance"])
    package = write_zip(tmp_path / "p.zip", members)
    assert run_verify(package, "--trusted-key", str(keys["issuer"])).returncode == 0
    manifest = json.loads(members[MANIFEST])
    assert manifest["minimised"]["removed"] == ["hosting_ip", "provenance"]
    assert "hosting_ip" not in manifest["template"]


def test_verify_package_gives_the_same_verdict_to_a_program(tmp_path, keys, good_members):
    package = write_zip(tmp_path / "p.zip", good_members)
    report = verify_package(package, load_trusted_key(keys["issuer"]))
    assert report.ok and report.reference == REFERENCE
    assert {check.status for check in report.checks} == {"PASS"}
    stranger = verify_package(package, load_trusted_key(keys["stranger"]))
    assert not stranger.ok and [c.name for c in stranger.failures] == ["signature"]


def test_unreadable_key_file_is_a_usage_error(tmp_path, good_members):
    package = write_zip(tmp_path / "p.zip", good_members)
    result = run_verify(package, "--trusted-key", str(tmp_path / "missing.pub"))
    assert result.returncode == 2
    assert "cannot load key" in result.stderr


def test_without_a_key_what_can_be_checked_still_is(tmp_path, keys, encrypted_package):
    members, _package = encrypted_package
    members["files/capture-1.bin"] = members["files/capture-1.bin"][:-100]
    package = write_zip(tmp_path / "cut.zip", members)
    result = run_verify(package, "--trusted-key", str(keys["issuer"]), "--allow-unverified-content")
    assert result.returncode == 1
    assert line_of(result, "file files/capture-1.bin").split()[0] == "FAIL"
    assert line_of(result, "file files/logs/fetch.log").split()[0] == "UNVERIFIED"


def _lying_zip(path: Path, members: dict[str, bytes], name: str, real_mib: int) -> Path:
    """``members`` with ``name`` replaced by ``real_mib`` MiB of zeros (deflated to a few
    hundred KiB) whose headers declare 100 bytes."""
    with zipfile.ZipFile(path, "w") as archive:
        for each, data in members.items():
            if each != name:
                archive.writestr(zipfile.ZipInfo(each), data)
                continue
            info = zipfile.ZipInfo(each)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as out:
                zeros = bytes(1024 * 1024)
                for _ in range(real_mib):
                    out.write(zeros)
    raw = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        at = raw.find(signature)
        while at != -1:
            if raw[at + name_at : at + name_at + len(encoded)] == encoded:
                raw[at + size_at : at + size_at + 4] = (100).to_bytes(4, "little")
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))
    return path


def test_a_json_member_that_lies_about_its_size_is_refused_in_bounded_memory(
    tmp_path, keys, good_members
):
    """1 GiB of zeros declared as 100 bytes: the verifier runs under a 512 MiB address
    space limit and still answers, naming the member."""
    package = _lying_zip(tmp_path / "liar.zip", good_members, "manifest.json", 1024)
    assert package.stat().st_size < 8 * 1024 * 1024
    capped = (
        "import resource, runpy, sys; limit = 512 * 1024 * 1024; "
        "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
        "sys.argv = ['verify', *sys.argv[1:]]; "
        "runpy.run_module('evidence.verify', run_name='__main__')"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", capped, str(package), "--trusted-key", str(keys["issuer"])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "MemoryError" not in result.stderr
    assert "manifest.json is not readable JSON" in result.stdout
    assert "VERDICT: NOT VERIFIED" in result.stdout

"""Sealed exports through the export view, checked offline by `python -m evidence.verify`
in a subprocess that has neither Django settings nor the database."""

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.contrib.messages import get_messages
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.choices import CustodyAction
from evidence.exports import package_export
from evidence.verify import canonical_json, key_text
from liaison.keys import authority_key_create, current_key
from takedown.core.errors import InvalidTransition
from takedown.core.models import AuditEvent
from tests.conftest import login
from tests.evidence.conftest import synthetic_png
from tests.liaison.factories import AuthorityFactory, JurisdictionFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PNG = synthetic_png(seed=61)
LOG = b"".join(
    f"2026-03-01T10:{i // 60:02d}:{i % 60:02d}Z capture step {i} ok (synthetic)\n".encode()
    for i in range(300)
)


def upload(client, package, data: bytes, name: str):
    response = client.post(
        f"/evidence/{package.reference}/upload/", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def export(client, package, authority, reason: str = "MLA to the receiver"):
    return client.post(
        f"/evidence/{package.reference}/export/", {"receiver": authority.pk, "reason": reason}
    )


def run_verify(package: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The standalone verifier, as a receiving country runs it: no Django, no database."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "evidence.verify", str(package), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def line_of(result: subprocess.CompletedProcess[str], check: str) -> str:
    """The verifier's report line of one check ("  FAIL        signature  ...")."""
    for line in result.stdout.splitlines():
        status, _sep, rest = line.strip().partition(" ")
        if status in ("PASS", "FAIL", "UNVERIFIED") and rest.lstrip().startswith(check + " "):
            return line
    raise AssertionError(f"no line for {check!r} in:\n{result.stdout}{result.stderr}")


def rezip(archive: bytes, changes: dict) -> bytes:
    """The same archive with some members replaced (CRCs recomputed, as a forger would)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in changes:
                data = changes[info.filename](data)
            target.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue()


@pytest.fixture
def sealed(evidence_officer, package):
    client = login(evidence_officer)
    upload(client, package, PNG, "capture.png")
    upload(client, package, LOG, "capture.log")
    assert client.post(f"/evidence/{package.reference}/seal/").status_code == 302
    package.refresh_from_db()
    assert package.status == "sealed"
    return package


@pytest.fixture
def keyfiles(tmp_path, sealed, receiver):
    """The issuer's published Ed25519 key and the receiver's X25519 private key, as files."""
    issuer = tmp_path / "issuer.pub"
    issuer.write_text(current_key(authority=sealed.collecting_authority).public_key)
    _authority, key = receiver
    receiver_key = tmp_path / "receiver.key"
    receiver_key.write_text(key.private_key)
    return {"trusted": str(issuer), "key": str(receiver_key)}


@pytest.fixture
def minimising_receiver(receiver, network):
    network["nl"].requires_minimised_exports = True
    network["nl"].save()
    return receiver


@pytest.fixture
def minimised_export(evidence_officer, sealed, minimising_receiver, tmp_path):
    authority, _key = minimising_receiver
    response = export(login(evidence_officer), sealed, authority)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{sealed.reference}-minimised.zip"'
    )
    archive = b"".join(response.streaming_content)
    path = tmp_path / "export.zip"
    path.write_bytes(archive)
    return path, archive


def members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def file_path_of(archive: bytes, suffix: str) -> str:
    manifest = json.loads(members(archive)["manifest.json"])
    return next(f["path"] for f in manifest["files"] if f["path"].endswith(suffix))


# --- a data-minimised export ---------------------------------------------------------


def test_a_minimised_export_removes_and_pseudonymises_and_still_verifies(
    sealed, minimised_export, keyfiles, tmp_path
):
    path, archive = minimised_export
    content = members(archive)
    manifest = json.loads(content["manifest.json"])
    assert "hosting_ip" not in manifest["template"]
    assert manifest["template"]["provenance"].startswith("pseudonym:")
    assert manifest["template"]["provenance"] != sealed.provenance
    assert manifest["minimised"] == {"removed": ["hosting_ip"], "pseudonymised": ["provenance"]}
    assert manifest["template"]["legal_basis"] == sealed.legal_basis  # not personal: kept
    # The collector's seal over the full template would confirm a guess of the removed
    # fields: it is withheld, and the manifest says what its own signature covers.
    assert manifest["seal"] is None and "withheld" in manifest["signed_over"]
    assert all(sealed.signature.encode() not in data for data in content.values())
    for name in ("manifest.json", "custody.json", "signature.json", "encryption.json"):
        assert b"192.0.2.10" not in content[name]
        assert sealed.provenance.encode() not in content[name]
    for entry in manifest["files"]:
        assert entry["encrypted"] is True
        assert PNG[100:160] not in content[entry["path"]]
        assert LOG[100:160] not in content[entry["path"]]

    result = run_verify(
        path, tmp_path, "--trusted-key", keyfiles["trusted"], "--key", keyfiles["key"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERDICT: VERIFIED - every check passed." in result.stdout
    assert "PASS" in line_of(result, "custody")
    exported = sealed.custody_events.get(action=CustodyAction.EXPORTED)
    assert exported.details["minimised"] is True and exported.details["encrypted"] is True
    assert json.loads(content["custody.json"])[-1]["hash"] == exported.hash
    assert AuditEvent.objects.filter(action="evidence.exported").count() == 1


def test_a_minimised_export_cannot_confirm_a_guess_against_the_sealed_digest(
    sealed, minimised_export
):
    """Its chain carries the "sealed" event's manifest digest. Even the right guess of
    the removed fields, put back into the seal manifest, does not reproduce it: the salt
    stays home."""
    _path, archive = minimised_export
    events = json.loads(members(archive)["custody.json"])
    digest = next(e for e in events if e["action"] == CustodyAction.SEALED)["details"]
    assert digest["manifest_sha256"] == hashlib.sha256(canonical_json(sealed.manifest)).hexdigest()
    guessed = {k: v for k, v in sealed.manifest.items() if k != "salt"}  # all but the salt
    assert guessed["template"]["hosting_ip"] == "192.0.2.10"  # the right guess
    assert hashlib.sha256(canonical_json(guessed)).hexdigest() != digest["manifest_sha256"]
    salt = sealed.manifest["salt"].encode()
    assert all(salt not in data for data in members(archive).values())


def test_an_export_to_a_jurisdiction_that_does_not_ask_keeps_every_field(
    evidence_officer, sealed, receiver, keyfiles, tmp_path
):
    authority, _key = receiver
    assert not authority.jurisdiction.requires_minimised_exports
    response = export(login(evidence_officer), sealed, authority)
    archive = b"".join(response.streaming_content)
    manifest = json.loads(members(archive)["manifest.json"])
    assert manifest["template"]["hosting_ip"] == "192.0.2.10"
    assert manifest["template"]["provenance"] == sealed.provenance
    assert manifest["minimised"] == {"removed": [], "pseudonymised": []}
    path = tmp_path / "full.zip"
    path.write_bytes(archive)
    result = run_verify(
        path, tmp_path, "--trusted-key", keyfiles["trusted"], "--key", keyfiles["key"]
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- tampering and the wrong key ------------------------------------------------------


def _flip_middle(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def _edit_manifest(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["template"]["classification"] = "not_illegal"
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()


def test_a_flipped_byte_in_an_encrypted_member_fails_and_is_named(
    minimised_export, keyfiles, tmp_path
):
    _path, archive = minimised_export
    member = file_path_of(archive, ".png")
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(rezip(archive, {member: _flip_middle}))
    result = run_verify(
        tampered, tmp_path, "--trusted-key", keyfiles["trusted"], "--key", keyfiles["key"]
    )
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_of(result, f"file {member}")
    assert "FAIL" in line and "altered" in line
    assert "PASS" in line_of(result, "signature")
    other = file_path_of(archive, ".txt")
    assert "PASS" in line_of(result, f"file {other}")
    assert "VERDICT: NOT VERIFIED" in result.stdout and member in result.stdout.splitlines()[-1]


def test_an_edited_manifest_fails_the_signature(minimised_export, keyfiles, tmp_path):
    _path, archive = minimised_export
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(rezip(archive, {"manifest.json": _edit_manifest}))
    result = run_verify(
        tampered, tmp_path, "--trusted-key", keyfiles["trusted"], "--key", keyfiles["key"]
    )
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_of(result, "signature")
    assert "FAIL" in line and "does not verify" in line
    assert (
        "VERDICT: NOT VERIFIED" in result.stdout and "signature" in result.stdout.splitlines()[-1]
    )


def test_an_edited_custody_record_in_the_export_fails(minimised_export, keyfiles, tmp_path):
    _path, archive = minimised_export

    def edit(data: bytes) -> bytes:
        events = json.loads(data)
        events[0]["reason"] = "Uploaded by someone else"
        return json.dumps(events).encode()

    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(rezip(archive, {"custody.json": edit}))
    result = run_verify(
        tampered, tmp_path, "--trusted-key", keyfiles["trusted"], "--key", keyfiles["key"]
    )
    assert result.returncode == 1
    line = line_of(result, "custody")
    assert "FAIL" in line and "event 1 (collected)" in line


def test_the_wrong_receiver_key_fails(minimised_export, keyfiles, tmp_path):
    path, _archive = minimised_export
    wrong = tmp_path / "wrong.key"
    wrong.write_text(key_text(X25519PrivateKey.generate()))
    result = run_verify(path, tmp_path, "--trusted-key", keyfiles["trusted"], "--key", str(wrong))
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_of(result, "encryption")
    assert "FAIL" in line and "another receiver key" in line
    assert "PASS" in line_of(result, "signature")


def test_the_wrong_trusted_key_fails(evidence_officer, minimised_export, keyfiles, tmp_path):
    path, _archive = minimised_export

    stranger = authority_key_create(authority=AuthorityFactory(name="Not the issuer"))
    trusted = tmp_path / "stranger.pub"
    trusted.write_text(stranger.public_key)
    result = run_verify(path, tmp_path, "--trusted-key", str(trusted), "--key", keyfiles["key"])
    assert result.returncode == 1
    assert "FAIL" in line_of(result, "signature")


# --- clear exports ----------------------------------------------------------------------


def test_a_clear_export_is_refused_unless_the_operator_allows_it(
    evidence_officer, sealed, receiver, keyfiles, settings, tmp_path
):
    authority, _key = receiver
    settings.EVIDENCE_ALLOW_CLEAR_EXPORTS = False
    with pytest.raises(InvalidTransition, match="not allowed"):
        package_export(
            package=sealed, officer=evidence_officer, receiver=authority, reason="x", clear=True
        )
    assert not sealed.custody_events.filter(action=CustodyAction.EXPORTED).exists()

    settings.EVIDENCE_ALLOW_CLEAR_EXPORTS = True
    name, stream = package_export(
        package=sealed, officer=evidence_officer, receiver=authority, reason="court", clear=True
    )
    archive = b"".join(stream)
    content = members(archive)
    assert "encryption.json" not in content
    manifest = json.loads(content["manifest.json"])
    assert all(entry["encrypted"] is False for entry in manifest["files"])
    assert content[file_path_of(archive, ".png")] == PNG
    exported = sealed.custody_events.get(action=CustodyAction.EXPORTED)
    assert exported.details["encrypted"] is False and exported.details["recipient_key_id"] is None
    path = tmp_path / name
    path.write_bytes(archive)
    result = run_verify(path, tmp_path, "--trusted-key", keyfiles["trusted"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERDICT: VERIFIED - every check passed." in result.stdout


# --- refusals -----------------------------------------------------------------------


def test_exporting_a_draft_is_refused(evidence_officer, package, receiver):
    authority, _key = receiver
    client = login(evidence_officer)
    upload(client, package, PNG, "capture.png")
    response = export(client, package, authority)
    assert response.status_code == 302
    assert not response.streaming
    assert "Only a sealed package can be exported" in messages_of(response)
    assert not package.custody_events.filter(action=CustodyAction.EXPORTED).exists()
    assert not AuditEvent.objects.filter(action="evidence.exported").exists()


def test_a_receiver_without_an_encryption_key_is_refused_with_a_clear_message(
    evidence_officer, sealed, network
):
    keyless = AuthorityFactory(
        jurisdiction=JurisdictionFactory(code="FR"), name="FR police (no keys yet)"
    )
    response = export(login(evidence_officer), sealed, keyless)
    assert response.status_code == 302
    assert not response.streaming
    shown = messages_of(response)
    assert "has no encryption key to export to" in shown and "registers one" in shown
    page = login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    export_form = page.split(f"/evidence/{sealed.reference}/export/", 1)[1].split("</form>")[0]
    assert "FR police (no keys yet)" not in export_form  # the form does not offer it
    with pytest.raises(InvalidTransition, match=r"FR police \(no keys yet\) has no encryption"):
        package_export(package=sealed, officer=evidence_officer, receiver=keyless, reason="x")
    assert not sealed.custody_events.filter(action=CustodyAction.EXPORTED).exists()


def test_an_officer_without_the_export_permission_is_refused(actors, sealed, receiver):
    authority, _key = receiver
    response = export(login(actors["colleague"]), sealed, authority)
    assert response.status_code == 403
    assert not sealed.custody_events.filter(action=CustodyAction.EXPORTED).exists()


def test_an_export_of_a_tampered_store_is_refused(evidence_officer, sealed, receiver):

    item = sealed.items.order_by("created_at", "id").first()
    stored = Path(storages["evidence"].path(item.storage_name))
    stored.write_bytes(_flip_middle(stored.read_bytes()))
    authority, _key = receiver
    response = export(login(evidence_officer), sealed, authority)
    assert response.status_code == 302
    assert str(item.file_id) in messages_of(response)
    assert not sealed.custody_events.filter(action=CustodyAction.EXPORTED).exists()


def test_an_export_still_verifies_after_the_issuing_authority_was_renamed(
    evidence_officer, sealed, receiver, keyfiles, tmp_path
):
    """Renaming an authority (configuration an operator edits) must not make every
    later export of its older chains fail the receiving country's check."""
    from liaison.models import Authority

    Authority.objects.filter(pk=evidence_officer.authority_id).update(name="Renamed authority")
    authority, _key = receiver
    evidence_officer.refresh_from_db()
    response = export(login(evidence_officer), sealed, authority)
    path = tmp_path / "renamed.zip"
    path.write_bytes(b"".join(response.streaming_content))
    result = run_verify(
        path, tmp_path, "--trusted-key", keyfiles["trusted"], "--key", keyfiles["key"]
    )
    assert result.returncode == 0, result.stdout + result.stderr

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.choices import CustodyAction
from evidence.models import EvidenceItem
from liaison.keys import b64url_decode
from tests.conftest import login
from tests.evidence.conftest import synthetic_png

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def upload(client, package, data: bytes, name: str = "capture.png"):
    return client.post(
        f"/evidence/{package.reference}/upload/", {"file": SimpleUploadedFile(name, data)}
    )


def test_upload_is_encrypted_at_rest_and_download_is_logged(evidence_officer, package, settings):
    client = login(evidence_officer)
    png = synthetic_png()
    assert upload(client, package, png).status_code == 302
    item = EvidenceItem.objects.get()
    assert item.size == len(png) and item.content_type == "image/png"
    storage = storages["evidence"]
    stored = storage.open(item.storage_name).read()
    assert png not in stored and png[100:200] not in stored  # no clear copy in storage
    for root, _dirs, files in os.walk(storage.location):
        for name in files:
            assert png[64:128] not in Path(root, name).read_bytes()
    response = client.post(
        f"/evidence/files/{item.file_id}/download/", {"reason": "Prepare the MLA file"}
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png
    assert response["Content-Disposition"].startswith('attachment; filename="EP-')
    actions = list(package.custody_events.values_list("action", flat=True))
    assert actions == [CustodyAction.COLLECTED, CustodyAction.DOWNLOADED]


def test_type_is_checked_by_content_and_nothing_is_kept(evidence_officer, package):
    client = login(evidence_officer)
    upload(client, package, b"MZ\x90\x00not really a png" * 100, name="fake.png")
    assert not EvidenceItem.objects.exists()
    upload(client, package, b"hello", name="script.exe")
    assert not EvidenceItem.objects.exists()
    assert (
        not any(os.scandir(storages["evidence"].location))
        or all(not e.name.endswith(".tdev") for e in os.scandir(storages["evidence"].location))
        or EvidenceItem.objects.count() == 0
    )


def test_size_limit(evidence_officer, package, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    client = login(evidence_officer)
    upload(client, package, synthetic_png(200, 200))
    assert not EvidenceItem.objects.exists()


def test_officer_without_the_permission_and_outsider_cannot_download(
    evidence_officer, package, actors
):
    client = login(evidence_officer)
    upload(client, package, synthetic_png())
    item = EvidenceItem.objects.get()
    assert (
        login(actors["colleague"])
        .post(f"/evidence/files/{item.file_id}/download/", {"reason": "x"})
        .status_code
        == 403
    )
    assert (
        login(actors["outsider"])
        .post(f"/evidence/files/{item.file_id}/download/", {"reason": "x"})
        .status_code
        == 404
    )
    assert package.custody_events.filter(action=CustodyAction.DOWNLOADED).count() == 0


def test_seal_export_and_offline_verification(evidence_officer, package, receiver, tmp_path):
    client = login(evidence_officer)
    upload(client, package, synthetic_png(seed=7))
    upload(client, package, b"2026-01-01 capture log (synthetic)\n" * 50, name="capture.log")
    assert client.post(f"/evidence/{package.reference}/seal/").status_code == 302
    package.refresh_from_db()
    assert package.status == "sealed"
    authority, key = receiver
    response = client.post(
        f"/evidence/{package.reference}/export/", {"receiver": authority.pk, "reason": "MLA to NL"}
    )
    assert response.status_code == 200
    archive = b"".join(response.streaming_content)
    path = tmp_path / "package.zip"
    path.write_bytes(archive)
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert {"manifest.json", "signature.json", "custody.json", "encryption.json"} <= set(names)
    issuer_key = tmp_path / "issuer.pub"
    from liaison.keys import current_key

    issuer_key.write_text(current_key(authority=package.collecting_authority).public_key)
    receiver_key = tmp_path / "receiver.key"
    receiver_key.write_text(key.private_key)
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "evidence.verify",
            str(path),
            "--trusted-key",
            str(issuer_key),
            "--key",
            str(receiver_key),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(b64url_decode(key.public_key)) == 32


def test_images_get_a_pdq_hash_when_the_extra_is_installed(evidence_officer, package):
    try:
        import pdqhash  # noqa: F401
    except ImportError:
        from tests.conftest import service_unavailable

        service_unavailable("the optional pdqhash extra is not installed")
    client = login(evidence_officer)
    upload(client, package, synthetic_png(128, 128, seed=3))
    item = EvidenceItem.objects.get()
    assert len(item.pdq) == 64 and int(item.pdq, 16) != 0
    upload(client, package, b"log line (synthetic)\n" * 10, name="run.log")
    assert EvidenceItem.objects.get(content_type="text/plain").pdq == ""  # not an image

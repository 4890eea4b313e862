"""Keys and storage: KEK rotation re-wraps data keys without touching content, a wrong
KEK fails cleanly, no plaintext anywhere in the evidence storage, the template is
checked before sealing, a sealed package is immutable and its seal verifies."""

import hashlib
import io
import os
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.contrib.messages import get_messages
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from evidence import services
from evidence.choices import CustodyAction, PackageStatus
from evidence.crypto import EvidenceIntegrityError
from evidence.models import EvidenceItem, EvidencePackage
from evidence.verify import canonical_json
from liaison.keys import b64url_decode, current_key
from takedown.core.crypto import generate_kek_spec, keyring
from takedown.core.errors import InvalidTransition, ValidationFailed
from tests.conftest import login
from tests.evidence.conftest import synthetic_png

pytestmark = pytest.mark.django_db

LOG = b"".join(
    f"2026-03-01T10:{i // 60:02d}:{i % 60:02d}Z capture step {i} ok (synthetic)\n".encode()
    for i in range(200)
)


def upload(client, package, data: bytes, name: str = "capture.png"):
    response = client.post(
        f"/evidence/{package.reference}/upload/", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302
    return response


def download(client, item, reason: str = "Prepare the court file"):
    return client.post(f"/evidence/files/{item.file_id}/download/", {"reason": reason})


def stored_bytes(item: EvidenceItem) -> bytes:
    return Path(storages["evidence"].path(item.storage_name)).read_bytes()


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def synthetic_log(lines: int, seed: int) -> bytes:
    """A capture log of unique synthetic lines (so every slice of it is distinctive)."""
    rng = random.Random(seed)
    return b"".join(
        (
            f"2026-03-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z "
            f"fetch https://b-social.test/p/{i} status=200 etag={rng.getrandbits(64):016x} "
            f"worker={rng.randrange(1000)} (synthetic)\n"
        ).encode()
        for i in range(lines)
    )


# --- KEK rotation ------------------------------------------------------------------------


@pytest.fixture
def two_files(evidence_officer, package):
    client = login(evidence_officer)
    png = synthetic_png(seed=21)
    upload(client, package, png)
    upload(client, package, LOG, name="capture.log")
    return {item.content_type: item for item in package.items.all()}, png


def test_rotation_rewraps_every_data_key_and_leaves_content_alone(
    evidence_officer, package, two_files, settings
):
    items, png = two_files
    old = settings.TAKEDOWN_KEKS
    old_kid = keyring().current_kid
    ciphertext = {item.pk: stored_bytes(item) for item in items.values()}
    wrapped = {item.pk: item.wrapped_key for item in items.values()}
    new = generate_kek_spec("rotated2")

    with override_settings(TAKEDOWN_KEKS=f"{new},{old}"):
        out = io.StringIO()
        call_command("rotate_evidence_keys", stdout=out)
        assert "2 data keys re-wrapped under rotated2" in out.getvalue()
        for item in EvidenceItem.objects.all():
            assert keyring().kid_of(item.wrapped_key) == "rotated2"
            assert item.wrapped_key != wrapped[item.pk]
        out = io.StringIO()
        call_command("rotate_evidence_keys", stdout=out)  # nothing left to do
        assert "0 data keys re-wrapped" in out.getvalue()

    for item in EvidenceItem.objects.all():
        assert stored_bytes(item) == ciphertext[item.pk]  # content not re-encrypted

    with override_settings(TAKEDOWN_KEKS=new):  # the old KEK is gone
        assert old_kid not in keyring().keys
        client = login(evidence_officer)
        response = download(client, items["image/png"])
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == png
        response = download(client, items["text/plain"])
        assert b"".join(response.streaming_content) == LOG
        assert "2 files verified" in _verify_custody()


def test_package_page_still_renders_once_the_old_kek_is_removed(
    evidence_officer, package, two_files, settings
):
    """After rotating and retiring the old KEK, the package (with its seal check) is
    still shown: verifying a seal needs only public keys."""
    client = login(evidence_officer)
    assert client.post(f"/evidence/{package.reference}/seal/").status_code == 302
    old = settings.TAKEDOWN_KEKS
    new = generate_kek_spec("rotated3")
    with override_settings(TAKEDOWN_KEKS=f"{new},{old}"):
        call_command("rotate_evidence_keys", stdout=io.StringIO())
    with override_settings(TAKEDOWN_KEKS=new):
        client.raise_request_exception = False
        response = client.get(f"/evidence/{package.reference}/")
        assert response.status_code == 200


def _verify_custody() -> str:
    out = io.StringIO()
    call_command("verify_custody", stdout=out)
    return out.getvalue()


def test_a_wrong_kek_fails_cleanly(evidence_officer, package, two_files):
    items, png = two_files
    before = package.custody_events.count()
    with override_settings(TAKEDOWN_KEKS=generate_kek_spec("unrelated")):
        client = login(evidence_officer)
        response = download(client, items["image/png"])
        assert response.status_code == 302  # back to the package, nothing sent
        assert not response.streaming
        assert png[200:264] not in response.content
        assert "Refused" in messages_of(response)
        with pytest.raises(CommandError, match=f"file {items['image/png'].file_id}"):
            _verify_custody()
        wrapped = sorted(EvidenceItem.objects.values_list("wrapped_key", flat=True))
        with pytest.raises((CommandError, EvidenceIntegrityError), match="does not unwrap"):
            call_command("rotate_evidence_keys", stdout=io.StringIO())
        assert sorted(EvidenceItem.objects.values_list("wrapped_key", flat=True)) == wrapped
    assert not package.custody_events.filter(action=CustodyAction.DOWNLOADED).exists()
    refusal = package.custody_events.order_by("-sequence").first()
    assert package.custody_events.count() == before + 1
    assert refusal.action == CustodyAction.VERIFIED and refusal.details["ok"] is False
    assert "unwrap" in refusal.details["problem"]
    # With the right KEK back, nothing was lost.
    response = download(login(evidence_officer), items["image/png"])
    assert b"".join(response.streaming_content) == png


# --- no plaintext anywhere in the storage --------------------------------------------


def test_no_plaintext_anywhere_in_the_evidence_storage(
    evidence_officer, package, settings, tmp_path
):
    # Django's default handlers would spool uploads over 2.5 MB to a temporary file in
    # clear; the evidence handler must leave this folder empty.
    spool = tmp_path / "upload-spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    plaintexts = {
        "noise-large.png": synthetic_png(640, 600, seed=31),  # > 1 MiB: several chunks
        "noise-small.png": synthetic_png(40, 30, seed=32),
        "capture.log": synthetic_log(30_000, seed=33),  # > 2.5 MB
    }
    assert len(plaintexts["noise-large.png"]) > 2**20
    assert len(plaintexts["capture.log"]) > 2.5 * 2**20
    client = login(evidence_officer)
    for name, data in plaintexts.items():
        upload(client, package, data, name=name)
    items = list(package.items.all())
    assert len(items) == 3
    assert {i.sha256 for i in items} == {hashlib.sha256(d).hexdigest() for d in plaintexts.values()}

    slices = []
    for data in plaintexts.values():
        for fraction in (0.1, 0.3, 0.5, 0.7, 0.9):
            start = int(len(data) * fraction)
            slices.append(data[start : start + 48])
        slices.append(data[-48:])
    assert len(set(slices)) == len(slices)

    location = storages["evidence"].location
    seen_names = set()
    for root, _dirs, files in os.walk(location):
        for name in files:
            seen_names.add(name)
            content = Path(root, name).read_bytes()
            for piece in slices:
                assert piece not in content, f"plaintext found in {Path(root, name)}"
    assert {i.storage_name for i in items} <= seen_names  # the walk saw our files
    for item in items:
        assert not any(part in item.storage_name for part in plaintexts)  # server-made
    assert list(spool.iterdir()) == []
    # And every one of them comes back whole through a logged download.
    for item in items:
        response = download(client, item)
        assert b"".join(response.streaming_content) == plaintexts[item.original_name]


# --- the template before sealing ------------------------------------------------------


def test_an_incomplete_package_refuses_to_seal_and_names_the_missing_fields(
    evidence_officer, package
):
    bare = services.package_create(
        case=package.case, officer=evidence_officer, source_url="https://b-social.test/p/1"
    )
    expected = {
        "collection_method",
        "collection_tool",
        "captured_at",
        "hosting_provider",
        "provenance",
        "legal_basis",
        "classification",
        "content_sha256",
    }
    with pytest.raises(ValidationFailed) as caught:
        services.package_seal(package=bare, officer=evidence_officer)
    assert caught.value.code == "package_incomplete"
    assert set(caught.value.fields) == expected  # the API's keys: field names
    labels = services.missing_labels(bare)  # people read the template's labels
    assert "Hosting provider" in labels and len(labels) == len(expected)
    assert all(label in caught.value.detail for label in labels)
    assert not any(name in caught.value.detail for name in expected)

    response = login(evidence_officer).post(f"/evidence/{bare.reference}/seal/")
    assert response.status_code == 302
    shown = messages_of(response)
    assert all(label in shown for label in labels)
    bare.refresh_from_db()
    assert bare.status == PackageStatus.DRAFT and not bare.signature
    assert not bare.custody_events.filter(action=CustodyAction.SEALED).exists()

    # Once a file is in, its digest stands for content_sha256.
    upload(login(evidence_officer), bare, synthetic_png(seed=41))
    with pytest.raises(ValidationFailed) as caught:
        services.package_seal(package=bare, officer=evidence_officer)
    assert "content_sha256" not in caught.value.fields


# --- sealed is immutable; new material goes into a follow-up ----------------------------


@pytest.fixture
def sealed(evidence_officer, package):
    client = login(evidence_officer)
    upload(client, package, synthetic_png(seed=51))
    assert client.post(f"/evidence/{package.reference}/seal/").status_code == 302
    package.refresh_from_db()
    assert package.status == PackageStatus.SEALED
    return package


def test_a_sealed_package_refuses_uploads_and_edits(evidence_officer, sealed):
    client = login(evidence_officer)
    location = Path(storages["evidence"].location)
    stored_before = sorted(p.name for p in location.iterdir())
    events_before = sealed.custody_events.count()

    response = upload(client, sealed, synthetic_png(seed=52), name="late.png")
    assert "sealed" in messages_of(response).lower()
    assert sealed.items.count() == 1
    assert sorted(p.name for p in location.iterdir()) == stored_before  # no orphan

    with pytest.raises(InvalidTransition):
        services.package_update(package=sealed, officer=evidence_officer, classification="x")
    response = client.post(
        f"/evidence/{sealed.reference}/", {"classification": "changed after sealing"}
    )
    assert response.status_code == 403
    sealed.refresh_from_db()
    assert sealed.classification == "illegal_all"
    assert sealed.custody_events.count() == events_before
    assert services.seal_valid(sealed)


def test_new_material_goes_into_a_follow_up_package_linked_to_the_sealed_one(
    evidence_officer, sealed
):
    client = login(evidence_officer)
    response = client.post(f"/evidence/{sealed.reference}/follow-up/")
    assert response.status_code == 302
    follow_up = EvidencePackage.objects.exclude(pk=sealed.pk).get()
    assert response["Location"] == f"/evidence/{follow_up.reference}/"
    assert follow_up.previous_package == sealed
    assert follow_up.status == PackageStatus.DRAFT
    assert list(sealed.follow_ups.all()) == [follow_up]

    upload(client, follow_up, synthetic_png(seed=53), name="later.png")
    services.package_update(
        package=follow_up,
        officer=evidence_officer,
        **{
            name: getattr(sealed, name)
            for name in services.REQUIRED_FIELDS
            if name not in ("source_url",)
        },
    )
    assert client.post(f"/evidence/{follow_up.reference}/seal/").status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == PackageStatus.SEALED
    assert follow_up.manifest["previous_package"] == sealed.reference
    assert services.seal_valid(follow_up)
    page = client.get(f"/evidence/{follow_up.reference}/").content.decode()
    assert f"/evidence/{sealed.reference}/" in page
    sealed.refresh_from_db()
    assert sealed.items.count() == 1  # the original is untouched


# --- the seal ------------------------------------------------------------------------


def test_the_seal_signature_verifies_and_fails_after_tampering(evidence_officer, sealed):
    assert services.seal_valid(sealed)
    key = current_key(authority=sealed.collecting_authority)
    assert key.key_id == sealed.signing_key_id
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(key.public_key))
    public.verify(b64url_decode(sealed.signature), canonical_json(sealed.manifest))
    item = sealed.items.get()
    assert sealed.manifest["files"] == [
        {"file_id": str(item.file_id), "size": item.size, "sha256": item.sha256, "md5": item.md5}
    ]
    assert sealed.manifest["template"]["hosting_ip"] == "192.0.2.10"

    tampered = dict(sealed.manifest, template=dict(sealed.manifest["template"]))
    tampered["template"]["classification"] = "not_illegal"
    EvidencePackage.objects.filter(pk=sealed.pk).update(manifest=tampered)
    sealed.refresh_from_db()
    assert not services.seal_valid(sealed)
    page = login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    assert "signature NOT valid" in page

    swapped = dict(tampered, files=[dict(tampered["files"][0], sha256="0" * 64)])
    swapped["template"] = dict(sealed.manifest["template"], classification="illegal_all")
    EvidencePackage.objects.filter(pk=sealed.pk).update(manifest=swapped)
    sealed.refresh_from_db()
    assert not services.seal_valid(sealed)
